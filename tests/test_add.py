"""add: from a page (OpenGraph, JSON-LD, none), a petition, or a saved copy with defects.

Every case checks that sources.yaml is byte for byte what it was, outside the new entry.
"""

from __future__ import annotations

import io
import json
import shutil
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from research_digest.cli import main
from research_digest.diagnostics import Report
from research_digest.manifest.edit import FieldValue, append_source
from research_digest.manifest.loader import load_manifest
from tests import api_documents as api
from tests.conftest import BUILT_AT_EPOCH, TEMPLATES, TEST_DIGEST
from tests.petition_server import PetitionServer, Reply, running

BODY = """<p>The regulator said on Monday that it had opened a formal investigation into the
alpha platform over harms, after contact with its owners.</p>
<p>The platform said it was working with the regulator.</p>"""


def html(head: str) -> Reply:
    page = f"<html><head>{head}</head><body><article>{BODY}</article></body></html>"
    return Reply(body=page.encode(), content_type="text/html; charset=utf-8")


@pytest.fixture
def server() -> Iterator[PetitionServer]:
    with running() as serving:
        serving.script(
            "/opengraph",
            html(
                '<meta property="og:title" content="Regulator opens alpha investigation">'
                '<meta property="og:site_name" content="The News">'
                '<meta property="article:published_time" content="2026-01-12T10:00:00Z">'
            ),
        )
        serving.script(
            "/json-ld",
            html(
                '<script type="application/ld+json">{"@type": "NewsArticle", "headline": '
                '"Regulator opens alpha investigation", "datePublished": "2026-01-13", '
                '"publisher": {"@type": "Organization", "name": "The Wire"}}</script>'
            ),
        )
        serving.script("/bare", html("<title>Regulator opens alpha investigation</title>"))
        serving.script("/gone", Reply(status=404))
        serving.script("/petitions/123456.json", Reply.json(api.uk(123456, "open", 2400)))
        serving.script("/petitions/PE2040.json", Reply.json(api.scottish(2040)))
        yield serving  # fmt: skip


@pytest.fixture
def digest(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copytree(TEST_DIGEST, tmp_path, dirs_exist_ok=True)
    shutil.copytree(TEMPLATES, tmp_path / "templates")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", BUILT_AT_EPOCH)
    return tmp_path / "sources.yaml"


def add(*argv: str) -> tuple[int, str]:
    err = io.StringIO()
    return main(["add", *argv], stderr=err), err.getvalue()


def new_entry(manifest: Path, before: str) -> str:
    """The text the add inserted; fail if anything else in the file changed."""
    after = manifest.read_text()
    assert after.startswith(before), "the file changed before the new entry"
    return after[len(before) :]


def test_a_page_with_opengraph(digest: Path, server: PetitionServer) -> None:
    before = digest.read_text()
    code, err = add(f"{server.base_url}/opengraph")
    assert code == 0
    assert new_entry(digest, before) == (
        "  - id: regulator-opens-alpha-investigation\n"
        "    draft: true\n"
        "    kind: article\n"
        "    title: Regulator opens alpha investigation\n"
        f"    url: {server.base_url}/opengraph\n"
        "    publisher: The News\n"
        "    published: 2026-01-12\n"
        "    added: 2026-02-08\n"
        "    topics: [alpha]\n"
        "    document: content/regulator-opens-alpha-investigation.md\n"
        '    summary: "TODO: one or two sentences in your own words"\n'
    )
    assert err.splitlines() == [
        "added source 'regulator-opens-alpha-investigation' to sources.yaml (line 235) and a "
        "draft write-up, content/regulator-opens-alpha-investigation.md",
        f"  read from: {server.base_url}/opengraph",
        "  title: Regulator opens alpha investigation",
        "  publisher: The News",
        "  published: 12 January 2026",
        "  topics: alpha (suggested from the text: edit them if they do not fit)",
        "next: write the summary and the write-up in your own words (replace every TODO), remove "
        "'draft: true' (builds leave drafts out), then run 'python build.py check --strict'",
    ]
    draft = (digest.parent / "content" / "regulator-opens-alpha-investigation.md").read_text()
    assert draft.startswith("## Summary\n\nTODO:")
    assert "formal investigation" not in draft  # never the source's text


def test_a_page_with_json_ld(digest: Path, server: PetitionServer) -> None:
    before = digest.read_text()
    assert add(f"{server.base_url}/json-ld", "--id", "wire-story", "--topic", "quiet")[0] == 0
    entry = yaml.safe_load("sources:\n" + new_entry(digest, before))["sources"][0]
    assert (entry["id"], entry["publisher"], str(entry["published"]), entry["topics"]) == (
        "wire-story", "The Wire", "2026-01-13", ["quiet"],
    )  # fmt: skip


def test_a_page_with_no_metadata_records_what_is_unknown(
    digest: Path, server: PetitionServer
) -> None:
    before = digest.read_text()
    assert add(f"{server.base_url}/bare")[0] == 0
    entry = yaml.safe_load("sources:\n" + new_entry(digest, before))["sources"][0]
    assert entry["title"] == "Regulator opens alpha investigation"
    assert (entry["publisher"], entry["known_gaps"], entry["published"]) == (
        "unknown", ["publisher"], "unknown",
    )  # fmt: skip


def test_a_uk_petition_is_added_with_its_data(digest: Path, server: PetitionServer) -> None:
    before = digest.read_text()
    code, err = add("https://petition.parliament.uk/petitions/123456",
                    "--api-base", f"uk-parliament={server.base_url}")  # fmt: skip
    assert code == 0, err
    assert new_entry(digest, before) == (
        "  - id: petition-123456\n"
        "    draft: true\n"
        "    kind: petition\n"
        "    title: Made-up petition 123456\n"
        "    url: https://petition.parliament.uk/petitions/123456\n"
        "    publisher: UK Parliament petitions\n"
        "    published: 2025-12-08\n"
        "    added: 2026-02-08\n"
        "    topics: [petitions]\n"
        "    document: content/petition-123456.md\n"
        '    summary: "TODO: one or two sentences in your own words"\n'
        "    petition:\n"
        "      platform: uk-parliament\n"
        "      number: 123456\n"
    )
    cached = json.loads((digest.parent / "data/petitions/uk-parliament/123456.json").read_text())
    assert cached["response"]["data"]["attributes"]["signature_count"] == 2400


def test_a_scottish_petition(digest: Path, server: PetitionServer) -> None:
    before = digest.read_text()
    code, _ = add("https://petitions.parliament.scot/petitions/PE2040",
                  "--api-base", f"scottish-parliament={server.base_url}")  # fmt: skip
    assert code == 0
    assert "  - id: scottish-parliament-petition-pe2040\n" in new_entry(digest, before)


def test_a_petition_already_in_the_digest_is_refused(digest: Path) -> None:
    before = digest.read_text()
    assert add("https://petition.parliament.uk/petitions/100001") == (
        2,
        "build.py: error: add: UK Parliament petitions 100001 is already source "
        "'petition-100001'\n",
    )
    assert digest.read_text() == before


RAW = [
    "Candidate apologises for a tweet",
    "Candidate apologises for a tweet",
    "The regulator said on Monday that it had opened a formal investigation into the alpha "
    "platform over harms.",
    "A spokesperson for the platform said it removes illegal content and suspends accounts.",
    "Click Spread",
    "More From Author",
    "Wildfires rage on",
    "Leave a Reply",
]


def test_a_text_copy_with_every_defect(digest: Path, tmp_path: Path) -> None:
    copy = tmp_path / "saved copy.txt"
    copy.write_bytes(("\r\n".join(RAW) + "\r\n").encode())
    before = digest.read_text()
    code, err = add(str(copy), "--url", "https://news.test/alpha")
    assert code == 0
    assert err.splitlines()[1:10] == [
        "  read from: a saved copy (saved copy.txt)",
        "  title: not found: write it in sources.yaml",
        "  publisher: not stated (recorded as unknown)",
        "  published: not stated",
        "  topics: alpha, quiet (suggested from the text: edit them if they do not fit)",
        "  the copy's defects, set aside when it was read:",
        "    line 1: Windows line endings: normalised",
        "    line 1: the first line ('Candidate apologises for a tweet') does not match the "
        "text: the headline of another article? Set aside",
        "    line 2: line 2 repeats the line before it: set aside",
    ]
    assert err.splitlines()[10:12] == [
        "    line 5: line 5 ('Click Spread') is the site's furniture: set aside",
        "    line 6: the site's page furniture from line 6 ('More From Author' and 2 more lines)"
        " to the end: set aside",
    ]
    entry = yaml.safe_load("sources:\n" + new_entry(digest, before))["sources"][0]
    assert (entry["id"], entry["url"], entry["known_gaps"]) == (
        "saved-copy", "https://news.test/alpha", ["publisher"],
    )  # fmt: skip
    draft = (digest.parent / "content" / "saved-copy.md").read_text()
    assert "- line 2 repeats the line before it: set aside." in draft
    assert "Wildfires" not in draft and "spokesperson" not in draft


def test_a_saved_page_without_an_address(digest: Path, tmp_path: Path) -> None:
    copy = tmp_path / "page.html"
    copy.write_text(f"<html><head><title>Alpha harms</title></head><body>{BODY}</body></html>")
    before = digest.read_text()
    assert add(str(copy))[0] == 0
    entry = yaml.safe_load("sources:\n" + new_entry(digest, before))["sources"][0]
    assert "url" not in entry and entry["known_gaps"] == ["url", "publisher"]


def test_a_new_entry_is_a_draft_until_its_mark_is_removed(
    digest: Path, server: PetitionServer, tmp_path: Path
) -> None:
    """A source of TODO prompts is never published: builds leave the draft out, check notes
    it, and once 'draft: true' is removed check refuses the prompts until they are answered."""
    add(f"{server.base_url}/opengraph", "--id", "draft")
    err = io.StringIO()
    main(["check", "-v"], stderr=err)  # the test digest has findings of its own
    about_it = [line for line in err.getvalue().splitlines()
                if "content/draft.md" in line or "source 'draft'" in line]  # fmt: skip
    assert [line.split(": ", 1)[1] for line in about_it] == [
        "note: source 'draft' is a draft: builds leave it out, and check reviews its text once "
        "'draft: true' is removed"
    ]
    assert main(["build", "--out", str(tmp_path / "site")], stderr=io.StringIO()) == 0
    assert not (tmp_path / "site" / "sources" / "draft").exists()
    digest.write_text(digest.read_text().replace("  - id: draft\n    draft: true\n",
                                                 "  - id: draft\n"))  # fmt: skip
    err = io.StringIO()
    assert main(["check"], stderr=err) == 1
    about_it = [line for line in err.getvalue().splitlines()
                if "content/draft.md" in line or "source 'draft'" in line]  # fmt: skip
    assert len(about_it) == 7  # six prompts in the write-up, one in the summary
    assert all("error: " in line and "draft prompt (TODO)" in line for line in about_it)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["nothing.txt"], "'nothing.txt' is neither an http(s) address nor a file"),
        (["ftp://news.test/a"], "expected an http(s) address or a file, got 'ftp://news.test/a'"),
        (["sources.yaml"], "'sources.yaml': expected a saved page (.html) or text (.txt, .md)"),
        (["x.html", "--id", "Bad Id"], "--id: 'Bad Id' is not a safe id: use lowercase letters, "
         "digits and single hyphens"),
        (["x.html", "--id", "annual-report"], "--id: 'annual-report' is already a source's id"),
        (["x.html", "--topic", "alfa"], "--topic: no topic has the id 'alfa'; did you mean "
         "'alpha'?"),
    ],
)  # fmt: skip
def test_bad_requests_exit_2_and_change_nothing(
    digest: Path, argv: list[str], message: str
) -> None:
    (digest.parent / "x.html").write_text(f"<html><title>X</title><body>{BODY}</body></html>")
    before = digest.read_text()
    assert add(*argv) == (2, f"build.py: error: add: {message}\n")
    assert digest.read_text() == before


def test_a_page_that_cannot_be_read_exits_1(digest: Path, server: PetitionServer) -> None:
    before = digest.read_text()
    assert add(f"{server.base_url}/gone") == (
        1, f"build.py: error: add: {server.base_url}/gone answered HTTP 404\n",
    )  # fmt: skip
    assert digest.read_text() == before


LONG_URL = (
    "https://www.gov.uk/government/news/government-crackdown-on-explicit-deepfakes-and-"
    "nudification-apps-to-protect-women-and-girls?utm_source=digest&utm_medium=email"
)
LONG_TITLE = (
    "Regulator's long- running and well-documented alpha investigation: what the platform's "
    "owners were asked, and what they said on the deadline day"
)


def test_long_addresses_and_titles_are_written_exactly(digest: Path, tmp_path: Path) -> None:
    copy = tmp_path / "page.html"
    copy.write_text(f"<html><head><title>{LONG_TITLE}</title></head><body>{BODY}</body></html>")
    before = digest.read_text()
    code, err = add(str(copy), "--url", LONG_URL, "--id", "long-one")
    assert code == 0, err
    entry = yaml.safe_load("sources:\n" + new_entry(digest, before))["sources"][0]
    assert (entry["url"], entry["title"]) == (LONG_URL, LONG_TITLE)
    report = Report()
    manifest = load_manifest(digest, report)
    assert manifest is not None, report.sorted()
    assert (manifest.source("long-one").url, manifest.source("long-one").title) == (
        LONG_URL, LONG_TITLE,
    )  # fmt: skip


def test_an_insert_that_would_not_validate_is_an_error_and_writes_nothing(
    digest: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Whatever goes wrong inside, the contributor sees an error and an unchanged manifest."""

    def broken(text: str, entry: object) -> tuple[str, int]:
        return text + "  - id: [unclosed\n", 1

    monkeypatch.setattr("research_digest.add.entry.append_source", broken)
    copy = tmp_path / "page.html"
    copy.write_text(f"<html><head><title>Alpha</title></head><body>{BODY}</body></html>")
    before = digest.read_bytes()
    code, err = add(str(copy), "--id", "alpha-story")
    assert code == 1
    assert err.startswith("build.py: error: add: the new entry would make sources.yaml invalid, "
                          "so nothing was written (please report this as a bug): ")  # fmt: skip
    assert "Traceback" not in err
    assert digest.read_bytes() == before
    assert not (digest.parent / "content" / "alpha-story.md").exists()


def test_an_insert_that_would_read_back_changed_is_an_error_and_writes_nothing(
    digest: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def lossy(text: str, entry: dict[str, FieldValue]) -> tuple[str, int]:
        return append_source(text, {**entry, "title": "Changed"})

    monkeypatch.setattr("research_digest.add.entry.append_source", lossy)
    copy = tmp_path / "page.html"
    copy.write_text(f"<html><head><title>Alpha</title></head><body>{BODY}</body></html>")
    before = digest.read_bytes()
    assert add(str(copy), "--id", "alpha-story") == (
        1, "build.py: error: add: the new entry would not read back as given (title), so "
        "nothing was written (please report this as a bug)\n",
    )  # fmt: skip
    assert digest.read_bytes() == before
    assert not (digest.parent / "content" / "alpha-story.md").exists()


def test_windows_line_ends_in_the_manifest_are_kept(digest: Path, tmp_path: Path) -> None:
    digest.write_bytes(digest.read_bytes().replace(b"\n", b"\r\n"))
    before = digest.read_bytes()
    copy = tmp_path / "page.html"
    copy.write_text(f"<html><head><title>Alpha</title></head><body>{BODY}</body></html>")
    assert add(str(copy), "--id", "alpha-story")[0] == 0
    after = digest.read_bytes()
    assert after.startswith(before) and b"\n" not in after.replace(b"\r\n", b"")


def closed_port_address() -> str:
    """The address of a port on this machine that nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"


@pytest.mark.parametrize(
    ("reply", "why"),
    [(None, "could not be fetched"), (Reply(status=404), "is gone from its platform"),
     (Reply(status=410), "is gone from its platform")],
)  # fmt: skip
def test_a_petition_whose_data_cannot_be_fetched_writes_nothing(
    digest: Path, reply: Reply | None, why: str
) -> None:
    """With no network, or no such petition, add says so, exits 1 and writes nothing."""
    before = digest.read_bytes()
    files_before = sorted(p for p in digest.parent.rglob("*") if ".cache" not in p.parts)
    with running() as server:
        server.script("/petitions/123457.json", reply or Reply())
        base = server.base_url if reply else closed_port_address()  # None: as with no network
        code, err = add("https://petition.parliament.uk/petitions/123457",
                        "--api-base", f"uk-parliament={base}")  # fmt: skip
    assert code == 1
    assert err.splitlines()[-1] == (
        f"build.py: error: add: UK Parliament petitions 123457 {why}, so nothing was written; "
        "add it again when the platform answers"
    )
    assert digest.read_bytes() == before
    files_after = sorted(p for p in digest.parent.rglob("*") if ".cache" not in p.parts)
    assert files_after == files_before


def test_add_without_its_extra_says_how_to_install_it(
    digest: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """trafilatura and what it pulls in are the 'add' extra: a digest builds without them."""
    import sys

    for module in ("research_digest.add.source", "research_digest.add.extract"):
        monkeypatch.delitem(sys.modules, module, raising=False)
    monkeypatch.setitem(sys.modules, "trafilatura", None)
    before = digest.read_bytes()
    assert add("https://news.test/a") == (
        1, "build.py: error: add: it needs what the 'add' extra installs (trafilatura is "
        "missing)\n  hint: .venv/bin/pip install -c constraints.txt -e '.[add]' (or pip install "
        "'research-digest[add]')\n",
    )  # fmt: skip
    assert digest.read_bytes() == before
