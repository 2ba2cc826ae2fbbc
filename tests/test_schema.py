"""The manifest's JSON Schema: what the validator reports, and what editors show."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import jsonschema

from research_digest.manifest.schema import manifest_schema


def _subschemas(node: Any, where: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    if isinstance(node, dict):
        yield where, node
        for key, value in node.items():
            yield from _subschemas(value, f"{where}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _subschemas(value, f"{where}/{index}")


def test_the_schema_is_a_valid_json_schema() -> None:
    schema = manifest_schema()
    jsonschema.validators.validator_for(schema).check_schema(schema)


def test_every_custom_message_reaches_editors_too() -> None:
    """The build says x-error, with the value; yaml-language-server (VS Code, JetBrains' YAML
    support) shows patternErrorMessage for a failed pattern and errorMessage otherwise."""
    found = 0
    for where, node in _subschemas(manifest_schema()):
        if "x-error" not in node:
            continue
        found += 1
        key = "patternErrorMessage" if "pattern" in node else "errorMessage"
        shown = node.get(key)
        assert isinstance(shown, str), (where, key)
        expected = node["x-error"].replace(", got {value}", "").replace("{value} is not ", "not ")
        assert shown == expected[0].upper() + expected[1:], where
        assert "{value}" not in shown
    assert found >= 12
