"""Faults the machine causes: a full disk at any write, a read-only output folder, a full
build cache, a write-up that vanishes while the site is built. Each is a clean diagnostic
(exit 1, no traceback), or a warning for the cache; the previous site is left as it was
(or, for a fault while files are moved into place, each file whole); nothing temporary
stays behind; and the next build, the fault gone, makes what a build from nothing makes.
And a build is the same bytes from any checkout path, time zone, locale and hash seed."""

from __future__ import annotations

import errno
import io
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest

from research_digest import buildcache, pipeline
from research_digest.cli import main
from research_digest.site import documents
from tests.conftest import BUILT_AT_EPOCH, REPO, TEMPLATES, TEST_DIGEST, read_tree


@pytest.fixture
def root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The test digest with templates of its own, built once, as the working directory."""
    folder = tmp_path / "digest"
    shutil.copytree(TEST_DIGEST, folder)
    shutil.copytree(TEMPLATES, folder / "templates")
    monkeypatch.chdir(folder)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", BUILT_AT_EPOCH)
    assert run()[0] == 0
    return folder


def run(*argv: str) -> tuple[int, str]:
    err = io.StringIO()
    return main(["build", *argv], stderr=err), err.getvalue()


def edit_every_page(root: Path, n: int) -> None:
    template = root / "templates" / "base.html"
    template.write_text(template.read_text().replace("</footer>", f"<!-- {n} --></footer>", 1))


def leftovers(root: Path) -> list[str]:
    """What a failed write could leave: staging folders, temporary files."""
    names = (".site.new-", ".site.old-", ".tmp-")
    return sorted(p.name for p in root.parent.rglob("*") if p.name.startswith(names))


def fresh(root: Path) -> dict[str, bytes]:
    """The site a build from nothing makes of root as it is now."""
    out = root.parent / "fresh"
    shutil.rmtree(out, ignore_errors=True)
    assert run("--out", str(out), "--no-cache")[0] == 0
    return read_tree(out)


def failing_on(call: int, error: OSError, real: Any) -> tuple[Any, list[int]]:
    """A stand-in for real that raises error on its call-th call (counting from 1)."""
    count = [0]

    def stand_in(*args: Any, **kwargs: Any) -> Any:
        count[0] += 1
        if count[0] == call:
            raise error
        return real(*args, **kwargs)

    return stand_in, count


DISK_FULL = OSError(errno.ENOSPC, "No space left on device")


@pytest.mark.parametrize("cache", ["in place", "from nothing"])
def test_a_full_disk_at_any_write_leaves_the_previous_site(
    root: Path, monkeypatch: pytest.MonkeyPatch, cache: str
) -> None:
    """With the build cache, changed files are written beside the site, then moved in;
    without it (--no-cache), a new folder is written and swapped in."""
    options = ["--no-cache"] if cache == "from nothing" else []
    counting, count = failing_on(0, DISK_FULL, Path.write_bytes)
    edit_every_page(root, 0)
    with monkeypatch.context() as patch:
        patch.setattr(Path, "write_bytes", counting)
        assert run(*options)[0] == 0
    writes = count[0]
    assert writes > 20
    for n, call in enumerate(sorted({1, 2, writes // 3, writes // 2, writes - 1, writes}), 1):
        before = read_tree(root / "site")
        edit_every_page(root, n)
        failing, _ = failing_on(call, DISK_FULL, Path.write_bytes)
        with monkeypatch.context() as patch:
            patch.setattr(Path, "write_bytes", failing)
            code, said = run(*options)
        assert code == 1 and "Traceback" not in said
        assert said.startswith("site: error: cannot write the site: [Errno 28] No space left")
        assert said.endswith("build failed (1 error, 1 warning); site/ was not changed\n")
        assert read_tree(root / "site") == before, call
        assert leftovers(root) == []
    assert run(*options)[0] == 0
    assert read_tree(root / "site") == fresh(root)


def test_a_failure_while_moving_files_in_leaves_each_file_whole(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = read_tree(root / "site")
    edit_every_page(root, 1)
    after = fresh(root)
    failing, _ = failing_on(5, DISK_FULL, Path.replace)
    with monkeypatch.context() as patch:
        patch.setattr(Path, "replace", failing)
        code, said = run()
    assert code == 1
    assert said.startswith("site: error: cannot write the site: [Errno 28] No space left")
    assert said.endswith(
        "(1 error, 1 warning); site/ holds some new files and some old, each whole: build again\n"
    )
    now = read_tree(root / "site")
    assert all(content in (before.get(path), after.get(path)) for path, content in now.items())
    assert now != before and now != after  # four files moved in, the fifth failed
    assert leftovers(root) == []
    assert run()[0] == 0
    assert read_tree(root / "site") == after


def test_a_read_only_output_folder_is_a_clean_error(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Root ignores permissions, so the refusal is injected where the build first writes."""
    before = read_tree(root / "site")
    edit_every_page(root, 1)
    denied = OSError(errno.EACCES, "Permission denied")
    for options in ([], ["--no-cache"]):
        failing, _ = failing_on(1, denied, tempfile.mkdtemp)
        with monkeypatch.context() as patch:
            patch.setattr(tempfile, "mkdtemp", failing)
            code, said = run(*options)
        assert code == 1 and "Traceback" not in said
        assert "site: error: cannot write the site: [Errno 13] Permission denied\n" in said
        assert read_tree(root / "site") == before
    assert leftovers(root) == []


def test_a_full_build_cache_is_a_warning_and_the_next_build_is_whole(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    edit_every_page(root, 1)

    def disk_full(*args: Any, **kwargs: Any) -> None:
        raise sqlite3.OperationalError("database or disk is full")

    with monkeypatch.context() as patch:  # while the build is being recorded, after writing
        patch.setattr(buildcache, "_write_diagnostics", disk_full)
        code, said = run()
    assert code == 0
    assert "warning: the build cache failed (database or disk is full); going on without it" in said
    edit_every_page(root, 2)
    assert run()[0] == 0
    assert read_tree(root / "site") == fresh(root)


def test_a_write_up_that_vanishes_mid_build_is_a_clean_error(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = read_tree(root / "site")
    page = root / "content" / "annual-report.md"
    page.write_text("## Changed\n\nNew text.\n")
    real = documents.load_documents

    def vanishing(*args: Any, **kwargs: Any) -> Any:
        page.unlink()  # after the manifest was read and checked it exists
        return real(*args, **kwargs)

    with monkeypatch.context() as patch:
        patch.setattr(pipeline, "load_documents", vanishing)
        code, said = run()
    assert code == 1 and "Traceback" not in said
    assert "content/annual-report.md" in said and "error: cannot read" in said
    assert read_tree(root / "site") == before


def test_a_build_is_the_same_from_any_path_time_zone_locale_and_hash_seed(
    tmp_path: Path,
) -> None:
    trees = []
    places = [("one", "UTC", "C.UTF-8", "1", "0o022"), ("two/deeper", "Pacific/Kiritimati",
              "POSIX", "2", "0o077")]  # fmt: skip
    for folder, zone, locale, seed, umask in places:
        digest = tmp_path / folder
        shutil.copytree(TEST_DIGEST, digest)
        env = {**os.environ, "SOURCE_DATE_EPOCH": BUILT_AT_EPOCH, "TZ": zone, "LC_ALL": locale,
               "LANG": locale, "PYTHONHASHSEED": seed}  # fmt: skip
        script = (f"import os, sys; os.umask({umask}); sys.argv[0] = {str(REPO / 'build.py')!r}; "
                  "from research_digest.cli import main; raise SystemExit(main())")  # fmt: skip
        done = subprocess.run([sys.executable, "-c", script, "build", "--quiet", "--no-cache",
                               "--templates", str(TEMPLATES)], cwd=digest, env=env,
                              capture_output=True, text=True, check=False)  # fmt: skip
        assert done.returncode == 0, done.stderr
        trees.append(read_tree(digest / "site"))
    assert trees[0] == trees[1]
