"""The manifest loader: every invalid case gives exactly its expected diagnostics."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import assume, given
from hypothesis import strategies as st

from bench.synthetic import write_digest
from research_digest.diagnostics import Location, Report, Severity
from research_digest.files import FORBIDDEN_CHARACTERS
from research_digest.manifest import schema
from research_digest.manifest.loader import load_manifest
from research_digest.manifest.yamlsource import load_yaml
from research_digest.model.manifest import (
    Organisation,
    PartialDate,
    Person,
    PetitionRef,
    RecordedFigure,
)
from tests.conftest import DATA, TEST_DIGEST, without_libyaml
from tests.strategies import manifest_texts, markupish, readers_agree_on

ROOT = Path(__file__).resolve().parent.parent

INVALID = DATA / "invalid"
CASES = sorted(p.stem for p in INVALID.glob("*.yaml"))


def diagnostics_of(manifest: Path) -> str:
    report = Report()
    load_manifest(manifest, report, display_root=manifest.parent)
    return "".join(d.format() + "\n" for d in report.sorted())


def test_there_are_at_least_twenty_invalid_cases() -> None:
    assert len(CASES) >= 20
    missing = [c for c in CASES if not (INVALID / f"{c}.expected").exists()]
    assert missing == []


@pytest.mark.parametrize("case", CASES)
def test_invalid_manifest_gives_exactly_the_expected_diagnostics(case: str) -> None:
    expected = (INVALID / f"{case}.expected").read_text(encoding="utf-8")
    assert diagnostics_of(INVALID / f"{case}.yaml") == expected


@pytest.mark.parametrize("case", CASES)
def test_without_libyaml_each_case_gives_the_same_diagnostics(case: str) -> None:
    expected = (INVALID / f"{case}.expected").read_text(encoding="utf-8")
    with without_libyaml():
        assert diagnostics_of(INVALID / f"{case}.yaml") == expected


@pytest.mark.parametrize("case", CASES)
def test_a_manifest_with_errors_builds_no_model(case: str) -> None:
    report = Report()
    manifest = load_manifest(INVALID / f"{case}.yaml", report)
    assert (manifest is None) == (report.count(Severity.ERROR) > 0)


def test_the_test_digest_loads_into_the_model() -> None:
    report = Report()
    manifest = load_manifest(TEST_DIGEST / "sources.yaml", report)
    assert manifest is not None
    assert manifest.site.base_url == "https://digest.test/sub/path/"  # a slash is added
    assert [t.id for t in manifest.topics] == ["alpha", "petitions", "quiet"]
    article = manifest.source("crlf-article")
    assert article.publisher is None  # 'unknown'
    assert article.url is None
    assert article.published == PartialDate(2026, 1)
    assert article.added == dt.date(2026, 1, 10)
    assert article.document == (TEST_DIGEST / "content" / "crlf-article.md").resolve()
    assert manifest.source("annual-report").published == PartialDate(2025)
    assert manifest.source("petition-100004").published is None
    assert manifest.source("petition-100001").petition == PetitionRef("uk-parliament", 100001, None)
    assert manifest.source("hand-recorded-petition").petition == PetitionRef(
        "change-org", None, RecordedFigure(12345, PartialDate(2026, 2, 1))
    )
    assert manifest.source("undated-other-petition").petition == PetitionRef(
        "other", None, RecordedFigure(40, None)
    )
    annual = manifest.source("annual-report")
    assert annual.authors == (
        Person("Okafor", "Ngozi"),
        Organisation("A Charity's Research & Policy Unit"),
    )
    assert annual.doi == "10.5555/charity.2025_01"
    assert article.authors == (Person("van der Berg", "Anna"),) and article.doi is None
    assert manifest.source("regulator-statement").authors == ()


def test_sources_remember_where_their_fields_are() -> None:
    manifest = load_manifest(TEST_DIGEST / "sources.yaml", Report())
    assert manifest is not None
    source = manifest.source("regulator-statement")
    assert (source.origin.line, source.origin.column) == (54, 5)
    assert source.where("document").line == 63
    assert source.where("updated").line == 61
    assert source.where("no-such-field") == source.origin
    assert source.where("url") == Location(source.origin.file, 57, 10)
    assert [name for name, _, _ in source.field_origins] == [
        "id", "kind", "title", "url", "publisher", "published", "added", "updated", "topics",
        "document", "summary",
    ]  # fmt: skip
    assert manifest.site.where("licence.url") == Location(source.origin.file, 14, 10)
    assert manifest.site.where("reporting_routes[1].name").line == 23
    assert manifest.site.origin == Location(source.origin.file, 3, 1)
    assert manifest.topic("alpha").origin == Location(source.origin.file, 29, 5)


def test_the_missing_url_warning_does_not_stop_the_model() -> None:
    report = Report()
    manifest = load_manifest(INVALID / "no-url-warning.yaml", report)
    assert manifest is not None
    assert report.count(Severity.WARNING) == 1


def test_a_missing_manifest_is_one_clear_error(tmp_path: Path) -> None:
    assert diagnostics_of(tmp_path / "sources.yaml") == (
        "sources.yaml: error: cannot read sources.yaml: No such file or directory\n"
    )


def test_a_symlink_out_of_content_is_refused(tmp_path: Path) -> None:
    (tmp_path / "content").mkdir()
    secret = tmp_path / "secret.md"
    secret.write_text("## Secret\n")
    (tmp_path / "content" / "link.md").symlink_to(secret)
    text = (INVALID / "no-url-warning.yaml").read_text().replace("content/a.md", "content/link.md")
    (tmp_path / "sources.yaml").write_text(text)
    assert "sources[0].document: 'content/link.md' is outside content/" in diagnostics_of(
        tmp_path / "sources.yaml"
    )


def test_aliases_cannot_expand_a_small_file_into_a_huge_one(tmp_path: Path) -> None:
    lines = ["a: &a [x, x, x, x, x, x, x, x, x]"]
    lines += [f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}]" for i in range(20)]
    (tmp_path / "sources.yaml").write_text("\n".join(lines) + "\n")
    output = diagnostics_of(tmp_path / "sources.yaml")
    assert output.count("YAML aliases are not supported") == 40


def test_nesting_too_deep_is_reported_not_a_crash(tmp_path: Path) -> None:
    (tmp_path / "sources.yaml").write_text("site: " + "[" * 40 + "]" * 40 + "\n")
    assert "nested more than 32 levels deep" in diagnostics_of(tmp_path / "sources.yaml")


READABLE = [
    path
    for path in [
        *sorted(INVALID.glob("*.yaml")),
        TEST_DIGEST / "sources.yaml",
        ROOT / "sources.yaml",
    ]
    if load_yaml(path, Report(), file=path.name) is not None  # else the schema never sees it
]


@pytest.mark.parametrize("path", READABLE, ids=lambda p: p.stem)
def test_the_quick_validator_agrees_with_jsonschema(path: Path) -> None:
    """fastjsonschema says 'valid' of a big manifest only where jsonschema finds nothing."""
    document = load_yaml(path, Report(), file=path.name)
    assert document is not None
    data: Any = document.data
    assert schema.is_valid_quickly(data) == (
        next(schema._validator().iter_errors(data), None) is None
    )


def test_a_big_valid_manifest_is_checked_quickly_and_a_big_invalid_one_fully(
    tmp_path: Path,
) -> None:
    manifest = write_digest(tmp_path, schema.QUICK_CHECK_FROM, topics=3, petitions=0)
    assert diagnostics_of(manifest) == ""
    text = manifest.read_text().replace("kind: report\n", "kind: memo\n", 1)
    manifest.write_text(text)
    assert diagnostics_of(manifest).startswith("sources.yaml:44:11: error: sources[1].kind: 'memo' "
                                               "is not one of: article, statement,")  # fmt: skip


# -- properties (hypothesis): any manifest gives a model or diagnostics, never a traceback ----

SLUG = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
DOI = re.compile(r"10\.[0-9]{4,9}(\.[0-9]+)*/[^\s{}\\]+")


@pytest.fixture(scope="module")
def fuzzed_digest(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the test digest whose manifest each example overwrites."""
    folder = tmp_path_factory.mktemp("fuzz") / "digest"
    shutil.copytree(TEST_DIGEST, folder)
    return folder / "sources.yaml"


@pytest.mark.property
@given(text=manifest_texts(yaml.safe_load((TEST_DIGEST / "sources.yaml").read_text())))
def test_any_manifest_gives_a_safe_model_or_clean_diagnostics(
    fuzzed_digest: Path, text: str
) -> None:
    fuzzed_digest.write_text(text, encoding="utf-8")
    report = Report()
    manifest = load_manifest(fuzzed_digest, report)
    errors = [d for d in report.diagnostics if d.severity is Severity.ERROR]
    assert (manifest is None) == bool(errors)
    for found in report.diagnostics:
        assert found.location.line is None or found.location.line >= 1
        assert found.message and "Traceback" not in found.message
    if manifest is None:
        return
    content = fuzzed_digest.parent.resolve() / "content"
    for source in manifest.sources:
        assert SLUG.fullmatch(source.id) and len(source.id) <= 80
        assert source.document.resolve().is_relative_to(content)
        assert source.url is None or source.url.startswith(("http://", "https://"))
        names = [author.name for author in source.authors]
        for text_field in (source.title, source.summary, source.publisher or "", *names):
            assert not FORBIDDEN_CHARACTERS.search(text_field)
        assert all(name.strip() for name in names)
        assert source.doi is None or DOI.fullmatch(source.doi)
    assert all(SLUG.fullmatch(topic.id) for topic in manifest.topics)


@pytest.mark.property
@given(text=manifest_texts(yaml.safe_load((TEST_DIGEST / "sources.yaml").read_text())))
def test_without_libyaml_any_manifest_gives_the_same_model_and_diagnostics(
    fuzzed_digest: Path, text: str
) -> None:
    assume(readers_agree_on(text))
    fuzzed_digest.write_text(text, encoding="utf-8")
    with_libyaml = Report()
    manifest = load_manifest(fuzzed_digest, with_libyaml)
    python = Report()
    with without_libyaml():
        assert load_manifest(fuzzed_digest, python) == manifest
    assert list(python.sorted()) == list(with_libyaml.sorted())


@pytest.mark.property
@given(raw=st.binary(max_size=400) | markupish.map(str.encode))
def test_any_bytes_as_a_manifest_are_read_or_refused_cleanly(
    fuzzed_digest: Path, raw: bytes
) -> None:
    fuzzed_digest.write_bytes(raw)
    report = Report()
    manifest = load_manifest(fuzzed_digest, report)
    assert manifest is None and report.failed()


# Every text field, its limit, and how to reach it in the test digest's data.
LIMITED = [
    (("site", "title"), 500), (("site", "description"), 3000), (("site", "content_note"), 3000),
    (("site", "contact", "name"), 500), (("site", "licence", "name"), 500),
    (("site", "reporting_routes", 0, "name"), 500),
    (("site", "reporting_routes", 0, "region"), 500),
    (("site", "reporting_routes", 0, "description"), 3000), (("topics", 0, "title"), 500),
    (("topics", 0, "summary"), 30000), (("topics", 0, "content_note"), 3000),
    (("sources", 0, "title"), 500), (("sources", 0, "publisher"), 500),
    (("sources", 0, "summary"), 3000), (("sources", 1, "content_note"), 3000),
    (("sources", 0, "id"), 80), (("topics", 0, "id"), 80), (("site", "language"), 35),
]  # fmt: skip


def _set(data: Any, path: tuple[Any, ...], value: object) -> None:
    for part in path[:-1]:
        data = data[part]
    data[path[-1]] = value


@pytest.mark.parametrize(
    ("path", "limit"), LIMITED, ids=[".".join(map(str, p)) for p, _ in LIMITED]
)
def test_every_text_field_has_a_limit_reported_at_its_line(
    tmp_path: Path, path: tuple[Any, ...], limit: int
) -> None:
    """A 10 MB title built a 332 MB site: every text field now has its limit."""
    shutil.copytree(TEST_DIGEST, tmp_path, dirs_exist_ok=True)
    data = yaml.safe_load((TEST_DIGEST / "sources.yaml").read_text())
    for size in (limit, 100_000):
        _set(data, path, "a" * size)
        manifest = tmp_path / "sources.yaml"
        manifest.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
        report = Report()
        load_manifest(manifest, report)
        too_long = [d for d in report.diagnostics if "characters long" in d.message]
        if size == limit:
            assert too_long == []
            continue
        dotted = path[0] + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path[1:])
        assert [(d.message, d.hint) for d in too_long] == [(
            f"{dotted}: is 100,000 characters long; at most {limit:,} are allowed",
            "shorten it: the limit keeps every page, feed and search file a size readers can "
            "load",
        )]  # fmt: skip
        assert too_long[0].location.line > 1
        assert max(len(d.format()) for d in report.diagnostics) < 400  # no value printed whole


def test_a_manifest_larger_than_the_limit_is_refused_unread(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from research_digest.manifest import yamlsource

    monkeypatch.setattr(yamlsource, "MAX_MANIFEST_BYTES", 1000)
    manifest = tmp_path / "sources.yaml"
    manifest.write_text("site: {title: x}\n" + "# padding\n" * 200)
    report = Report()
    assert load_manifest(manifest, report) is None
    assert [d.format() for d in report.sorted()] == [
        f"{manifest}: error: {manifest} is 2,017 bytes; at most 1,000 are read"
    ]
