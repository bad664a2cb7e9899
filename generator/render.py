"""Turning record values into safe HTML: templates with autoescaping, Markdown through an
allow-list."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from functools import cache, lru_cache
from typing import Any, Callable

import markdown
import nh3
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from .addresses import page_url

# What staff may use in Markdown, in record fields and toolkit documents alike. Anything else
# (script, style, iframe, forms, event handlers, images) is removed; links keep only http(s)
# and relative targets; classes only those Markdown's admonitions write.
_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "b",
    "i",
    "ul",
    "ol",
    "li",
    "a",
    "blockquote",
    "code",
    "pre",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "hr",
    "abbr",
    "sup",
    "sub",
    "div",
    "span",
    "dl",
    "dt",
    "dd",
}
_HEADINGS = {f"h{level}": {"id"} for level in range(1, 7)}
_ATTRIBUTES = {
    "a": {"href", "title", "id"},
    "abbr": {"title"},
    "th": {"scope", "style"},
    "td": {"style"},
    **_HEADINGS,
}
_CLASSES = {
    "div": {
        "admonition",
        "note",
        "info",
        "tip",
        "warning",
        "danger",
        "important",
        "abstract",
        "example",
        "quote",
    },
    "p": {"admonition-title"},
}
_URL_SCHEMES = {"http", "https"}


def sanitise(html: str) -> Markup:
    """HTML from staff Markdown, through the allow-list."""
    return Markup(
        nh3.clean(
            html,
            tags=_TAGS,
            attributes=_ATTRIBUTES,
            allowed_classes=_CLASSES,
            filter_style_properties={"text-align"},
            url_schemes=_URL_SCHEMES,
            link_rel="noopener noreferrer",
        )
    )


_CURRENCY_SIGNS = {"GBP": "£", "EUR": "€", "USD": "$"}


@cache
def _markdown() -> markdown.Markdown:
    return markdown.Markdown(extensions=["tables", "sane_lists"], output_format="html")


# A summary is shown on its page and again, as plain text, in the meta description, the JSON-LD,
# the feeds and the exports: each text is converted once. Bounded, for long `mkdocs serve` runs.
@lru_cache(maxsize=4096)
def markdown_to_html(text: str | None) -> Markup:
    """Staff Markdown as HTML that can carry no script, event handler or foreign scheme."""
    if not text:
        return Markup("")
    md = _markdown()
    html = md.reset().convert(text)
    # Headings inside a field sit under the page's own section headings.
    for level in (2, 1):
        html = html.replace(f"<h{level}>", f"<h{level + 2}>").replace(
            f"</h{level}>", f"</h{level + 2}>"
        )
    return sanitise(html)


@lru_cache(maxsize=32768)
def plain_text(text: str | None) -> str:
    """Markdown as plain text, for feeds, exports and meta descriptions."""
    if not text:
        return ""
    return " ".join(nh3.clean(str(markdown_to_html(text)), tags=set()).split())


def money(amount: Decimal | None, currency: str = "GBP") -> str:
    if amount is None:
        return ""
    sign = _CURRENCY_SIGNS.get(currency, currency + " ")
    return f"{sign}{amount:,.2f}"


# How a notice states an amount: "up to £29,250,000.00", "about £5,000.00", "£12,000.00 a year".
_BASIS_WORDS = {"exact": "{}", "maximum": "up to {}", "estimate": "about {}", "annual": "{} a year"}


def stated_amount(amount: Decimal | None, currency: str = "GBP", basis: str = "exact") -> str:
    return _BASIS_WORDS[basis].format(money(amount, currency)) if amount is not None else ""


def long_date(day: dt.date | None) -> str:
    return f"{day.day} {day:%B %Y}" if day else ""


def safe_url(url: str) -> str | None:
    """Only http(s) links leave the site; anything else is dropped."""
    return url if url.lower().startswith(("https://", "http://")) else None


def json_for_script(data: Any) -> Markup:
    """JSON that is safe inside a <script> element: no '</script>' can close it early."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


def file_size(size: int | None) -> str:
    if size is None:
        return ""
    amount: float = size
    for unit in ("bytes", "KB", "MB", "GB"):
        if amount < 1024 or unit == "GB":
            return f"{size} {unit}" if unit == "bytes" else f"{amount:.1f} {unit}"
        amount /= 1024
    return ""


def percent_change(before: Decimal | None, after: Decimal | None) -> str:
    """Year-on-year change, '+1.6%'; blank where it cannot be worked out."""
    if before is None or after is None or before == 0:
        return ""
    change = (after - before) / before * 100
    return f"{'+' if change > 0 else '−' if change < 0 else ''}{abs(change):.1f}%"


def label(slug: str) -> str:
    """'open-tender' -> 'Open tender'."""
    return slug.replace("-", " ").replace("_", " ").capitalize()


@cache
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("generator"),
        autoescape=select_autoescape(["html", "xml", "svg"], default_for_string=True),
        undefined=StrictUndefined,
        # Package templates do not change during a build: no stat of each one per page rendered.
        auto_reload=False,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        markdown=markdown_to_html,
        money=money,
        stated_amount=stated_amount,
        long_date=long_date,
        safe_url=safe_url,
        file_size=file_size,
        label=label,
        json_script=json_for_script,
        plain=plain_text,
        page_url=page_url,
    )
    env.globals.update(change=percent_change)
    return env


def render(template: str, **context: Any) -> str:
    return environment().get_template(template).render(**context)


class RenderedOnce:
    """HTML that is the same for every page sharing a key, rendered for the first and reused:
    the navigation of the pages outside it, one render per folder. A template hands over what
    to render (`{% call cache(key) %}...{% endcall %}`), so it stores nothing itself."""

    def __init__(self) -> None:
        self._html: dict[str, str] = {}

    def __call__(self, key: str, caller: Callable[[], str]) -> str:
        if key not in self._html:
            self._html[key] = caller()
        return self._html[key]
