"""The digest's extra files: copied as they are to the site's root (a CNAME, a verification
file, .well-known/), as Hugo's static/ and Pelican's EXTRA_PATH_METADATA do.

They live in ``extra/`` beside the manifest, so that nothing a user needs in the
published site has to be put in ``site/`` by hand, where every build from nothing
would delete it. They are read as every input is (inside the project, regular files
only), and refused where they would break the site's promises: no images or media
(by name or by their first bytes), and no file the build makes itself. HTML files
among them are checked by the guard like pages (one with no markup at all, such as a
verification file, is inert text).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path, PurePosixPath

from research_digest.diagnostics import Location, Report, display_path
from research_digest.files import read_bytes, tree_files
from research_digest.model.outputs import OutputFile

EXTRA_DIR = "extra"
MEDIA_SUFFIXES = {
    ".png", ".jpg", ".jpeg", ".gif", ".webp", ".avif", ".apng", ".bmp", ".ico", ".tif",
    ".tiff", ".svg", ".svgz", ".heic", ".heif", ".jxl", ".mp4", ".m4v", ".webm", ".mov",
    ".avi", ".mkv", ".ogv", ".mp3", ".m4a", ".wav", ".ogg", ".oga", ".opus", ".flac", ".aac",
    ".swf", ".pdf",
}  # fmt: skip
# The first bytes of image, audio and video files, whatever their names say.
MEDIA_SIGNATURES = (
    b"\x89PNG", b"\xff\xd8\xff", b"GIF87a", b"GIF89a", b"II*\x00", b"MM\x00*",
    b"\x00\x00\x01\x00", b"\x1aE\xdf\xa3", b"OggS", b"ID3", b"fLaC", b"%PDF", b"FWS", b"CWS",
)  # fmt: skip
NO_MEDIA = "the site shows no images or media, ever: describe in words instead"


def load_extra(root: Path, report: Report) -> tuple[OutputFile, ...]:
    """Read every file under extra/ as a file of the site at the same path."""
    folder = root / EXTRA_DIR
    found = []
    for path in tree_files(folder):
        relative = path.relative_to(folder).as_posix()
        file = display_path(path)
        if PurePosixPath(relative).suffix.lower() in MEDIA_SUFFIXES:
            report.error(Location(file), f"{file} is an image or media file", NO_MEDIA)
            continue
        content = read_bytes(path, report, file=file, within=root)
        if content is None:
            continue
        if _is_media(content):
            report.error(Location(file), f"{file} holds an image or media file", NO_MEDIA)
            continue
        found.append(OutputFile(relative, content))
    return tuple(found)


def _is_media(content: bytes) -> bool:
    head = content[:16]
    return (
        head.startswith(MEDIA_SIGNATURES)
        or head[4:8] == b"ftyp"
        or (head.startswith(b"RIFF") and head[8:12] in (b"WEBP", b"WAVE", b"AVI "))
    )


def clashes(extra: Iterable[OutputFile], files: Sequence[OutputFile], report: Report) -> None:
    """Report the extra files whose path is one the build makes itself (or a folder of it);
    files are all the build's, extra files among them."""
    extra = list(extra)
    if not extra:
        return
    counts = Counter(file.path for file in files)
    folders = {path[:n] for path in counts for n, c in enumerate(path) if c == "/"}
    for file in extra:
        where = f"{EXTRA_DIR}/{file.path}"
        if counts[file.path] > 1 or file.path in folders:
            report.error(Location(where), f"{where}: the build makes {file.path} itself",
                         f"remove it from {EXTRA_DIR}/, or change the template that makes "
                         "it")  # fmt: skip
