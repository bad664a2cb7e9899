"""`transparency build`: validate, build into a temporary folder, check it, then publish it.

The site is built next to site/ (same file system), checked as a whole (links, then the
publication guard), and only then renamed into place. Any problem stops the pipeline before
site/ is touched, so a failed build leaves the previous site exactly as it was.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import os
import shutil
import sys
import tempfile
import time
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, TextIO

from jinja2 import TemplateError
from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import MkDocsException

from . import check, guard, links, search, sitedir
from .diagnostics import for_people
from .publication import Publication
from .settings import OptionsError, Settings, read_settings

STEPS = (
    "validating records",
    "building pages, exports and search index",
    "checking links",
    "checking for withheld information",
    "publishing",
)


class BuildFailed(Exception):
    """The build stopped: every problem found, one line each, for the person who must fix them."""

    def __init__(self, problems: list[str]):
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = problems


@dataclass(frozen=True)
class Summary:
    site_dir: Path
    decisions: int
    funding_tables: int
    toolkit: int
    withheld: int
    pages: int
    files: int
    size: int
    seconds: float

    def line(self, relative: str) -> str:
        records = self.decisions + self.funding_tables + self.toolkit
        withheld = f"; {self.withheld} withheld" if self.withheld else ""
        return (
            f"built {relative}: {records} records ({self.decisions} decisions, "
            f"{self.funding_tables} funding tables, "
            f"{self.toolkit} toolkit documents{withheld}), {self.pages} pages, {self.files} files, "
            f"{_megabytes(self.size)} in {self.seconds:.1f} s"
        )


def _megabytes(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB"


class Progress:
    """Counted steps: completed in place on a terminal, one plain line each in CI logs."""

    def __init__(self, stream: TextIO | None = None, live: bool | None = None):
        self.stream = stream = stream or sys.stderr
        self.live = stream.isatty() and not os.environ.get("CI") if live is None else live
        self.notes: list[str] = []

    @contextmanager
    def step(self, number: int) -> Iterator[None]:
        label = f"[{number}/{len(STEPS)}] {STEPS[number - 1]} ..."
        self.stream.write(label if self.live else label + "\n")
        self.stream.flush()
        start = time.monotonic()
        try:
            yield
        finally:
            seconds = time.monotonic() - start
            self.stream.write(
                f" {seconds:.1f} s\n"
                if self.live
                else f"[{number}/{len(STEPS)}] done in {seconds:.1f} s\n"
            )
            # Held back until the step's line is finished, so they do not break it.
            for note in self.notes:
                self.stream.write(note + "\n")
            self.notes.clear()
            self.stream.flush()


class _Collect(logging.Handler):
    """MkDocs' warnings and errors, kept to be shown as the build's own problems."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def lines(self, level: int) -> list[str]:
        return [" ".join(r.getMessage().split()) for r in self.records if r.levelno == level]


@contextmanager
def _mkdocs_log() -> Iterator[_Collect]:
    logger = logging.getLogger("mkdocs")
    handler = _Collect()
    propagate = logger.propagate
    logger.addHandler(handler)
    logger.propagate = False  # else Python's last-resort handler prints them a second time
    try:
        yield handler
    finally:
        logger.removeHandler(handler)
        logger.propagate = propagate


def _display(path: Path) -> str:
    """A path as staff would type it: relative to here, unless that means climbing out."""
    try:
        relative = os.path.relpath(path)
    except ValueError:
        return str(path)
    return str(path) if relative.startswith("..") else relative


def _settings(config_file: Path) -> Settings:
    try:
        return read_settings(config_file)
    except OptionsError as exc:
        raise BuildFailed([d.text() for d in exc.diagnostics])
    except (OSError, ValueError, TypeError) as exc:
        raise BuildFailed(
            [
                f"{config_file}: cannot read the transparency plugin's options: "
                f"{' '.join(str(exc).split())}"
            ]
        )


def _validate(settings: Settings, progress: Progress) -> check.Prepared:
    """Check every record first: validation's messages point at lines, MkDocs' would not."""
    prepared = check.check(settings)
    diagnostics = prepared.records.diagnostics
    if diagnostics.errors:
        raise BuildFailed([d.text() for d in diagnostics.errors])
    progress.notes += for_people(diagnostics.warnings)
    return prepared


@contextmanager
def _mkdocs_errors(config_file: Path, log: _Collect) -> Iterator[None]:
    """MkDocs' own errors (a bad mkdocs.yml, a plugin or template error) as one-line problems."""
    try:
        yield
    except (MkDocsException, TemplateError, OSError) as exc:
        problems = log.lines(logging.ERROR) or [" ".join(str(exc).split())]
        raise BuildFailed([f"{config_file}: mkdocs: {p}" for p in problems]) from None


def _load_config(config_file: Path, strict: bool, log: _Collect) -> MkDocsConfig:
    with _mkdocs_errors(config_file, log):
        return load_config(config_file=str(config_file), strict=strict)


def _mkdocs(
    config: MkDocsConfig, config_file: Path, log: _Collect, prepared: check.Prepared
) -> Publication:
    """Build the site into config.site_dir; the plugin's on_post_build adds exports and search."""
    if (plugin := config.plugins.get("transparency")) is not None:
        plugin.loaded = prepared  # validated and published at step 1: not a second time
        plugin.index_later = True  # waited for in _check, while links are checked
    with _mkdocs_errors(config_file, log):
        config.plugins.on_startup(command="build", dirty=False)
        try:
            mkdocs_build(config)
        finally:
            config.plugins.on_shutdown()
    plugin = config.plugins.get("transparency")
    if plugin is None:
        raise BuildFailed(
            [
                f"{config_file}: the transparency plugin is not in its plugins: add '- "
                "transparency' to plugins"
            ]
        )
    publication: Publication = plugin.publication
    return publication


def _check(
    build_dir: Path,
    site_dir: Path,
    config: MkDocsConfig,
    config_file: Path,
    publication: Publication,
    progress: Progress,
) -> None:
    shown = _display(site_dir)
    secrets = guard.secrets(publication, _display)
    attached = links.attached_files(publication, Path(config.docs_dir))
    # Pagefind may still be finishing the search index (plugin.index_later): links are checked
    # meanwhile. The guard starts too, in other processes giving way to Pagefind, and reads the
    # rest of the site; it reads the index once it is written. Not for a site indexed in parts:
    # Pagefind's commands hold a gigabyte each, and the guard's processes would add theirs.
    early = len(publication.decisions) <= publication.settings.search_parts_above
    rest_files = guard.files(build_dir, leaving=search.BUNDLE)
    with contextlib.ExitStack() as scans:

        def scanning(names: list[str], *, giving_way: bool = False) -> guard.Scanning:
            return scans.enter_context(
                guard.Scanning(build_dir, secrets, attached, names=names, giving_way=giving_way)
            )

        rest = scanning(rest_files, giving_way=True) if early else None
        with progress.step(3):
            try:
                sources = links.sources(publication, Path(config.docs_dir), _display)
                broken = links.check(
                    build_dir, publication, config.site_url or "", sources, leaving=search.BUNDLE
                )
            finally:
                _search_index(config, config_file)
        with progress.step(4):
            rest = rest or scanning(rest_files)
            index = scanning(guard.files(build_dir, within=search.BUNDLE))
            scanned = guard.joined(rest.result(), index.result())
            progress.notes += [
                f"warning: {shown}/{name}: the guard cannot read text in this file (an image, or "
                "an encrypted or damaged document): check by eye that it holds nothing withheld"
                for name in scanned.unread
            ]
    problems = list(_link_problems(broken, shown))
    problems += [f"{shown}/{leak.file}: error: {leak.message()}" for leak in scanned.leaks]
    if problems:
        raise BuildFailed(problems)


def _search_index(config: MkDocsConfig, config_file: Path) -> None:
    """Wait for the search index the plugin is writing, if any."""
    if (plugin := config.plugins.get("transparency")) is not None:
        try:
            plugin.finish_search_index()
        except MkDocsException as exc:
            raise BuildFailed([f"{config_file}: mkdocs: {' '.join(str(exc).split())}"]) from None


def _link_problems(broken: list[links.BrokenLink], shown: str) -> Iterator[str]:
    """One line per broken link, not per page: a bad link in the navigation is on every page."""
    groups: dict[tuple[str, str], list[links.BrokenLink]] = defaultdict(list)
    for link in broken:
        groups[(link.problem, link.source)].append(link)
    for first, *others in groups.values():
        line = f":{first.line}" if first.line else ""
        also = (
            f" (and on {len(others)} other page{'s' if len(others) > 1 else ''})" if others else ""
        )
        yield f"{shown}/{first.file}{line}: error: {first.message()}{also}"


def _tree(root: Path) -> tuple[int, int, int]:
    pages = files = size = 0
    for path in root.rglob("*"):
        if path.is_file():
            files += 1
            size += path.stat().st_size
            pages += path.suffix == ".html"
    return pages, files, size


def build(
    config_file: Path = Path("mkdocs.yml"),
    site_dir: Path | None = None,
    strict: bool = False,
    progress: Progress | None = None,
) -> Summary:
    """Run the whole pipeline; raise BuildFailed, with site/ untouched, on any problem."""
    start = time.monotonic()
    progress = progress or Progress()
    config_file = Path(config_file)
    if not config_file.is_file():
        raise BuildFailed(
            [f"{config_file}: no such file: run this in the site's folder or give --config"]
        )
    settings = _settings(config_file)
    with progress.step(1):
        prepared = _validate(settings, progress)
        shown = {d.text() for d in prepared.records.diagnostics.warnings}
    # The records live until the build ends: the collector need not look through them again on
    # every full collection while thousands of pages are made (unfrozen when the build ends).
    gc.freeze()
    # Material's notice about MkDocs 2.0 is for theme authors, not for staff publishing a decision.
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    build_dir = None
    temporary = None  # the start of the build folder's name
    try:
        with _mkdocs_log() as log, progress.step(2):
            config = _load_config(config_file, strict, log)
            site_dir = Path(os.path.abspath(site_dir or config.site_dir))
            if refused := sitedir.problem(site_dir, settings, shown=_display(site_dir)):
                raise BuildFailed([refused])
            target = sitedir.location(site_dir)
            temporary = str(target.parent / f".{target.name}-")
            target.parent.mkdir(parents=True, exist_ok=True)
            sitedir.remove_leftovers(site_dir)
            build_dir = Path(tempfile.mkdtemp(prefix=f".{target.name}-new-", dir=target.parent))
            config.site_dir = str(build_dir)
            try:
                publication = _mkdocs(config, config_file, log, prepared)
            finally:
                # The plugin logs the records' warnings again: they were shown at step 1.
                progress.notes += [
                    f"warning: mkdocs: {w}" for w in log.lines(logging.WARNING) if w not in shown
                ]
        _check(build_dir, site_dir, config, config_file, publication, progress)
        pages, files, size = _tree(build_dir)
        with progress.step(5):
            sitedir.ordinary_permissions(build_dir)
            if warning := sitedir.replace(build_dir, site_dir):
                progress.notes.append(f"warning: {warning}")
    except OSError as exc:
        # A read-only folder, a full disk: the place and the cause, not a traceback. The build
        # folder's name means nothing to staff: the site folder is named instead.
        where = str(exc.filename or site_dir or config_file)
        if temporary and site_dir and where.startswith(temporary):
            inside = where[len(temporary) :].partition("/")[2]
            where = os.path.join(_display(site_dir), inside) if inside else _display(site_dir)
        raise BuildFailed([f"{where}: error: {exc.strerror or exc}"]) from None
    finally:
        gc.unfreeze()
        if build_dir is not None:
            # A build that failed after its pages: its search index may still be being written.
            with contextlib.suppress(BuildFailed):
                _search_index(config, config_file)
            shutil.rmtree(build_dir, ignore_errors=True)
    withheld = publication.withheld
    return Summary(
        site_dir,
        len(publication.decisions),
        len(publication.funding_tables),
        len(publication.toolkit),
        len(withheld.embargoed) + len(withheld.internal),
        pages,
        files,
        size,
        time.monotonic() - start,
    )
