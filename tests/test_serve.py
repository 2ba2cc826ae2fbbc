"""serve: builds, answers real requests, rebuilds on change, keeps the last good site."""

from __future__ import annotations

import io
import os
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from research_digest import serve
from research_digest.serve import DevServer, Watched
from tests.conftest import TEMPLATES, TEST_DIGEST, read_tree


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[DevServer, Path, io.StringIO]]:
    shutil.copytree(TEST_DIGEST, tmp_path / "digest")
    log = io.StringIO()
    server = DevServer(tmp_path / "digest" / "sources.yaml", out=tmp_path / "site",
                       templates=TEMPLATES, port=0, log=log, interval=0.05)  # fmt: skip
    server.start()
    yield server, tmp_path / "digest", log
    server.stop()


def wait_for(condition: Callable[[], bool], seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_it_builds_and_answers_real_requests(served: tuple[DevServer, Path, io.StringIO]) -> None:
    server, _, log = served
    page = httpx.get(server.url)
    assert page.status_code == 200
    assert "<h1>Test Digest</h1>" in page.text
    assert f'<link rel="canonical" href="{server.url}">' in page.text  # built for this address
    assert page.text.endswith('<script src="/__digest__/live.js"></script>\n</body>\n</html>\n')
    assert httpx.get(server.url + "static/style.css").headers["content-type"] == "text/css"
    assert httpx.get(server.url + "__digest__/live.js").text.startswith("(() => {")
    missing = httpx.get(server.url + "no/such/page/")
    assert (missing.status_code, "<h1>Page not found</h1>" in missing.text) == (404, True)
    assert httpx.get(server.url + "topics", follow_redirects=True).url.path == "/topics/"
    assert "serving http://127.0.0.1:" in log.getvalue()


def test_a_change_is_rebuilt_and_the_version_moves_on(
    served: tuple[DevServer, Path, io.StringIO],
) -> None:
    server, digest, _ = served
    version = httpx.get(server.url + "__digest__/version").text
    (digest / "content" / "annual-report.md").write_text("## Summary\n\nRewritten just now.\n")
    wait_for(lambda: httpx.get(server.url + "__digest__/version").text != version)
    assert "Rewritten just now." in httpx.get(server.url + "sources/annual-report/").text


def test_a_broken_manifest_keeps_the_last_good_site_and_says_why(
    served: tuple[DevServer, Path, io.StringIO],
) -> None:
    server, digest, log = served
    manifest = digest / "sources.yaml"
    good = manifest.read_text()
    manifest.write_text(good.replace("kind: report", "kind: reprot"))
    wait_for(lambda: server.error is not None)
    page = httpx.get(server.url + "sources/annual-report/")
    assert page.status_code == 200 and ">Annual report</h1>" in page.text  # the last good one
    assert "The last rebuild failed" in page.text
    assert "&#x27;reprot&#x27; is not one of" in page.text  # the diagnostic, escaped
    assert "rebuild failed (1 error, 1 warning): still serving the last good site" in log.getvalue()
    manifest.write_text(good)
    wait_for(lambda: server.error is None)
    assert "The last rebuild failed" not in httpx.get(server.url).text


def test_the_reload_script_is_never_written_into_the_site(
    served: tuple[DevServer, Path, io.StringIO],
) -> None:
    server, _, _ = served
    for name, content in read_tree(server.out).items():
        assert b"__digest__" not in content, name


def test_it_builds_in_a_folder_of_its_own_and_leaves_site_alone(tmp_path: Path) -> None:
    """site/ stays the last real build, made for the published address."""
    digest = tmp_path / "digest"
    shutil.copytree(TEST_DIGEST, digest)
    site = digest / "site"
    site.mkdir()
    (site / "index.html").write_text("the last real build\n")
    log = io.StringIO()
    server = DevServer(digest / "sources.yaml", templates=TEMPLATES, port=0, log=log)
    server.start()
    try:
        assert server.out == digest / ".cache" / "serve" / "site"
        assert f'<link rel="canonical" href="{server.url}">' in httpx.get(server.url).text
        assert server.url in (server.out / "index.html").read_text()
    finally:
        server.stop()
    assert read_tree(site) == {"index.html": b"the last real build\n"}
    assert f"serving {server.url} from {server.out} (Ctrl-C to stop)" in log.getvalue()


def test_a_digest_with_no_templates_of_its_own_is_served_in_the_default_theme(
    tmp_path: Path,
) -> None:
    digest = tmp_path / "digest"
    shutil.copytree(TEST_DIGEST, digest)
    server = DevServer(digest / "sources.yaml", port=0, log=io.StringIO())
    server.start()
    try:
        assert "<h1>Test Digest</h1>" in httpx.get(server.url).text
        (digest / "templates").mkdir()  # an override appears: it is watched and used
        base = (TEMPLATES / "base.html").read_text()
        (digest / "templates" / "base.html").write_text(
            base.replace("<body>", "<body>\n<!--own-->")
        )
        wait_for(lambda: "<!--own-->" in httpx.get(server.url).text)
    finally:
        server.stop()


def ask_in_the_background(url: str) -> tuple[threading.Thread, list[str]]:
    """GET url in a thread of its own; its answer, when it comes, in the list."""
    answers: list[str] = []
    thread = threading.Thread(target=lambda: answers.append(httpx.get(url, timeout=60).text))
    thread.start()
    return thread, answers


def test_a_page_asking_for_a_newer_build_is_answered_when_the_rebuild_is_done(
    served: tuple[DevServer, Path, io.StringIO],
) -> None:
    server, digest, _ = served
    version = httpx.get(server.url + "__digest__/version").text
    thread, answers = ask_in_the_background(f"{server.url}__digest__/version?after={version}")
    time.sleep(0.3)
    assert thread.is_alive() and not answers  # nothing changed: the question is held
    (digest / "content" / "annual-report.md").write_text("## Summary\n\nJust saved.\n")
    thread.join(timeout=30)
    assert answers and answers[0] != version
    assert "Just saved." in httpx.get(server.url + "sources/annual-report/").text  # built first
    # an old or odd version is answered at once: a page from before a restart reloads
    assert httpx.get(server.url + "__digest__/version?after=999999").text == answers[0]
    for odd in ("", "x", "-1", "1" * 40, "%00"):
        assert httpx.get(f"{server.url}__digest__/version?after={odd}").text == answers[0]
    assert "?after=" in httpx.get(server.url + "__digest__/live.js").text


def test_stopping_answers_the_pages_still_waiting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(serve, "WAIT_SECONDS", 600.0)  # an answer within 30 s is the stop's
    shutil.copytree(TEST_DIGEST, tmp_path / "digest")
    server = DevServer(tmp_path / "digest" / "sources.yaml", out=tmp_path / "site",
                       templates=TEMPLATES, port=0, log=io.StringIO())  # fmt: skip
    server.start()
    try:
        version = httpx.get(server.url + "__digest__/version").text
        thread, answers = ask_in_the_background(f"{server.url}__digest__/version?after={version}")
        (tmp_path / "digest" / "content" / "annual-report.md").write_text("## New\n\nText.\n")
        thread.join(timeout=30)  # the watcher's own pace (no interval given) saw the change
        assert answers and answers[0] != version
        thread, answers = ask_in_the_background(
            f"{server.url}__digest__/version?after={answers[0]}"
        )
        time.sleep(0.3)
        assert thread.is_alive()
    finally:
        server.stop()
    thread.join(timeout=30)
    assert answers  # told at once, not after the wait


def test_the_watcher_sees_each_kind_of_change_and_nothing_else(tmp_path: Path) -> None:
    shutil.copytree(TEST_DIGEST, tmp_path / "digest")
    root = tmp_path / "digest"
    watched = Watched(root / "sources.yaml", root / "templates")
    assert watched.changed()  # the first look
    assert not watched.changed()
    (root / "content" / "deeper" / "folder").mkdir(parents=True)
    assert not watched.changed()  # an empty folder is no input
    changes: list[tuple[Callable[[], object], bool]] = [
        (lambda: (root / "content" / "deeper" / "folder" / "new.md").write_text("# New\n"), True),
        (lambda: os.utime(root / "sources.yaml", ns=(1, 1)), True),
        (lambda: (root / "content" / "annual-report.md").unlink(), True),
        (lambda: (root / "data" / "petitions" / "more").mkdir(), False),
        (lambda: (root / "data" / "petitions" / "more" / "x.json").write_text("{}"), True),
        (lambda: (root / "templates").mkdir(), False),  # the digest's own: none until now
        (lambda: (root / "templates" / "base.html").write_text("{{ 1 }}"), True),
        (lambda: (root / "site").mkdir(), False),  # not an input
        (lambda: (root / "site" / "index.html").write_text("x"), False),
    ]
    for change, seen in changes:
        change()
        assert watched.changed() == seen
        assert not watched.changed()
    assert str(root / "content" / "deeper" / "folder" / "new.md") in watched.seen
    assert str(root / "content" / "annual-report.md") not in watched.seen
