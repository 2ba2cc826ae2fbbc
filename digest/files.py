"""Files in and out: read text saying exactly what is wrong, write atomically."""

from __future__ import annotations

import hashlib
import os
import tempfile
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
    raw = read_bytes(path, report, file=file, cited_at=cited_at, severity=severity)
    return None if raw is None else decode_text(raw, report, file=file, severity=severity)


def read_bytes(
    path: Path,
    report: Report,
    *,
    file: str,
    cited_at: Location | None = None,
    severity: Severity = Severity.ERROR,
) -> bytes | None:
    """Read a file's bytes; None after reporting why they cannot be read (see read_text)."""
    try:
        return path.read_bytes()
    except OSError as exc:
        reason = exc.strerror or str(exc)
        report.add(severity, cited_at or Location(file), f"cannot read {file}: {reason}")
        return None


def decode_text(
    raw: bytes, report: Report, *, file: str, severity: Severity = Severity.ERROR
) -> str | None:
    """Decode UTF-8 (a byte-order mark is dropped); None after reporting where it is not."""
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


TEMP_PREFIX = ".tmp-"


def atomic_write(path: Path, data: bytes) -> None:
    """Replace path's content in one step: a crash leaves the old file or the new, never half.

    The bytes go to a temporary file beside it, are flushed to disk, and the
    temporary file is renamed over the old one.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(prefix=TEMP_PREFIX + path.name + ".", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        Path(temp).chmod(0o644)
        Path(temp).replace(path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def remove_temp_files(folder: Path) -> None:
    """Delete temporary files a killed write left behind."""
    if folder.is_dir():
        for leftover in folder.rglob(TEMP_PREFIX + "*"):
            if leftover.is_file() and not leftover.is_symlink():
                leftover.unlink(missing_ok=True)


def content_hash(data: bytes) -> str:
    """The hash the build cache knows content by."""
    return hashlib.blake2b(data, digest_size=20).hexdigest()
