"""Files in and out: read text saying exactly what is wrong, write atomically."""

from __future__ import annotations

import hashlib
import os
import re
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


# Characters XML 1.0 forbids: C0 controls but tab and line ends, lone surrogates, U+FFFE and
# U+FFFF. A page shows them as parse errors, and a feed that held one would not be XML.
FORBIDDEN_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def forbidden_character(text: str) -> str | None:
    """Name the first character of text that no page or feed can carry ("U+0001"), if any."""
    found = FORBIDDEN_CHARACTERS.search(text)
    return None if found is None else f"U+{ord(found.group()):04X}"


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
    """Decode UTF-8 (a byte-order mark is dropped); None after reporting where it is not, or
    where it holds a character no page or feed can carry."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        where = _place(file, raw[: exc.start].decode("utf-8", "replace"))
        message = f"not valid UTF-8 (byte 0x{raw[exc.start]:02x})"
        report.add(severity, where, message, "save the file as UTF-8")
        return None
    found = FORBIDDEN_CHARACTERS.search(text)
    if found is not None:
        name = forbidden_character(found.group())
        message = f"holds the character {name}, which no page or feed can carry"
        hint = "delete it: it may have come in with a copy and paste"
        report.add(severity, _place(file, text[: found.start()]), message, hint)
        return None
    return text


def _place(file: str, before: str) -> Location:
    """Where the text after before starts in a file."""
    return Location(file, before.count("\n") + 1, len(before) - (before.rfind("\n") + 1) + 1)


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
