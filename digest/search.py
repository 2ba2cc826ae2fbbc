"""The search index: Pagefind indexes the rendered pages, and its bundle joins the site.

Pagefind (the ``pagefind`` Python package, with its binary from ``pagefind[bin]``)
reads a private temporary copy of the pages, never the output folder, and writes
its bundle there; the bundle comes back as files for the site writer. Its index
is deterministic: the same pages give the same bytes.

The pages say what to index: ``data-pagefind-body`` marks the parts of source,
topic and about pages worth finding, ``data-pagefind-meta`` the title, kind,
date and topics a result shows, and ``data-pagefind-filter`` the topics a
search can be narrowed to. The site's own search page (static/search.js) uses
Pagefind's JavaScript API; Pagefind's ready-made interfaces are left out.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path

from pagefind.service import get_executable

from digest.diagnostics import Diagnostic, Location, Severity
from digest.errors import UserError
from digest.model import OutputFile

BUNDLE = "pagefind"
# Pagefind's own search interfaces and highlighter: the site has its own search page.
UNUSED = ("pagefind-ui.", "pagefind-modular-ui.", "pagefind-component-ui.", "pagefind-highlight.")
TIMEOUT = 300.0
MARK = b"data-pagefind-body"


def search_bundle(files: Sequence[OutputFile]) -> list[OutputFile]:
    """Index the site's pages; return Pagefind's bundle as files under pagefind/."""
    binary = get_executable()
    if binary is None:
        raise UserError([_problem("the Pagefind binary is not installed",
                                  "install it with: pip install 'pagefind[bin]'")])  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="digest-search-") as temp:
        site, bundle = Path(temp) / "site", Path(temp) / BUNDLE
        for file in _indexed(files):
            target = site / file.path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(file.content)
        # Run where no pagefind.yml can be found, with no PAGEFIND_* settings from outside.
        environment = {k: v for k, v in os.environ.items() if not k.startswith("PAGEFIND_")}
        try:
            subprocess.run(
                [str(binary), "--site", str(site), "--output-path", str(bundle), "--silent"],
                cwd=temp, env=environment, check=True, capture_output=True, timeout=TIMEOUT,
            )  # fmt: skip
        except (OSError, subprocess.SubprocessError) as exc:
            raise UserError([_problem(f"Pagefind could not index the site: {_why(exc)}")]) from exc
        return [
            OutputFile(f"{BUNDLE}/{path.relative_to(bundle).as_posix()}", path.read_bytes())
            for path in sorted(bundle.rglob("*"))
            if path.is_file() and not path.name.startswith(UNUSED)
        ]


def _indexed(files: Sequence[OutputFile]) -> list[OutputFile]:
    """The pages Pagefind will index: once any page marks what to index, it skips the pages
    that mark nothing, so only the marked ones are copied (all of them if none is marked)."""
    pages = [f for f in files if f.path.endswith(".html")]
    marked = [f for f in pages if MARK in f.content]
    return marked or pages


def _why(exc: OSError | subprocess.SubprocessError) -> str:
    if isinstance(exc, subprocess.CalledProcessError):
        output = (exc.stderr or exc.stdout or b"").decode("utf-8", "replace").strip()
        return output.splitlines()[-1] if output else f"exit status {exc.returncode}"
    if isinstance(exc, subprocess.TimeoutExpired):
        return f"it took longer than {TIMEOUT:.0f} s"
    return str(exc)


def _problem(message: str, hint: str | None = None) -> Diagnostic:
    return Diagnostic(Severity.ERROR, Location("(search)"), message, hint)
