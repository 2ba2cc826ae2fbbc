"""kill -9 in the middle of 'build' and 'fetch', 50 times each: afterwards every file of the
site is whole (the previous build's or the new one's, never half of one), the build cache
and the petition cache are valid, and the next run succeeds, leaves no temporary file
behind, and makes exactly what a build from nothing makes.

Where each run is killed does not depend on the machine's speed: the program runs under a
wrapper that counts its file operations (writes, renames, flushes, removals) and kills the
process at a chosen one, picked at random among those an undisturbed run of the same work
makes. So every run is killed, and at a place where it is changing files."""

from __future__ import annotations

import hashlib
import io
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest

from bench.synthetic import write_digest
from research_digest.buildcache import CACHE_FILE
from research_digest.cli import main
from research_digest.petitions.cache import parse_entry, parse_history
from tests import api_documents as api
from tests.conftest import BUILT_AT_EPOCH, REPO
from tests.digests import write_petition_digest
from tests.petition_server import PetitionServer, Reply, running

pytestmark = pytest.mark.slow

KILLS = 50


def _files(folder: Path) -> dict[str, str]:
    """Every file under folder (dot files too) and the hash of its bytes."""
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}  # fmt: skip


# Run the program as build.py does, after wrapping the functions through which it changes
# files so that the process kills itself (SIGKILL: no cleanup runs) at the KILL_AT-th call,
# and writes how many calls it made to COUNT_TO when it ends undisturbed.
WRAPPER = r"""
import atexit, os, pathlib, shutil, signal, sys, threading
kill_at, count_to = int(os.environ.get("KILL_AT", "0")), os.environ.get("COUNT_TO")
calls, lock = [0], threading.Lock()
def hit():
    with lock:
        calls[0] += 1
        if calls[0] == kill_at:
            os.kill(os.getpid(), signal.SIGKILL)
def wrap(owner, name):
    real = getattr(owner, name)
    def wrapped(*args, **kwargs):
        hit()
        return real(*args, **kwargs)
    setattr(owner, name, wrapped)
for owner, name in [(os, "replace"), (os, "rename"), (os, "write"), (os, "fsync"),
                    (os, "unlink"), (os, "rmdir"), (os, "mkdir"), (shutil, "rmtree"),
                    (pathlib.Path, "write_bytes"), (pathlib.Path, "replace"),
                    (pathlib.Path, "rename"), (pathlib.Path, "unlink")]:
    wrap(owner, name)
if count_to:
    atexit.register(lambda: pathlib.Path(count_to).write_text(str(calls[0])))
sys.argv = ["build.py", *sys.argv[1:]]
from research_digest.cli import main
raise SystemExit(main())
"""
BUILD = [sys.executable, "-c", WRAPPER]


def _run_killed_at(command: list[str], cwd: Path, at: int) -> int | None:
    """Run command, to be killed (-9) at its at-th file operation (0: never). Return None if
    it was killed there, else how many file operations it made."""
    counted = cwd.parent / "operations"
    counted.unlink(missing_ok=True)
    env = {**os.environ, "SOURCE_DATE_EPOCH": BUILT_AT_EPOCH, "PYTHONPATH": str(REPO),
           "KILL_AT": str(at), "COUNT_TO": str(counted)}  # fmt: skip
    process = subprocess.run(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL, timeout=300)  # fmt: skip
    if process.returncode == -signal.SIGKILL:
        return None
    assert process.returncode == 0
    return int(counted.read_text())


def _run(*argv: str) -> tuple[int, str]:
    err = io.StringIO()
    return main(list(argv), stderr=err), err.getvalue()


def _leftovers(folder: Path) -> list[str]:
    """Temporary files and folders a killed run could leave: none may outlive the next."""
    names = (".site.new-", ".site.old-", ".tmp-", ".new-")
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*")
                  if any(n in p.name for n in names))  # fmt: skip


def _edits(root: Path) -> list[Callable[[int], None]]:
    """Changes of every size: one write-up, a topic, a template (every page), a source
    removed and one added back."""
    content = sorted((root / "content").glob("source-*.md"))
    manifest = root / "sources.yaml"
    template = root / "templates" / "base.html"
    original = manifest.read_text()

    def write_up(n: int) -> None:
        page = content[n % len(content)]
        page.write_text(page.read_text() + f"\nEdit {n}.\n")

    def topic(n: int) -> None:
        text = manifest.read_text()
        manifest.write_text(text.replace('title: "Topic', f'title: "Topic{n % 3}', 1))

    def layout(n: int) -> None:
        text = template.read_text()
        template.write_text(text.replace("</footer>", f"<!-- {n} --></footer>", 1))

    def sources(n: int) -> None:
        text = manifest.read_text()
        manifest.write_text(original if text != original else text.replace(
            "  - id: source-00003\n", "  - id: source-00003-gone\n", 1))  # fmt: skip

    return [write_up, topic, layout, sources]


def test_a_build_killed_at_any_moment_loses_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", BUILT_AT_EPOCH)
    root = tmp_path / "digest"
    manifest = write_digest(root, 60, topics=6, petitions=6)
    (root / "templates").mkdir()  # the edits change one template: an override of the theme's
    shutil.copy(REPO / "research_digest" / "theme" / "base.html", root / "templates")
    out = root / "site"
    command = [*BUILD, "build", "--manifest", str(manifest), "--out", str(out), "--quiet",
               "--jobs", "1"]  # one process: the wrapper counts its operations  # fmt: skip
    assert _run("build", "--manifest", str(manifest), "--out", str(out))[0] == 0
    edits, rng = _edits(root), random.Random(7)
    operations = []  # how many file operations a build makes after each kind of edit
    for number, edit in enumerate(edits):
        edit(1000 + number)
        made = _run_killed_at(command, root, 0)
        assert made is not None and made > 5
        operations.append(made)
    outcomes: Counter[str] = Counter()
    kills = n = 0
    while kills < KILLS:
        n += 1
        assert n <= 2 * KILLS, outcomes  # the same seed kills the same runs on any machine
        before = _files(out)
        kind = n % len(edits)
        edits[kind](n)
        made = _run_killed_at(command, root, rng.randint(1, operations[kind]))
        if made is not None:  # this edit made fewer operations: finished; learn the count
            operations[kind] = made
            outcomes["finished before the kill"] += 1
            continue
        kills += 1
        after_kill = _files(out)
        if _leftovers(root):
            outcomes["left temporary files"] += 1
        with sqlite3.connect(root / CACHE_FILE) as db:
            assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        code, said = _run("build", "--manifest", str(manifest), "--out", str(out))
        assert code == 0, said
        recovered = _files(out)
        torn = [path for path, digest in after_kill.items()
                if digest not in (before.get(path), recovered.get(path))]  # fmt: skip
        assert torn == [], n
        if after_kill == before:
            outcomes["the previous site, untouched"] += 1
        elif after_kill == recovered:
            outcomes["the new site, whole"] += 1
        else:
            outcomes["each file the previous or the new"] += 1
        assert _leftovers(root) == []
        if n % 10 == 0:  # the recovered site is what a build from nothing makes
            fresh = tmp_path / f"fresh-{n}"
            assert _run("build", "--manifest", str(manifest), "--out", str(fresh),
                        "--no-cache")[0] == 0  # fmt: skip
            assert _files(fresh) == recovered
    print(f"\n{n} builds, {kills} killed: {dict(outcomes)}")  # the figures, with -s


PETITIONS = 24


def _script(server: PetitionServer, round_: int) -> None:
    for number in range(1, PETITIONS + 1):
        document = api.uk(number, count=1000 + 37 * round_ + number)
        server.script(f"/petitions/{number}.json", Reply.json(document))


def _petition_files_are_valid(root: Path) -> int:
    folder = root / "data" / "petitions" / "uk-parliament"
    found = 0
    for path in sorted(folder.glob("*.json")):
        if path.name.startswith("."):
            continue
        entry = parse_entry(path.read_text(encoding="utf-8"), "uk-parliament", int(path.stem))
        assert entry.response is not None
        found += 1
    for path in sorted(folder.glob("*.history.csv")):
        if not path.name.startswith("."):
            parse_history(path.read_text(encoding="utf-8"))
    return found


def test_a_fetch_killed_at_any_moment_loses_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", BUILT_AT_EPOCH)
    root = tmp_path / "digest"
    write_petition_digest(root, [(f"p-{n}", "uk-parliament", n) for n in range(1, PETITIONS + 1)])
    monkeypatch.chdir(root)
    rng = random.Random(11)
    outcomes: Counter[str] = Counter()
    with running(latency=0.02) as server:
        base = ["--api-base", f"uk-parliament={server.base_url}"]
        command = [*BUILD, "fetch", "--manifest", str(root / "sources.yaml"), "--quiet", *base]
        _script(server, 0)
        operations = _run_killed_at(command, root, 0)
        assert operations is not None and operations > PETITIONS
        assert _petition_files_are_valid(root) == PETITIONS
        for n in range(1, KILLS + 1):
            _script(server, n)
            assert _run_killed_at(command, root, rng.randint(1, operations)) is None, n
            if _leftovers(root):
                outcomes["left temporary files"] += 1
            assert _petition_files_are_valid(root) == PETITIONS  # every file whole, every time
            code, said = _run("fetch", "--manifest", str(root / "sources.yaml"), *base)
            assert code == 0, said
            assert _leftovers(root) == []
            assert _petition_files_are_valid(root) == PETITIONS
    print(f"\n{KILLS} fetches killed: {dict(outcomes)}")
