"""Read a YAML file into plain data, remembering where every key and value stands.

``yaml.safe_load`` forgets positions and silently keeps the last of two equal
keys. Composing the node tree keeps both: each node has a start mark, so every
later diagnostic can name a line and column, and duplicate keys are refused.
Anchors and aliases are refused too: a manifest has no use for them, and they
are how a small file expands into a huge one.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import TypeAlias

import yaml
from yaml.constructor import SafeConstructor
from yaml.events import AliasEvent
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from digest.diagnostics import Location, Report
from digest.textfile import read_text

DataPath: TypeAlias = tuple[str | int, ...]

MAX_DEPTH = 32
_TAG = "tag:yaml.org,2002:"
_SCALARS = SafeConstructor()


@dataclass(frozen=True)
class Place:
    """Where a value (and, in a mapping, its key) stands in the file."""

    value: Location
    key: Location | None = None
    plain_text: str | None = None  # an unquoted scalar YAML read as a non-string


@dataclass(frozen=True)
class YamlDocument:
    data: object
    places: dict[DataPath, Place]
    file: str

    def place(self, path: DataPath) -> Place:
        """Find the place of a path, or of its nearest ancestor that has one."""
        while path not in self.places and path:
            path = path[:-1]
        return self.places.get(path, Place(Location(self.file, 1, 1)))


class _Loader(yaml.SafeLoader):
    """A SafeLoader that reports aliases instead of following them."""

    def __init__(self, stream: str, report: Report, file: str) -> None:
        super().__init__(stream)
        self.report = report
        self.file = file

    def compose_node(self, parent: Node | None, index: int) -> Node | None:
        if self.check_event(AliasEvent):
            event = self.get_event()  # type: ignore[no-untyped-call]
            mark = event.start_mark
            self.report.error(
                Location(self.file, mark.line + 1, mark.column + 1),
                f"YAML aliases are not supported (*{event.anchor})",
                "write the value out in full",
            )
            return ScalarNode(f"{_TAG}null", "", event.start_mark, event.end_mark)
        return super().compose_node(parent, index)


def load_yaml(path: Path, report: Report, *, file: str) -> YamlDocument | None:
    """Read and compose a YAML file; report every problem found; None if unusable."""
    text = read_text(path, report, file=file)
    if text is None:
        return None
    loader = _Loader(text, report, file)
    try:
        root = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        _report_syntax_error(exc, report, file)
        return None
    except yaml.YAMLError as exc:  # pragma: no cover - every PyYAML error we know is marked
        report.error(Location(file, 1, 1), f"invalid YAML: {exc}")
        return None
    finally:
        loader.dispose()
    if root is None:
        report.error(Location(file, 1, 1), "the file is empty")
        return None
    places: dict[DataPath, Place] = {}
    data = _convert(root, (), places, report, file)
    return YamlDocument(data, places, file)


def _report_syntax_error(exc: yaml.MarkedYAMLError, report: Report, file: str) -> None:
    mark = exc.problem_mark or exc.context_mark
    line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    problem = exc.problem or exc.context or "syntax error"
    hint = None
    if "'\\t'" in problem or "\t" in problem:
        hint = "indent with spaces, not tabs"
    elif "mapping values are not allowed" in problem:
        hint = "a value containing ': ' must be in quotes"
    elif exc.context and exc.context_mark and mark is not exc.context_mark:
        ctx = exc.context_mark
        hint = f"{exc.context} at line {ctx.line + 1}, column {ctx.column + 1}"
    report.error(Location(file, line, column), f"invalid YAML: {problem}", hint)


def _convert(
    node: Node, path: DataPath, places: dict[DataPath, Place], report: Report, file: str
) -> object:
    here = _location(node, file)
    if len(path) > MAX_DEPTH:
        report.error(here, f"nested more than {MAX_DEPTH} levels deep")
        return None
    if isinstance(node, MappingNode):
        return _convert_mapping(node, path, places, report, file)
    if isinstance(node, SequenceNode):
        items = []
        for index, child in enumerate(node.value):
            places[(*path, index)] = Place(_location(child, file))
            items.append(_convert(child, (*path, index), places, report, file))
        return items
    assert isinstance(node, ScalarNode)
    value = _scalar(node, here, report)
    if node.style is None and value is not None and not isinstance(value, str) and path in places:
        places[path] = replace(places[path], plain_text=node.value)
    return value


def _convert_mapping(
    node: MappingNode, path: DataPath, places: dict[DataPath, Place], report: Report, file: str
) -> dict[str, object]:
    result: dict[str, object] = {}
    first_seen: dict[str, Location] = {}
    for key_node, value_node in node.value:
        key_at = _location(key_node, file)
        if not isinstance(key_node, ScalarNode):
            report.error(key_at, "a key must be plain text, not a list or mapping")
            continue
        key = key_node.value  # always text: 'on:' or 'no:' stay words, not booleans
        if key in first_seen:
            first = first_seen[key]
            report.error(
                key_at,
                f"{dotted((*path, key))}: duplicate key {key!r} (first at line {first.line})",
                "remove one of them: YAML would silently keep only the last",
            )
            continue
        first_seen[key] = key_at
        child = (*path, key)
        places[child] = Place(_location(value_node, file), key_at)
        result[key] = _convert(value_node, child, places, report, file)
    return result


def _scalar(node: ScalarNode, here: Location, report: Report) -> object:
    tag = node.tag.removeprefix(_TAG)
    if tag == "str":
        return node.value
    if tag == "null":
        return None
    if tag == "bool":
        return _SCALARS.construct_yaml_bool(node)
    if tag == "int":
        return _SCALARS.construct_yaml_int(node)
    if tag == "float":
        return _SCALARS.construct_yaml_float(node)
    if tag == "timestamp":
        return node.value  # dates stay text; the manifest loader reads them itself
    report.error(here, f"unsupported YAML tag {node.tag!r}", "remove the tag")
    return None


def _location(node: Node, file: str) -> Location:
    return Location(file, node.start_mark.line + 1, node.start_mark.column + 1)


def dotted(path: DataPath) -> str:
    """Write a data path as people read it: sources[2].url."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text or "(top level)"
