"""Write the built site: guard every path, then swap a new folder in, or update in place.

A first build (or one after the build cache was lost) builds the site in a new
folder beside the output folder (``.site.new-*``, marked as the build's own by a
``.research-digest-staging`` file, so that a killed build's leftovers can be told from
a user's folder of a like name), then swaps it in: on Linux in
one atomic ``renameat2(RENAME_EXCHANGE)``; elsewhere two renames. When the
build cache knows what the folder holds, only the files whose bytes changed are
written, into a folder beside it, then each is moved into place, and the files no
longer built are removed: unchanged files keep their modification times, which
rsync and CDN deploys rely on. Either way, a build that fails or is killed before
it moves anything leaves the previous site as it was; one killed while moving
files leaves each file whole, and the next build, which no longer trusts the
folder's record, replaces the folder.

The output folder is replaced wholesale, so it is guarded too: it must not
hold the project's own files, and an existing non-empty folder must carry the
marker file a previous build left (``.research-digest``).
"""

from __future__ import annotations

import ctypes
import errno
import os
import re
import shutil
import tempfile
from collections.abc import Mapping, Sequence
from collections.abc import Set as AbstractSet
from pathlib import Path, PurePosixPath

from research_digest.diagnostics import Diagnostic, Location, Severity, display_path
from research_digest.errors import OutputError, PartlyWritten
from research_digest.model.outputs import OutputFile

MARKER = ".research-digest"
MARKER_TEXT = b"This folder is built by Research Digest and replaced by every build.\n"
# Written first into every folder a build makes beside the output folder, so that only
# those are ever removed as a killed build's leftovers, never a user's folder of the name.
STAGING_MARKER = ".research-digest-staging"
STAGING_TEXT = b"A folder Research Digest writes a site in before moving it into place.\n"
_TEMP_NAME = re.compile(r"[a-z0-9_]{8}")  # what tempfile.mkdtemp adds to the prefix
MAX_NAME_BYTES = 255


def write_site(
    files: Sequence[OutputFile],
    out: Path,
    *,
    protected: Sequence[Path] = (),
    previous: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """Write files as the new content of out; raise OutputError if unsafe.

    previous maps each file out holds to its content hash, when that is known: then
    only what changed is written. Returns the same map for the files now there.
    """
    out = out.absolute()
    where = Location(display_path(out))
    problems = check_output_folder(out, protected) + check_output_paths(files)
    if problems:
        raise OutputError([Diagnostic(Severity.ERROR, where, p) for p in problems])
    hashes = {file.path: file.digest for file in files}
    out.parent.mkdir(parents=True, exist_ok=True)
    _remove_leftovers(out)
    if previous is not None and out.is_dir():
        changed = [file for file in files if previous.get(file.path) != hashes[file.path]]
        _update_in_place(changed, set(previous) - set(hashes), out, where)
    else:
        _write_new_folder(files, out, where)
    return hashes


def _update_in_place(
    changed: Sequence[OutputFile], gone: AbstractSet[str], out: Path, where: Location
) -> None:
    """Write the changed files into a folder beside out, then move each into place and
    remove the files no longer built: a build killed while writing leaves out as it was
    (and the next build deletes the folder); one killed while moving leaves every file
    whole, each the previous build's or this one's, and the next build replaces out."""
    try:
        staging = _staging_folder(out)
    except OSError as exc:
        raise _cannot_write(OutputError, where, exc) from exc
    try:
        for number, file in enumerate(changed):
            (staging / str(number)).write_bytes(file.content)
    except BaseException as exc:
        shutil.rmtree(staging, ignore_errors=True)
        if isinstance(exc, OSError):
            raise _cannot_write(OutputError, where, exc) from exc
        raise
    try:  # from here, out changes
        for number, file in enumerate(changed):
            target = out.joinpath(*PurePosixPath(file.path).parts)
            target.parent.mkdir(parents=True, exist_ok=True)
            (staging / str(number)).replace(target)
        for path in sorted(gone, reverse=True):
            target = out.joinpath(*PurePosixPath(path).parts)
            target.unlink(missing_ok=True)
            for folder in target.parents:  # remove the folders this left empty
                if folder == out or any(folder.iterdir()):
                    break
                folder.rmdir()
    except OSError as exc:
        raise _cannot_write(PartlyWritten, where, exc) from exc
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _cannot_write(error: type[OutputError], where: Location, exc: OSError) -> OutputError:
    return error([Diagnostic(Severity.ERROR, where, f"cannot write the site: {exc}")])


def _write_new_folder(files: Sequence[OutputFile], out: Path, where: Location) -> None:
    staging: Path | None = None
    try:
        staging = _staging_folder(out)
        _chmod_like_a_new_folder(staging)
        for file in files:
            target = staging.joinpath(*PurePosixPath(file.path).parts)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(file.content)
        (staging / MARKER).write_bytes(MARKER_TEXT)
        (staging / STAGING_MARKER).unlink()  # now a site, which carries MARKER
        _swap_in(staging, out)
    except OSError as exc:
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)
        raise _cannot_write(OutputError, where, exc) from exc
    except BaseException:
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)
        raise


def check_output_folder(out: Path, protected: Sequence[Path]) -> list[str]:
    """Say why out must not be replaced, if it must not."""
    if out.is_symlink():
        return ["the output folder is a symbolic link; give the real folder"]
    if out.exists() and not out.is_dir():
        return ["the output path exists and is not a folder"]
    resolved = out.resolve()
    for path in protected:
        mine = path.resolve()
        if resolved == mine or mine.is_relative_to(resolved) or resolved.is_relative_to(mine):
            return [
                f"the output folder overlaps {display_path(path)}, which the build reads; "
                "choose another --out"
            ]
    if out.is_dir() and any(out.iterdir()) and not (out / MARKER).is_file():
        return [
            f"refusing to replace a folder that was not built by Research Digest (no {MARKER} "
            "file in it); remove it or choose another --out"
        ]
    return []


def check_output_paths(files: Sequence[OutputFile]) -> list[str]:
    """Say which output paths could escape the folder, clash, or cannot exist."""
    problems = []
    seen: dict[str, str] = {}
    folders: set[str] = set()
    for file in files:
        problem = _path_problem(file.path)
        if problem:
            problems.append(f"unsafe output path {file.path!r}: {problem}")
            continue
        key = file.path.casefold()
        if key in seen:
            problems.append(f"two outputs share the path {file.path!r}")
        seen[key] = file.path
        slash = key.find("/")
        while slash != -1:  # every folder the file is in
            folders.add(key[:slash])
            slash = key.find("/", slash + 1)
    problems += [f"{seen[k]!r} is both a file and a folder" for k in sorted(set(seen) & folders)]
    return problems


def _path_problem(path: str) -> str | None:
    # String operations: pathlib took 25 us a path, 1 s for the 40,000 files of a large site.
    if not path or "\x00" in path or "\\" in path:
        return "empty, or holds a NUL or backslash"
    if path.startswith("/") or path.endswith("/") or "//" in path:
        return "not a relative file path"
    framed = f"/{path}/"
    if "/./" in framed or "/../" in framed:
        return "climbs out of the output folder"
    if framed.startswith(f"/{MARKER}/") or (
        len(path) > MAX_NAME_BYTES // 4  # no name of fewer characters can be too long
        and any(len(part.encode()) > MAX_NAME_BYTES for part in path.split("/"))
    ):
        return "a reserved or over-long name"
    return None


def _swap_in(staging: Path, out: Path) -> None:
    if not out.exists():
        staging.rename(out)
        return
    if _exchange(staging, out):
        shutil.rmtree(staging)  # now holds the previous site
        return
    old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.parent))
    old.rmdir()
    out.rename(old)
    staging.rename(out)
    shutil.rmtree(old)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically (Linux renameat2); False where not supported."""
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (AttributeError, OSError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    if renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
        return False
    raise OSError(code, os.strerror(code), str(b))


def _staging_folder(out: Path) -> Path:
    """A new folder beside out for the build to write in, marked as the build's own."""
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.new-", dir=out.parent))
    try:
        (staging / STAGING_MARKER).write_bytes(STAGING_TEXT)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return staging


def _remove_leftovers(out: Path) -> None:
    """Delete the folders a killed build left beside the output folder, and only those: named
    as the build names them, and holding the staging marker (a folder being written), or the
    site's own marker (the previous site, moved aside or swapped out)."""
    for prefix in (f".{out.name}.new-", f".{out.name}.old-"):
        for leftover in out.parent.glob(prefix + "*"):
            if is_leftover(leftover, prefix):
                shutil.rmtree(leftover, ignore_errors=True)


def is_leftover(folder: Path, prefix: str) -> bool:
    """Tell whether folder is one a build made and left behind: named as mkdtemp names it,
    and empty (killed before its marker was written), or holding only a marker cut short,
    or holding the staging marker or the site's own."""
    if not _TEMP_NAME.fullmatch(folder.name.removeprefix(prefix)) or folder.is_symlink():
        return False
    try:
        names = {path.name for path in folder.iterdir()}
        if not names:
            return True
        if names == {STAGING_MARKER} and STAGING_TEXT.startswith(_marker(folder, STAGING_MARKER)):
            return True
        markers = ((STAGING_MARKER, STAGING_TEXT), (MARKER, MARKER_TEXT))
        return any(_marker(folder, marker) == text for marker, text in markers)
    except OSError:
        return False


def _marker(folder: Path, name: str) -> bytes:
    """A marker file's bytes; a sentinel that matches no text if it is not a plain file."""
    path = folder / name
    if path.is_symlink() or not path.is_file():
        return b"\0not a marker"
    return path.read_bytes()[: len(STAGING_TEXT) + len(MARKER_TEXT)]


def _chmod_like_a_new_folder(path: Path) -> None:
    """mkdtemp makes folders private (0700); a site folder is made like any other."""
    umask = os.umask(0)
    os.umask(umask)
    path.chmod(0o777 & ~umask)
