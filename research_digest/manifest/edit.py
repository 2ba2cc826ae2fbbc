"""Add a source to sources.yaml, leaving every other byte of the file as it was. Pure.

Comments, order, quoting and blank lines are the contributors' and reviewers':
loading the file and dumping it again would lose them. So the new entry is
written as text and inserted where the ``sources:`` list ends, indented like
the entries already there.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

import yaml
from yaml.nodes import MappingNode, ScalarNode, SequenceNode

FieldValue = str | int | Sequence[str] | Mapping[str, str | int]
# A plain scalar never starts with an indicator or a space, nor holds a line break; whatever
# else would make YAML read it as other than the same text (a number, a boolean, 'a: b',
# ' #comment') is found by reading it back.
_PLAIN_START = re.compile(r"""[^\s\-?:,\[\]{}#&*!|>'"%@`]""")
_FLOW_INDICATORS = re.compile(r"[,\[\]{}]")
# What a YAML file may hold unescaped (its reader refuses the rest), less the line breaks that
# a double-quoted scalar would fold (NEL, LS, PS), the byte-order mark, and the invisible
# format characters (zero-width and bidirectional controls), shown as escapes for review.
_HIDDEN = re.compile(
    r"[^\x20-\x7e\xa0-\xac\xae-\u200a\u2010-\u2027\u202f-\u205f\u2070-\ud7ff\ue000-\ufefe"
    r"\uff00-\ufffd\U00010000-\U0010ffff]"
)
_ESCAPES = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\t": "\\t", "\r": "\\r"}
_STRING_TAGS = ("tag:yaml.org,2002:str", "tag:yaml.org,2002:timestamp")  # dates stay text


class EditError(ValueError):
    """The manifest's sources list is written in a way this edit cannot extend."""


def append_source(manifest_text: str, entry: Mapping[str, FieldValue]) -> tuple[str, int]:
    """Return the manifest with the entry at the end of 'sources', and the entry's first line."""
    root = yaml.compose(manifest_text, Loader=yaml.SafeLoader)
    newline = "\r\n" if "\r\n" in manifest_text else "\n"  # the file's own line ends
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
        text = format_entry(entry, indent=2).replace("\n", newline)
        before = manifest_text[:start].rstrip(" ")
        return before + newline + text + manifest_text[end:].lstrip(" "), before.count("\n") + 2
    dash = sources.value[0].start_mark.column - 2 if sources.value else 2
    end = _end_of_last_item(manifest_text, sources)
    before = manifest_text[:end]
    if not before.endswith("\n"):
        before += newline
    text = format_entry(entry, indent=dash).replace("\n", newline)
    return before + text + manifest_text[end:], before.count("\n") + 1


def format_entry(entry: Mapping[str, FieldValue], *, indent: int) -> str:
    """Write one source as a YAML list item, each value on its key's line.

    No value is folded over lines: YAML would read a folded address or hyphenated word back
    with a space in it. Every value reads back as exactly the text or number given.
    """
    pad = " " * indent
    lines = []
    for index, (key, value) in enumerate(entry.items()):
        lead = f"{pad}- " if index == 0 else f"{pad}  "
        lines += _field(lead, key, value, pad + "    ")
    return "\n".join(lines) + "\n"


def _field(lead: str, key: str, value: FieldValue, inner: str) -> list[str]:
    if isinstance(value, Mapping):
        return [f"{lead}{key}:"] + [f"{inner}{k}: {scalar(v)}" for k, v in value.items()]
    if isinstance(value, str | int):
        return [f"{lead}{key}: {scalar(value)}"]
    return [f"{lead}{key}: [{', '.join(scalar(v, flow=True) for v in value)}]"]


def scalar(value: str | int, *, flow: bool = False) -> str:
    """A value as YAML reads it back the same: plain where that is so, else double-quoted."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if _plain_reads_back(value, flow=flow):
        return value
    return '"' + "".join(_escaped(c) for c in value) + '"'


def _plain_reads_back(value: str, *, flow: bool) -> bool:
    if not _PLAIN_START.match(value) or value != value.strip() or _HIDDEN.search(value):
        return False
    if flow and _FLOW_INDICATORS.search(value):
        return False
    try:
        node = yaml.compose(f"[{value}]" if flow else f"k: {value}", Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return False
    read = None if node is None else node.value[0] if flow else node.value[0][1]
    return isinstance(read, ScalarNode) and read.tag in _STRING_TAGS and read.value == value


def _escaped(character: str) -> str:
    if character in _ESCAPES:
        return _ESCAPES[character]
    if not _HIDDEN.match(character):
        return character
    code = ord(character)
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


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
