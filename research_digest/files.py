"""Files in and out: read text saying exactly what is wrong, write atomically."""

from __future__ import annotations

import hashlib
import os
import re
import stat
import tempfile
from pathlib import Path

from research_digest.diagnostics import Location, Report, Severity, display_path

MAX_INPUT_BYTES = 16 * 1024 * 1024  # the most read of a write-up, template or data file


def read_text(
    path: Path,
    report: Report,
    *,
    file: str,
    cited_at: Location | None = None,
    severity: Severity = Severity.ERROR,
    within: Path | None = None,
    limit: int = MAX_INPUT_BYTES,
) -> str | None:
    """Read a UTF-8 file (a byte-order mark is dropped); None after reporting a problem.

    A file that cannot be opened, or that read_input refuses (outside the folder within,
    not a regular file, over limit bytes), is reported at cited_at (where the manifest
    names it), or at the file itself; bytes that are not UTF-8, at their line and column.
    """
    raw = read_bytes(path, report, file=file, cited_at=cited_at, severity=severity,
                     within=within, limit=limit)  # fmt: skip
    return None if raw is None else decode_text(raw, report, file=file, severity=severity)


# Characters XML 1.0 forbids: C0 controls but tab and line ends, lone surrogates, U+FFFE and
# U+FFFF. A page shows them as parse errors, and a feed that held one would not be XML.
FORBIDDEN_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def forbidden_character(text: str) -> str | None:
    """Name the first character of text that no page or feed can carry ("U+0001"), if any."""
    found = FORBIDDEN_CHARACTERS.search(text)
    return None if found is None else f"U+{ord(found.group()):04X}"


class Refused(Exception):
    """A file the build will not read: outside the project, not a regular file, too large."""

    def __init__(self, message: str, hint: str | None = None, *, outside: bool = False) -> None:
        super().__init__(message)
        self.hint = hint
        self.outside = outside  # it leads outside the project: always an error


def read_input(path: Path, *, within: Path | None, limit: int = MAX_INPUT_BYTES) -> bytes:
    """Read a regular file that resolves inside the folder within (when given), whichever
    folder or link leads to it; raise Refused saying why not, or OSError.

    A FIFO, device or socket is refused before it is opened (a FIFO's reader would wait for
    a writer, a device may never end); the file is opened without waiting and checked again
    once open, and at most limit bytes are read.
    """
    if within is not None:
        outside = outside_of(path, within)
        if outside is not None:
            raise Refused(outside, "the build reads only files inside the project's folder: "
                          "put the file itself there, not a link to it", outside=True)  # fmt: skip
    check_kind(path.stat().st_mode)
    handle = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    try:
        status = os.fstat(handle)
        check_kind(status.st_mode)  # it may have been swapped since
        if status.st_size > limit:
            raise Refused(f"is {status.st_size:,} bytes; at most {limit:,} are read")
        chunks, size = [], 0
        while size <= limit:
            chunk = os.read(handle, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > limit:
            raise Refused(f"is more than {limit:,} bytes; at most {limit:,} are read")
        return b"".join(chunks)
    finally:
        os.close(handle)


def check_kind(mode: int) -> None:
    """Raise Refused unless mode is a regular file's."""
    if stat.S_ISREG(mode):
        return
    if stat.S_ISDIR(mode):
        raise Refused("is a folder, not a file", "name a file, not the folder it is in")
    if stat.S_ISFIFO(mode):
        kind = "a FIFO (named pipe)"
    elif stat.S_ISSOCK(mode):
        kind = "a socket"
    else:
        kind = "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else "not a file"
    raise Refused(f"is {kind}, not a regular file", "the build reads only regular files")


def outside_of(path: Path, within: Path) -> str | None:
    """Say how path leads outside the folder within (the link that takes it there), if it
    does; None if it resolves inside."""
    root = within.resolve()
    real = path.resolve()
    if real == root or real.is_relative_to(root):
        return None
    absolute = path.absolute()
    for candidate in (*reversed(absolute.parents), absolute):
        if candidate.is_symlink():
            target = candidate.resolve()
            if not (target == root or target.is_relative_to(root)):
                shown = display_path(candidate, relative_to=within.absolute())
                return f"leads outside the project: {shown} is a symbolic link to {target}"
    return f"is outside the project ({real})"


def read_bytes(
    path: Path,
    report: Report,
    *,
    file: str,
    cited_at: Location | None = None,
    severity: Severity = Severity.ERROR,
    within: Path | None = None,
    limit: int = MAX_INPUT_BYTES,
) -> bytes | None:
    """Read a file's bytes (see read_input); None after reporting why they cannot be read."""
    try:
        return read_input(path, within=within, limit=limit)
    except Refused as refused:
        level = Severity.ERROR if refused.outside else severity
        report.add(level, cited_at or Location(file), f"{file} {refused}", refused.hint)
        return None
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


def tree_files(folder: Path) -> list[Path]:
    """Every file under a folder, in a stable order (none if it does not exist). Links to
    folders are not followed; a link to a file is listed, and refused when read if it
    leads outside the project."""
    found = []
    for parent, folders, files in os.walk(folder):
        folders.sort()
        found += [Path(parent, name) for name in sorted(files)]
    return found


def content_hash(data: bytes) -> str:
    """The hash the build cache knows content by."""
    return hashlib.blake2b(data, digest_size=20).hexdigest()
