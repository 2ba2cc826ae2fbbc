"""kill -9 at random moments during 'build' and 'fetch', 50 times each: afterwards every file
of the site is whole (the previous build's or the new one's, never half of one), the build
cache and the petition cache are valid, and the next run succeeds, leaves no temporary
file behind, and makes exactly what a build from nothing makes."""

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
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest

from bench.synthetic import write_digest
from digest.buildcache import CACHE_FILE
from digest.cli import main
from digest.petitioncache import parse_entry, parse_history
from tests import api_documents as api
from tests.conftest import BUILT_AT_EPOCH, REPO
from tests.digests import write_petition_digest
from tests.petition_server import PetitionServer, Reply, running

KILLS = 50
BUILD = [sys.executable, str(REPO / "build.py")]


def _files(folder: Path) -> dict[str, str]:
    """Every file under folder (dot files too) and the hash of its bytes."""
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}  # fmt: skip


def _killed(command: list[str], cwd: Path, delay: float) -> bool:
    """Run command and kill -9 it after delay seconds; True if it was still running."""
    env = {**os.environ, "SOURCE_DATE_EPOCH": BUILT_AT_EPOCH}
    process = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)  # fmt: skip
    try:
        process.wait(timeout=delay)
    except subprocess.TimeoutExpired:
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
        return True
    return False


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
    shutil.copytree(REPO / "templates", root / "templates")  # the edits change one
    out = root / "site"
    command = [*BUILD, "build", "--manifest", str(manifest), "--out", str(out), "--quiet"]
    assert _run("build", "--manifest", str(manifest), "--out", str(out))[0] == 0
    edits, rng = _edits(root), random.Random(7)
    durations = []  # how long a build takes after each kind of edit, undisturbed
    for number, edit in enumerate(edits):
        edit(1000 + number)
        started = time.perf_counter()
        assert not _killed(command, root, 120)
        durations.append(time.perf_counter() - started)
    outcomes: Counter[str] = Counter()
    kills = n = 0
    while kills < KILLS:  # builds that finish before their kill do not count
        n += 1
        assert n <= 3 * KILLS, outcomes
        before = _files(out)
        edits[n % len(edits)](n)
        duration = durations[n % len(edits)]  # half the kills late, where files are written
        delay = rng.uniform(0.05, duration) if n % 2 else rng.uniform(duration * 0.8, duration)
        killed = _killed(command, root, delay)
        kills += killed
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
        if not killed:
            outcomes["finished before the kill"] += 1
        elif after_kill == before:
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
        started = time.perf_counter()
        assert not _killed(command, root, 60)
        duration = time.perf_counter() - started
        assert _petition_files_are_valid(root) == PETITIONS
        kills = n = 0
        while kills < KILLS:  # fetches that finish before their kill do not count
            n += 1
            assert n <= 3 * KILLS, outcomes
            _script(server, n)
            if _killed(command, root, rng.uniform(0.05, duration)):
                kills += 1
            else:
                outcomes["finished before the kill"] += 1
            if _leftovers(root):
                outcomes["left temporary files"] += 1
            assert _petition_files_are_valid(root) == PETITIONS  # every file whole, every time
            code, said = _run("fetch", "--manifest", str(root / "sources.yaml"), *base)
            assert code == 0, said
            assert _leftovers(root) == []
            assert _petition_files_are_valid(root) == PETITIONS
    print(f"\n{n} fetches, {kills} killed: {dict(outcomes)}")
