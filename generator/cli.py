"""The `transparency` command: what staff and CI type."""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path

import click

from . import importlog, load, newrecord
from .diagnostics import Diagnostics
from .settings import Settings, read_settings

config_option = click.option(
    "--config", "-f", "config_file", default="mkdocs.yml", show_default=True,
    type=click.Path(dir_okay=False, path_type=Path), help="The site's mkdocs.yml.",
)


def _settings(config_file: Path) -> Settings:
    if not config_file.is_file():
        raise click.ClickException(f"{config_file}: no such file: run this in the site's folder or give --config")
    try:
        return read_settings(config_file)
    except (ValueError, TypeError) as exc:
        raise click.ClickException(f"{config_file}: the transparency plugin's options are not valid: {exc}")
    except Exception as exc:  # a broken mkdocs.yml: say so in one line
        raise click.ClickException(f"{config_file}: cannot read it: {str(exc).splitlines()[0]}")


def print_diagnostics(diagnostics: Diagnostics, form: str = "text") -> None:
    for diagnostic in diagnostics:
        click.echo(diagnostic.github() if form == "github" else diagnostic.text(), err=form == "text")


@click.group()
@click.version_option(package_name="opcc-transparency")
def main() -> None:
    """Validate and publish an office's decision records, funding tables and toolkit."""


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option("--format", "form", type=click.Choice(["text", "github"]), default="text", show_default=True,
              help="github: GitHub Actions annotations on the changed lines.")
@click.option("--strict", is_flag=True, help="Fail on warnings too.")
@config_option
def validate(paths: tuple[Path, ...], form: str, strict: bool, config_file: Path) -> None:
    """Check every record (or only PATHS) and report all problems at once."""
    records = load.load(_settings(config_file), only=paths or None)
    print_diagnostics(records.diagnostics, form)
    errors, warnings = len(records.diagnostics.errors), len(records.diagnostics.warnings)
    counted = f"{len(records.decisions)} decisions, {len(records.funding_tables)} funding tables, {len(records.toolkit)} toolkit documents"
    if form == "text":
        click.echo(f"{errors} error(s), {warnings} warning(s) in {counted}", err=True)
    if errors or (strict and warnings):
        sys.exit(1)


@main.command()
@click.option("--site-dir", "-d", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Where to publish the site; site_dir from mkdocs.yml if left out.")
@click.option("--strict", is_flag=True, help="Fail on MkDocs warnings too.")
@config_option
def build(site_dir: Path | None, strict: bool, config_file: Path) -> None:
    """Validate, build and check the site; replace site/ only when every check passes."""
    # Imported here: it loads MkDocs, which `transparency validate` does without.
    from . import build as pipeline

    try:
        summary = pipeline.build(config_file, site_dir, strict)
    except pipeline.BuildFailed as failed:
        click.echo(f"transparency build stopped with {len(failed.problems)} problem(s); the published site was not changed:", err=True)
        for problem in failed.problems:
            click.echo(problem, err=True)
        sys.exit(1)
    click.echo(summary.line(click.format_filename(os.path.relpath(summary.site_dir))))


@main.group()
def new() -> None:
    """Start a new record from a template."""


@new.command("decision")
@click.option("--title", required=True, help="Title of the decision.")
@click.option("--date", "date", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Date the decision was made (YYYY-MM-DD); today if left out.")
@click.option("--prefix", default=None, help="Reference prefix, e.g. WYPCC; from mkdocs.yml or existing records if left out.")
@config_option
def new_decision(title: str, date: dt.datetime | None, prefix: str | None, config_file: Path) -> None:
    """Write a new decision record with the next free reference for its year."""
    settings = _settings(config_file)
    day = date.date() if date else dt.date.today()
    try:
        path = newrecord.write_decision(settings, title, day, prefix)
    except newrecord.NewRecordError as exc:
        raise click.ClickException(str(exc))
    click.echo(f"wrote {path}")
    records = load.load(settings, only=[path])
    print_diagnostics(records.diagnostics)
    if records.diagnostics.errors:
        sys.exit(1)


@main.command("import")
@click.argument("log", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--map", "map_file", required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="MAP.yaml: which field each column of the log fills (columns:, defaults:, dates:).")
@click.option("--sheet", default=None, help="The sheet of an XLSX log to read; the first if left out.")
@click.option("--dry-run", is_flag=True, help="Check every row and report, but write nothing.")
@config_option
def import_log(log: Path, map_file: Path, sheet: str | None, dry_run: bool, config_file: Path) -> None:
    """Write one decision record per row of a CSV or XLSX decision log; never overwrite one."""
    try:
        result = importlog.import_log(_settings(config_file), log, map_file, sheet=sheet, dry_run=dry_run)
    except importlog.ImportFailed as exc:
        raise click.ClickException(str(exc))
    print_diagnostics(result.diagnostics)
    failed = len({d.line for d in result.diagnostics.errors})
    written = result.rows - failed if dry_run else len(result.written)
    click.echo(f"{'would write' if dry_run else 'wrote'} {written} record(s) from {result.rows} row(s); {failed} row(s) not imported", err=True)
    if result.diagnostics.errors:
        sys.exit(1)
