"""The repository around the code: workflows valid against their published schema, and
running what a newcomer runs; the pull-request template; the pre-commit configuration."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from pre_commit.clientlib import load_config

from digest.diagnostics import Report
from digest.yamlsource import load_yaml
from tests.conftest import REPO

WORKFLOWS = sorted((REPO / ".github" / "workflows").glob("*.yml"))


def workflow_schema() -> dict[str, Any]:
    """GitHub's workflow schema as published on SchemaStore, vendored by check-jsonschema."""
    text = (
        resources.files("check_jsonschema.builtin_schemas.vendor")
        .joinpath("github-workflows.json")
        .read_text()
    )
    schema: dict[str, Any] = json.loads(text)
    return schema


def test_there_are_the_three_workflows() -> None:
    assert [p.name for p in WORKFLOWS] == [
        "publish.yml", "pull-request.yml", "refresh-petitions.yml",
    ]  # fmt: skip


def read(name: str) -> Any:
    """A workflow as GitHub reads it: YAML whose keys are text ('on' is not true)."""
    report = Report()
    document = load_yaml(REPO / ".github" / "workflows" / name, report, file=name)
    assert document is not None and report.diagnostics == []
    return document.data


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_each_workflow_is_valid(path: Path) -> None:
    schema = workflow_schema()
    validator = jsonschema.validators.validator_for(schema)(schema)
    errors = sorted(validator.iter_errors(read(path.name)), key=str)
    assert [e.message for e in errors] == []


def steps(name: str) -> list[str]:
    document = read(name)
    return [
        step.get("run") or step.get("uses")
        for job in document["jobs"].values()
        for step in job["steps"]
    ]


def test_pull_requests_run_the_tests_then_the_strict_check() -> None:
    assert steps("pull-request.yml")[-2:] == [
        "make test",
        ".venv/bin/python build.py check --strict --format github",
    ]


def test_main_is_published_to_pages_with_its_address() -> None:
    found = steps("publish.yml")
    assert 'make site BASE_URL="${{ steps.pages.outputs.base_url }}"' in found
    assert "actions/deploy-pages@v4" in found


def test_the_daily_refresh_opens_a_pull_request() -> None:
    assert read("refresh-petitions.yml")["on"]["schedule"] == [{"cron": "17 6 * * *"}]
    found = steps("refresh-petitions.yml")
    assert "make refresh" in found
    assert found[-1] == "peter-evans/create-pull-request@v7"


def test_the_pull_request_template_has_the_review_checklist() -> None:
    template = (REPO / ".github" / "pull_request_template.md").read_text()
    for point in ("check --strict", "own words", "private victim", "make test", "known_gaps"):
        assert point in template


def test_the_pre_commit_configuration_is_valid_and_runs_the_check_and_ruff() -> None:
    config = load_config(str(REPO / ".pre-commit-config.yaml"))
    hooks = {hook["id"]: hook["entry"] for repo in config["repos"] for hook in repo["hooks"]}
    assert hooks == {
        "digest-check": ".venv/bin/python build.py check --strict",
        "ruff": ".venv/bin/ruff check --force-exclude",
        "ruff-format": ".venv/bin/ruff format --check --force-exclude",
    }


def test_the_manifest_names_its_schema_for_editors() -> None:
    first = (REPO / "sources.yaml").read_text().splitlines()[0]
    assert first == "# yaml-language-server: $schema=digest/schema/sources.schema.json"
    assert (REPO / "digest" / "schema" / "sources.schema.json").is_file()
