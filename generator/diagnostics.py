"""Problems found in the sources, collected as values and reported together, as linters do."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from pathlib import Path


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, order=True)
class Diagnostic:
    path: str
    line: int
    column: int
    severity: Severity
    message: str
    field: str = ""
    # What sort of problem it is, for counting warnings by kind: e.g. "late publication".
    kind: str = ""

    def text(self) -> str:
        where = f"{self.field}: " if self.field else ""
        return (
            f"{self.path}:{self.line}:{self.column}: {self.severity.value}: {where}{self.message}"
        )

    def github(self) -> str:
        # Workflow commands end at a newline and treat % specially.
        where = f"{self.field}: " if self.field else ""
        message = (
            (where + self.message).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
        )
        return (
            f"::{self.severity.value} "
            f"file={self.path},line={self.line},col={self.column}::{message}"
        )


class Diagnostics(list["Diagnostic"]):
    """A list of diagnostics with helpers to add to it and ask about it."""

    def error(
        self,
        path: str | Path,
        line: int,
        column: int,
        message: str,
        field: str = "",
        kind: str = "",
    ) -> None:
        self.append(Diagnostic(str(path), line, column, Severity.ERROR, message, field, kind))

    def warning(
        self,
        path: str | Path,
        line: int,
        column: int,
        message: str,
        field: str = "",
        kind: str = "",
    ) -> None:
        self.append(Diagnostic(str(path), line, column, Severity.WARNING, message, field, kind))

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self if d.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self if d.severity is Severity.WARNING]

    def sorted(self) -> list[Diagnostic]:
        return sorted(set(self))


def for_people(diagnostics: list[Diagnostic], *, verbose: bool = False) -> list[str]:
    """Errors first, one line each; then warnings by kind, with counts. A kind with one warning
    shows it whole; with more, its first, unless verbose lists every one."""
    lines = [d.text() for d in diagnostics if d.severity is Severity.ERROR]
    by_kind: dict[str, list[Diagnostic]] = {}
    for d in diagnostics:
        if d.severity is Severity.WARNING:
            by_kind.setdefault(d.kind or "other", []).append(d)
    for kind, found in sorted(by_kind.items()):
        if len(found) == 1:
            lines.append(found[0].text())
        elif verbose:
            lines.append(f"{len(found)} warnings: {kind}")
            lines += [d.text() for d in found]
        else:
            first = found[0]
            lines.append(
                f"{len(found)} warnings: {kind}, the first at "
                f"{first.path}:{first.line}:{first.column} (make validate OPTIONS=--verbose lists "
                "them all)"
            )
    return lines
