"""Shared paths and helpers for the tests."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, settings

from research_digest.diagnostics import Report
from research_digest.manifest.loader import load_manifest
from research_digest.model.digest import Digest
from research_digest.petitions.cache import load_petition_data
from research_digest.pipeline import BuildResult, build
from research_digest.site.documents import load_about, load_documents

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "tests" / "data"
TEMPLATES = REPO / "research_digest" / "theme"  # the default theme
TEST_DIGEST = DATA / "digest"
BUILT_AT = dt.datetime(2026, 2, 8, 12, 0, tzinfo=dt.UTC)
BUILT_AT_EPOCH = str(int(BUILT_AT.timestamp()))


def build_digest(
    manifest: Path,
    out: Path,
    *,
    report: Report | None = None,
    base_url: str | None = None,
    strict: bool = False,
    use_cache: bool = False,
) -> BuildResult:
    """Build a digest with the repository's templates at a fixed time (by default from
    nothing: tests of the build cache ask for it)."""
    return build(
        manifest,
        out=out,
        report=report if report is not None else Report(),
        templates=TEMPLATES,
        base_url=base_url,
        strict=strict,
        now=BUILT_AT,
        use_cache=use_cache,
    )


def load_digest(manifest_path: Path = TEST_DIGEST / "sources.yaml") -> Digest:
    """A digest loaded as the build loads it (the test digest unless told), built at BUILT_AT."""
    report = Report()
    manifest = load_manifest(manifest_path, report)
    assert manifest is not None, report.diagnostics
    return Digest(
        manifest,
        load_documents(manifest, report),
        load_petition_data(manifest, report),
        load_about(manifest, report),
        BUILT_AT,
    )


@contextmanager
def without_libyaml() -> Iterator[None]:
    """Read YAML as an install whose PyYAML has no C extension (libyaml) would."""
    with pytest.MonkeyPatch.context() as patch:
        patch.delattr(yaml, "CSafeLoader")
        yield


def read_tree(folder: Path) -> dict[str, bytes]:
    """Every file under folder, by its relative POSIX path."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def test_digest(tmp_path: Path) -> Path:
    """A private copy of the test digest; returns its sources.yaml."""
    folder = tmp_path / "digest"
    shutil.copytree(TEST_DIGEST, folder)
    return folder / "sources.yaml"


# Property tests (hypothesis): 'make test' runs each with a few dozen examples, 'make fuzz'
# (HYPOTHESIS_PROFILE=fuzz) with 10,000; neither has a deadline, since this machine's speed
# varies from hour to hour and a slow example is not a failure.
settings.register_profile("fast", max_examples=60, deadline=None, derandomize=True,
                          suppress_health_check=[HealthCheck.too_slow])  # fmt: skip
settings.register_profile("fuzz", max_examples=10_000, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])  # fmt: skip
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "fast"))
