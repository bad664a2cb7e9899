"""Options of the `transparency` plugin in mkdocs.yml, as MkDocs reads them.

Made from the dataclasses in generator/settings.py, the one declaration of their names, types
and defaults, so the build and `transparency validate` cannot disagree about them.
"""

from __future__ import annotations

import datetime as dt
import types
from dataclasses import is_dataclass
from typing import TYPE_CHECKING, Any, get_args, get_origin

from mkdocs.config import config_options as c
from mkdocs.config.base import BaseConfigOption, Config

from .settings import Publisher, Settings, declared_options


def _option(kind: Any, default: Any) -> BaseConfigOption[Any]:
    if isinstance(kind, type) and is_dataclass(kind):
        return c.SubConfig(_config_class(kind))
    if get_origin(kind) is types.UnionType:  # X | None, as build_date: text or a YAML date
        return c.Optional(c.Type((str, dt.date)))
    if get_origin(kind) is tuple:
        return c.ListOfItems(c.Type(get_args(kind)[0]), default=list(default))
    return c.Type((int, float) if kind is float else kind, default=default)


def _config_class(declared: type) -> type[Config]:
    defaults = declared()
    options = {
        name: _option(kind, getattr(defaults, name))
        for name, kind in declared_options(declared).items()
    }
    return type(f"{declared.__name__}Config", (Config,), options)


PublisherConfig = _config_class(Publisher)
if TYPE_CHECKING:
    # A class made at run time has no attributes a type checker can see: the plugin reads its
    # options through Settings, which is typed.
    TransparencyConfig = Config
else:
    TransparencyConfig = _config_class(Settings)
