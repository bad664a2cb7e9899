"""The `transparency` command: what staff and CI type."""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path
from typing import Iterable

import click

from . import __version__, check, importlog, load, newrecord
from .diagnostics import Diagnostic, Severity, for_people
from .settings import OptionsError, Settings, read_settings

config_option = click.option(
    "--config",
    "-f",
    "config_file",
    default=None,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The site's mkdocs.yml; the nearest one in this folder or a folder above if left out.",
)


def find_config(start: Path) -> Path | None:
    """The nearest mkdocs.yml in start or a folder above, so commands work from a record's
    folder."""
    for folder in (start, *start.parents):
        if (folder / "mkdocs.yml").is_file():
            return folder / "mkdocs.yml"
    return None


def _config_path(config_file: Path | None) -> Path:
    if config_file is not None:
        return config_file
    found = find_config(Path.cwd())
    return Path(os.path.relpath(found)) if found else Path("mkdocs.yml")


def _settings(config_file: Path | None, form: str = "text") -> Settings:
    config_file = _config_path(config_file)
    if not config_file.is_file():
        raise click.ClickException(
            f"{config_file}: no such file: run this in the site's folder or give --config"
        )
    try:
        return read_settings(config_file)
    except OptionsError as exc:
        print_diagnostics(exc.diagnostics, form)
        raise click.ClickException(str(exc)) from None
    except (ValueError, TypeError) as exc:
        raise click.ClickException(
            f"{config_file}: the transparency plugin's options are not valid: {exc}"
        )
    except Exception as exc:  # a broken mkdocs.yml: say so in one line
        raise click.ClickException(f"{config_file}: cannot read it: {str(exc).splitlines()[0]}")


def print_diagnostics(diagnostics: Iterable[Diagnostic], form: str = "text") -> None:
    for diagnostic in diagnostics:
        click.echo(
            diagnostic.github() if form == "github" else diagnostic.text(), err=form == "text"
        )


@click.group()
@click.version_option(__version__, prog_name="transparency")
def main() -> None:
    """Validate and publish an office's decision records, funding tables and toolkit."""


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--format",
    "form",
    type=click.Choice(["text", "github"]),
    default="text",
    show_default=True,
    help="github: GitHub Actions annotations on the changed lines.",
)
@click.option("--strict", is_flag=True, help="Fail on warnings too.")
@click.option(
    "--verbose", "-v", is_flag=True, help="List every warning, not only how many of each kind."
)
@config_option
def validate(
    paths: tuple[Path, ...], form: str, strict: bool, verbose: bool, config_file: Path | None
) -> None:
    """Check every record (or only PATHS) and report all problems at once, with the build's
    warnings."""
    records = check.check(_settings(config_file, form), only=paths or None).records
    errors, warnings = len(records.diagnostics.errors), len(records.diagnostics.warnings)
    counted = (
        f"{len(records.decisions)} decisions, {len(records.funding_tables)} funding tables, "
        f"{len(records.toolkit)} toolkit documents"
    )
    if form == "text":
        for line in for_people(records.diagnostics, verbose=verbose):
            click.echo(line, err=True)
        click.echo(f"{errors} error(s), {warnings} warning(s) in {counted}", err=True)
    else:
        print_diagnostics(records.diagnostics, form)
    if errors or (strict and warnings):
        sys.exit(1)


@main.command()
@click.option(
    "--site-dir",
    "-d",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Where to publish the site; site_dir from mkdocs.yml if left out.",
)
@click.option("--strict", is_flag=True, help="Fail on MkDocs warnings too.")
@config_option
def build(site_dir: Path | None, strict: bool, config_file: Path | None) -> None:
    """Validate, build and check the site; replace site/ only when every check passes."""
    # Imported here: it loads MkDocs, which `transparency validate` does without.
    from . import build as pipeline

    try:
        summary = pipeline.build(_config_path(config_file), site_dir, strict)
    except pipeline.BuildFailed as failed:
        click.echo(
            f"transparency build stopped with {len(failed.problems)} problem(s); the published "
            "site was not changed:",
            err=True,
        )
        for problem in failed.problems:
            click.echo(problem, err=True)
        sys.exit(1)
    click.echo(summary.line(click.format_filename(os.path.relpath(summary.site_dir))))


@main.group()
def new() -> None:
    """Start a new record from a template."""


@new.command("decision")
@click.option("--title", required=True, help="Title of the decision.")
@click.option(
    "--date",
    "date",
    default=None,
    help="Date the decision was made: 2020-08-01, 01/08/2020 or 1 August 2020 (day first); "
    "today if left out.",
)
@click.option(
    "--prefix",
    default=None,
    help="Reference prefix, e.g. WYPCC; from mkdocs.yml or existing records if left out.",
)
@config_option
def new_decision(
    title: str, date: str | None, prefix: str | None, config_file: Path | None
) -> None:
    """Write a new decision record with the next free reference for its year."""
    try:
        day = newrecord.parse_date(date) if date is not None else dt.date.today()
    except newrecord.NewRecordError as exc:
        raise BadDate(str(exc))
    settings = _settings(config_file)
    try:
        path = newrecord.write_decision(settings, title, day, prefix)
    except newrecord.NewRecordError as exc:
        raise click.ClickException(str(exc))
    click.echo(f"wrote {path}")
    records = load.load(settings, only=[path])
    # The guidance the template writes is there to be replaced: not a problem yet.
    problems = [d for d in records.diagnostics if d.kind != newrecord.GUIDANCE_KIND]
    print_diagnostics(problems)
    if any(d.severity is Severity.ERROR for d in problems):
        sys.exit(1)
    click.echo(f"fill it in, then check it with: {newrecord.check_command(records.relative(path))}")


class BadDate(click.ClickException):
    """A date click cannot parse is a mistake in what was typed, as click's own usage errors
    (exit 2)."""

    exit_code = 2


@main.command()
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--name",
    prompt="Name of the office",
    help="e.g. Police and Crime Commissioner for Avon and Somerset.",
)
@click.option("--website", prompt="The office's website", help="Its main website, https://...")
@click.option(
    "--email",
    prompt="Contact email",
    help="Where the public asks for information in another format.",
)
@click.option(
    "--phone", default="", help="Contact telephone number, for the accessibility statement."
)
@click.option("--org-id", "org_id", prompt="org-id.guide identifier", help="e.g. GB-GOR-PC000123.")
@click.option(
    "--prefix",
    prompt="Reference prefix",
    help="Of the decision references, e.g. AVSPCC for AVSPCC-2025-001.",
)
def init(
    folder: Path, name: str, website: str, email: str, phone: str, org_id: str, prefix: str
) -> None:
    """Start a new office's site repository in FOLDER (new or empty)."""
    from . import newsite

    office = newsite.Office(
        name=name, website=website, email=email, org_id=org_id, prefix=prefix, phone=phone
    )
    try:
        written = newsite.write_site(folder, office, dt.date.today())
    except newsite.NewSiteError as exc:
        raise click.ClickException(str(exc))
    click.echo(
        f"wrote {len(written)} files in {click.format_filename(folder)}; next: cd "
        f"{click.format_filename(folder)} && make site"
    )


@main.command("import")
@click.argument("log", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--map",
    "map_file",
    required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="MAP.yaml: which field each column of the log fills (columns:, defaults:, dates:).",
)
@click.option(
    "--sheet", default=None, help="The sheet of an XLSX log to read; the first if left out."
)
@click.option("--dry-run", is_flag=True, help="Check every row and report, but write nothing.")
@config_option
def import_log(
    log: Path, map_file: Path, sheet: str | None, dry_run: bool, config_file: Path
) -> None:
    """Write one decision record per row of a CSV or XLSX decision log; never overwrite one."""
    try:
        result = importlog.import_log(
            _settings(config_file), log, map_file, sheet=sheet, dry_run=dry_run
        )
    except importlog.ImportFailed as exc:
        raise click.ClickException(str(exc))
    print_diagnostics(result.diagnostics)
    failed = len({d.line for d in result.diagnostics.errors})
    written = result.rows - failed if dry_run else len(result.written)
    click.echo(
        f"{'would write' if dry_run else 'wrote'} {written} record(s) from {result.rows} row(s); "
        f"{failed} row(s) not imported",
        err=True,
    )
    if result.diagnostics.errors:
        sys.exit(1)
