"""Write the built site: guard every path, build beside the output folder, swap it in.

Nothing touches the output folder until every file is written: the site is
built in a new folder beside it (``.site.new-*``), then swapped in. On Linux
the swap is one atomic ``renameat2(RENAME_EXCHANGE)``; elsewhere two renames.
A build that fails at any point leaves the previous site as it was.

The output folder is replaced wholesale, so it is guarded too: it must not
hold the project's own files, and an existing non-empty folder must carry the
marker file a previous build left (``.research-digest``).
"""

from __future__ import annotations

import ctypes
import errno
import os
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path, PurePosixPath

from digest.diagnostics import Diagnostic, Location, Severity, display_path
from digest.errors import OutputError
from digest.model import OutputFile

MARKER = ".research-digest"
MARKER_TEXT = b"This folder is built by Research Digest and replaced by every build.\n"
MAX_NAME_BYTES = 255


def write_site(files: Sequence[OutputFile], out: Path, *, protected: Sequence[Path] = ()) -> None:
    """Write files as the new content of out, atomically; raise OutputError if unsafe."""
    out = out.absolute()
    where = Location(display_path(out))
    problems = check_output_folder(out, protected) + check_output_paths(files)
    if problems:
        raise OutputError([Diagnostic(Severity.ERROR, where, p) for p in problems])
    out.parent.mkdir(parents=True, exist_ok=True)
    _remove_leftovers(out)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.new-", dir=out.parent))
    try:
        _chmod_like_a_new_folder(staging)
        for file in files:
            target = staging.joinpath(*PurePosixPath(file.path).parts)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(file.content)
        (staging / MARKER).write_bytes(MARKER_TEXT)
        _swap_in(staging, out)
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise OutputError(
            [Diagnostic(Severity.ERROR, where, f"cannot write the site: {exc}")]
        ) from exc
    except BaseException:
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
        parts = PurePosixPath(key).parts
        folders.update("/".join(parts[:i]) for i in range(1, len(parts)))
    problems += [f"{seen[k]!r} is both a file and a folder" for k in sorted(set(seen) & folders)]
    return problems


def _path_problem(path: str) -> str | None:
    if not path or "\x00" in path or "\\" in path:
        return "empty, or holds a NUL or backslash"
    pure = PurePosixPath(path)
    if pure.is_absolute() or path.endswith("/") or "//" in path:
        return "not a relative file path"
    if any(part in (".", "..") for part in path.split("/")):
        return "climbs out of the output folder"
    if pure.parts[0] == MARKER or any(len(p.encode()) > MAX_NAME_BYTES for p in pure.parts):
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


def _remove_leftovers(out: Path) -> None:
    """Delete staging folders a killed build left beside the output folder."""
    for prefix in (f".{out.name}.new-", f".{out.name}.old-"):
        for leftover in out.parent.glob(prefix + "*"):
            if leftover.is_dir() and not leftover.is_symlink():
                shutil.rmtree(leftover, ignore_errors=True)


def _chmod_like_a_new_folder(path: Path) -> None:
    """mkdtemp makes folders private (0700); a site folder is made like any other."""
    umask = os.umask(0)
    os.umask(umask)
    path.chmod(0o777 & ~umask)
