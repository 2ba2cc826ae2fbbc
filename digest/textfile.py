"""Read contributors' text files, saying exactly where and why one cannot be read."""

from __future__ import annotations

from pathlib import Path

from digest.diagnostics import Location, Report, Severity


def read_text(
    path: Path,
    report: Report,
    *,
    file: str,
    cited_at: Location | None = None,
    severity: Severity = Severity.ERROR,
) -> str | None:
    """Read a UTF-8 file (a byte-order mark is dropped); None after reporting a problem.

    A file that cannot be opened is reported at cited_at (where the manifest
    names it), or at the file itself; bytes that are not UTF-8, at their line
    and column.
    """
    try:
        raw = path.read_bytes()
    except OSError as exc:
        reason = exc.strerror or str(exc)
        report.add(severity, cited_at or Location(file), f"cannot read {file}: {reason}")
        return None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        column = len(before) - (before.rfind(b"\n") + 1) + 1
        report.add(
            severity,
            Location(file, line, column),
            f"not valid UTF-8 (byte 0x{raw[exc.start]:02x})",
            "save the file as UTF-8",
        )
        return None
