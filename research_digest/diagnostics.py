"""Diagnostics: where a problem is, what it is, and how to fix it.

Every stage reports user-facing problems here instead of raising, so one run
shows them all, compiler style::

    sources.yaml:14:10: error: sources[2].url: expected an http or https URL, got 'ftp://x.org'
      hint: did you mean 'https://x.org'?
"""

from __future__ import annotations

import difflib
import enum
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path


class Severity(enum.IntEnum):
    """How bad a problem is; errors stop the build, warnings do under --strict."""

    NOTE = 0
    WARNING = 1
    ERROR = 2

    @property
    def label(self) -> str:
        return self.name.lower()


@dataclass(frozen=True, order=True)
class Location:
    """A place in a file: 1-based line and column (0 when not known)."""

    file: str
    line: int = 0
    column: int = 0

    def __str__(self) -> str:
        if self.line:
            return f"{self.file}:{self.line}:{self.column}"
        return self.file


@dataclass(frozen=True)
class Diagnostic:
    """One problem, with an optional hint for the obvious fix."""

    severity: Severity
    location: Location
    message: str
    hint: str | None = None

    def format(self) -> str:
        text = f"{self.location}: {self.severity.label}: {self.message}"
        if self.hint:
            text += f"\n  hint: {self.hint}"
        return text

    def format_github(self) -> str:
        """As a GitHub Actions workflow command, so it shows on the changed line of a PR."""
        kind = {Severity.ERROR: "error", Severity.WARNING: "warning"}.get(self.severity, "notice")
        properties = [f"file={_escape_property(self.location.file)}"]
        if self.location.line:
            properties += [f"line={self.location.line}", f"col={self.location.column}"]
        properties.append("title=Research Digest")
        text = self.message + (f"\n  hint: {self.hint}" if self.hint else "")
        return f"::{kind} {','.join(properties)}::{_escape_data(text)}"

    def sort_key(self) -> tuple[str, int, int, int, str]:
        loc = self.location
        return (loc.file, loc.line, loc.column, -self.severity, self.message)


@dataclass
class Report:
    """Collects diagnostics from every stage; sorts, counts and formats them."""

    diagnostics: list[Diagnostic] = field(default_factory=list)

    def add(
        self, severity: Severity, location: Location, message: str, hint: str | None = None
    ) -> None:
        self.diagnostics.append(Diagnostic(severity, location, message, hint))

    def error(self, location: Location, message: str, hint: str | None = None) -> None:
        self.add(Severity.ERROR, location, message, hint)

    def warning(self, location: Location, message: str, hint: str | None = None) -> None:
        self.add(Severity.WARNING, location, message, hint)

    def note(self, location: Location, message: str, hint: str | None = None) -> None:
        self.add(Severity.NOTE, location, message, hint)

    def extend(self, diagnostics: Iterable[Diagnostic]) -> None:
        """Add diagnostics this report does not hold yet (an error raised from it, say)."""
        known = set(self.diagnostics)
        self.diagnostics.extend(d for d in diagnostics if d not in known)

    def count(self, severity: Severity) -> int:
        return sum(1 for d in self.diagnostics if d.severity == severity)

    def failed(self, *, strict: bool = False) -> bool:
        """Tell whether the problems so far must stop the build."""
        worst = Severity.WARNING if strict else Severity.ERROR
        return any(d.severity >= worst for d in self.diagnostics)

    def sorted(self, *, minimum: Severity = Severity.NOTE) -> Iterator[Diagnostic]:
        unique = dict.fromkeys(d for d in self.diagnostics if d.severity >= minimum)
        return iter(sorted(unique, key=Diagnostic.sort_key))

    def summary(self) -> str:
        """Count errors and warnings: '2 errors, 1 warning'."""
        parts = []
        for severity in (Severity.ERROR, Severity.WARNING):
            n = self.count(severity)
            if n:
                parts.append(f"{n} {severity.label}{'' if n == 1 else 's'}")
        return ", ".join(parts) or "no problems"


def display_path(path: Path, *, relative_to: Path | None = None) -> str:
    """Show a path relative to a folder (default: the working directory) when under it."""
    text = str(path)
    here = os.getcwd()  # noqa: PTH109 (a string: Path.cwd() parses it, 20 us a call)
    folder = (here if relative_to is None else str(relative_to)).rstrip("/") + "/"
    if os.sep == "/" and text.startswith(folder) and folder.startswith("/") and "/." not in text:
        return text[len(folder) :]  # the common case, without pathlib's parsing (0.1 ms)
    base = Path.cwd() if relative_to is None else relative_to
    try:
        return Path(os.path.relpath(path, base)).as_posix() if _is_under(path, base) else str(path)
    except ValueError:  # different drives on Windows
        return str(path)


def _is_under(path: Path, base: Path) -> bool:
    try:
        path.absolute().relative_to(base.absolute())
    except ValueError:
        return False
    return True


def did_you_mean(word: str, choices: Iterable[str], *, cutoff: float = 0.6) -> str | None:
    """Suggest the closest of choices to a mistyped word (or one it begins), as a hint."""
    options = sorted(choices)
    matches = difflib.get_close_matches(word, options, n=1, cutoff=cutoff)
    if not matches and word:
        matches = [c for c in options if c.startswith(word)][:1]
    return f"did you mean {matches[0]!r}?" if matches else None


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")
