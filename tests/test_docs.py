"""The documentation stays true: every command, option and manifest field is documented."""

from __future__ import annotations

import argparse
from typing import Any

from research_digest.cli import make_parser
from research_digest.manifest.schema import manifest_schema
from tests.conftest import REPO

README = (REPO / "README.md").read_text()
CONTRIBUTING = (REPO / "CONTRIBUTING.md").read_text()


def commands() -> dict[str, argparse.ArgumentParser]:
    parser = make_parser()
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


def test_the_readme_shows_the_two_set_up_commands() -> None:
    assert "make site" in README and "make test" in README


def test_every_command_and_option_is_in_the_readme_with_help() -> None:
    for name, parser in commands().items():
        assert f"python build.py [{name}]" in README or f"python build.py {name}" in README
        assert parser.description
        for action in parser._actions:
            assert action.help, (name, action.dest)
            for flag in action.option_strings:
                assert f"`{flag}" in README or f"{flag}`" in README, (name, flag)


def field_paths(node: dict[str, Any], prefix: str = "") -> list[str]:
    """Every field the schema defines, as site.contact.email or sources[].petition.number."""
    defs = manifest_schema()["$defs"]
    if "$ref" in node:
        node = {**defs[node["$ref"].rsplit("/", 1)[1]], **node}
    if node.get("type") == "array" and "items" in node:
        return field_paths(node["items"], prefix + "[]")
    paths = []
    for key, child in node.get("properties", {}).items():
        path = f"{prefix}.{key}" if prefix else key
        paths += [path, *field_paths(child, path)]
    return paths


def test_every_manifest_field_is_documented_in_contributing() -> None:
    paths = field_paths(manifest_schema())
    assert len(paths) > 40
    missing = [p for p in paths if f"`{p}`" not in CONTRIBUTING]
    assert missing == []


def test_every_source_kind_is_documented() -> None:
    kinds = manifest_schema()["$defs"]["source"]["properties"]["kind"]["enum"]
    assert [k for k in kinds if f"`{k}`" not in CONTRIBUTING] == []


def test_every_schema_field_has_a_description_for_editors() -> None:
    defs = manifest_schema()["$defs"]
    for name in ("site", "source", "topic", "petition"):
        for key, child in defs[name]["properties"].items():
            referenced = defs[child["$ref"].rsplit("/", 1)[1]] if "$ref" in child else {}
            assert "description" in child or "description" in referenced, (name, key)
