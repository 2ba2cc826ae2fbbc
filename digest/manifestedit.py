"""Add a source to sources.yaml, leaving every other byte of the file as it was. Pure.

Comments, order, quoting and blank lines are the contributors' and reviewers':
loading the file and dumping it again would lose them. So the new entry is
written as text and inserted where the ``sources:`` list ends, indented like
the entries already there.
"""

from __future__ import annotations

import json
import re
import textwrap
from collections.abc import Mapping, Sequence

import yaml
from yaml.nodes import MappingNode, ScalarNode, SequenceNode

FieldValue = str | int | Sequence[str] | Mapping[str, str | int]
WIDTH = 94
_PLAIN = re.compile(r"[A-Za-z][\w .,;'()/&!?\u2019\u2013\u2014-]*")
_URL = re.compile(r"https?://[^\s#]+")
_DATE = re.compile(r"\d{4}-\d{2}(-\d{2})?")  # a full date stays text: the loader reads dates
_YAML_WORDS = {"yes", "no", "on", "off", "true", "false", "null", "y", "n", "~"}


class EditError(ValueError):
    """The manifest's sources list is written in a way this edit cannot extend."""


def append_source(manifest_text: str, entry: Mapping[str, FieldValue]) -> tuple[str, int]:
    """Return the manifest with the entry at the end of 'sources', and the entry's first line."""
    root = yaml.compose(manifest_text, Loader=yaml.SafeLoader)
    if not isinstance(root, MappingNode):
        raise EditError("the manifest is not a mapping")
    sources = next((v for k, v in root.value if k.value == "sources"), None)
    if not isinstance(sources, SequenceNode):
        raise EditError("the manifest has no 'sources' list")
    if sources.flow_style:
        if sources.value:
            raise EditError("the 'sources' list is written in flow style ([...]); write it as a "
                            "block list (one '- id:' entry per source) first")  # fmt: skip
        start, end = sources.start_mark.index, sources.end_mark.index
        text = format_entry(entry, indent=2)
        before = manifest_text[:start].rstrip(" ")
        return before + "\n" + text + manifest_text[end:].lstrip(" "), before.count("\n") + 2
    dash = sources.value[0].start_mark.column - 2 if sources.value else 2
    end = _end_of_last_item(manifest_text, sources)
    before = manifest_text[:end]
    if not before.endswith("\n"):
        before += "\n"
    text = format_entry(entry, indent=dash)
    return before + text + manifest_text[end:], before.count("\n") + 1


def format_entry(entry: Mapping[str, FieldValue], *, indent: int) -> str:
    """Write one source as a YAML list item."""
    pad = " " * indent
    lines = []
    for index, (key, value) in enumerate(entry.items()):
        lead = f"{pad}- " if index == 0 else f"{pad}  "
        lines += _field(lead, key, value, pad + "    ")
    return "\n".join(lines) + "\n"


def _field(lead: str, key: str, value: FieldValue, inner: str) -> list[str]:
    if isinstance(value, Mapping):
        return [f"{lead}{key}:"] + [f"{inner}{k}: {_scalar(v)}" for k, v in value.items()]
    if isinstance(value, list | tuple):
        return [f"{lead}{key}: [{', '.join(_scalar(v) for v in value)}]"]
    assert isinstance(value, str | int)
    line = f"{lead}{key}: {_scalar(value)}"
    if len(line) <= WIDTH or not isinstance(value, str) or "\n" in value:
        return [line]
    wrapped = textwrap.wrap(value, width=WIDTH - len(inner))
    return [f"{lead}{key}: >-"] + [inner + part for part in wrapped]


def _scalar(value: str | int) -> str:
    """A value as YAML reads it back the same: plain where that is safe, else double-quoted."""
    if isinstance(value, int):
        return str(value)
    if _URL.fullmatch(value) or _DATE.fullmatch(value):
        return value
    special = value.lower() in _YAML_WORDS or ": " in value or " #" in value
    if _PLAIN.fullmatch(value) and not special and not value.endswith(" "):
        return value
    return json.dumps(value, ensure_ascii=False)


def _end_of_last_item(text: str, sources: SequenceNode) -> int:
    """Where the last entry's own lines end: after its last value, before comments that follow."""
    last = sources.value[-1]
    end = _deepest_end(last)
    newline = text.find("\n", end)
    return len(text) if newline < 0 else newline + 1


def _deepest_end(node: yaml.Node) -> int:
    if isinstance(node, MappingNode) and node.value:
        return _deepest_end(node.value[-1][1])
    if isinstance(node, SequenceNode) and node.value and not node.flow_style:
        return _deepest_end(node.value[-1])
    if isinstance(node, ScalarNode) and node.style in (">", "|"):
        return node.end_mark.index - 1  # a block scalar ends on the line after it
    return node.end_mark.index
