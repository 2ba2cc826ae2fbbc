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

from research_digest.diagnostics import Report
from research_digest.manifest.yamlsource import load_yaml
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


def steps(name: str, job: str | None = None) -> list[str]:
    """What a workflow's jobs (or one of them) run or use, step by step."""
    document = read(name)
    jobs = [document["jobs"][job]] if job else list(document["jobs"].values())
    return [step.get("run") or step.get("uses") for job in jobs for step in job.get("steps", [])]


def test_pull_requests_run_the_tests_then_the_strict_check_on_every_python() -> None:
    assert steps("pull-request.yml")[-2:] == [
        "make test",
        ".venv/bin/python build.py check --strict --format github",
    ]
    job = read("pull-request.yml")["jobs"]["test"]
    assert job["strategy"]["matrix"]["python"] == ["3.11", "3.12", "3.13"]
    assert job["container"] == "python:${{ matrix.python }}-bookworm"
    assert "~/.cache/pip" in str(job["steps"]) and "~/.npm" in str(job["steps"])


def test_main_is_published_to_pages_with_its_address_and_its_build_cache() -> None:
    found = steps("publish.yml")
    assert 'make site BASE_URL="${{ steps.pages.outputs.base_url }}"' in found
    assert "actions/deploy-pages@v4" in found
    build = read("publish.yml")["jobs"]["build"]["steps"]
    cached = [s["with"] for s in build if s.get("uses") == "actions/cache@v4"]
    assert [c["path"] for c in cached] == [".cache/build"]
    python = next(s["with"] for s in build if s.get("uses") == "actions/setup-python@v5")
    assert python["cache"] == "pip"


def test_the_daily_refresh_is_checked_before_its_pull_request_is_opened() -> None:
    """A pull request opened with the workflow token starts no workflow: the checks run in
    the refresh itself, on the branch the pull request is made from."""
    document = read("refresh-petitions.yml")
    assert document["on"]["schedule"] == [{"cron": "17 6 * * *"}]
    assert "make refresh" in steps("refresh-petitions.yml", "fetch")
    jobs = document["jobs"]
    assert jobs["checks"] == {"needs": "fetch", "uses": "./.github/workflows/pull-request.yml",
                              "with": {"ref": "petition-data"}}  # fmt: skip
    assert jobs["pull-request"]["needs"] == "checks"
    assert "gh pr create" in steps("refresh-petitions.yml", "pull-request")[-1]
    token = jobs["pull-request"]["steps"][-1]["env"]["GH_TOKEN"]
    assert token == "${{ secrets.PETITIONS_PR_TOKEN || github.token }}"
    assert "ref" in read("pull-request.yml")["on"]["workflow_call"]["inputs"]


def test_dependabot_keeps_actions_and_dependencies_current() -> None:
    schema = json.loads(
        resources.files("check_jsonschema.builtin_schemas.vendor")
        .joinpath("dependabot.json")
        .read_text(encoding="utf-8")
    )
    report = Report()
    document = load_yaml(REPO / ".github" / "dependabot.yml", report, file="dependabot.yml")
    assert document is not None and report.diagnostics == []
    data: Any = document.data
    validator = jsonschema.validators.validator_for(schema)(schema)
    assert [e.message for e in validator.iter_errors(data)] == []
    assert [u["package-ecosystem"] for u in data["updates"]] == ["github-actions", "pip", "npm"]


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
    assert first == "# yaml-language-server: $schema=research_digest/schema/sources.schema.json"
    assert (REPO / "research_digest" / "schema" / "sources.schema.json").is_file()
