"""A composed YAML file as plain data, and where any of its keys and values stands.

The data is read from the node tree (``yamlsource`` composes it) in one pass that
keeps no position: a place is read from the tree only when something asks for one
(a diagnostic, a model object's origin). Making a place for each of a large
manifest's 250,000 values up front took more than half the time of reading it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TypeAlias

from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from research_digest.diagnostics import Location, Report
from research_digest.files import forbidden_character

DataPath: TypeAlias = tuple[str | int, ...]

MAX_DEPTH = 32
ALIAS_TAG = "!research-digest/alias"  # what an alias is read as: it is reported, not followed
_TAG = "tag:yaml.org,2002:"
_COLLECTION_TAGS = (_TAG + "map", _TAG + "seq")
_SCALAR_TAGS = {"str", "null", "bool", "int", "float", "timestamp"}
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
    root: Node  # the tree the data was read from, where places are found when asked
    file: str
    reported: frozenset[DataPath] = frozenset()  # values already reported (aliases, tags)

    def place(self, path: DataPath) -> Place:
        """Find the place of a path, or of its nearest ancestor that has one."""
        node, key, depth = self.root, None, 0
        for step in path[: MAX_DEPTH + 1]:  # nothing deeper is read (see _Converter)
            found = _child(node, step)
            if found is None:
                break
            key, node = found
            depth += 1
        return self._place(node, key, depth) if depth else Place(Location(self.file, 1, 1))

    def places(self, path: DataPath) -> Iterator[tuple[DataPath, Place]]:
        """The place of every value under path, in the order of the file."""
        node = _child_at(self.root, path)
        return iter(()) if node is None else self._places_under(node, path)

    def field_places(self, path: DataPath) -> tuple[tuple[str, int, int], ...]:
        """The line and column of each value of the mapping at path, by key, in file order
        (without a Place or Location for each: a model keeps these for every source)."""
        node = _child_at(self.root, path)
        return tuple(
            (str(step), child.start_mark.line + 1, child.start_mark.column + 1)
            for step, _, child in (() if node is None else _children(node))
        )

    def already_reported(self, path: DataPath) -> bool:
        """Tell whether a value at or above path has been reported by the YAML reader."""
        return any(path[: len(p)] == p for p in self.reported)

    def _places_under(self, node: Node, path: DataPath) -> Iterator[tuple[DataPath, Place]]:
        if len(path) > MAX_DEPTH:
            return
        for step, key, child in _children(node):
            here = (*path, step)
            yield here, self._place(child, key, len(here))
            yield from self._places_under(child, here)

    def _place(self, node: Node, key: Node | None, depth: int) -> Place:
        plain = _plain_text(node) if depth <= MAX_DEPTH else None
        key_at = None if key is None else _location(self.file, key)
        return Place(_location(self.file, node), key_at, plain)


def document_of(root: Node, report: Report, *, file: str) -> YamlDocument:
    """Read a composed tree into plain data, reporting what the data cannot hold."""
    converter = _Converter(report, file)
    data = converter.convert(root, ())
    return YamlDocument(data, root, file, frozenset(converter.reported))


def dotted(path: DataPath) -> str:
    """Write a data path as people read it: sources[2].url."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text or "the manifest"


class _Converter:
    """Turn composed nodes into plain data; keys are always text ('on:' and 'no:' stay
    words, not booleans), and only the first of equal keys is kept."""

    def __init__(self, report: Report, file: str) -> None:
        self.report = report
        self.file = file
        self.reported: set[DataPath] = set()

    def convert(self, node: Node, path: DataPath) -> object:
        if len(path) > MAX_DEPTH:
            here = _location(self.file, node)
            self.report.error(here, f"nested more than {MAX_DEPTH} levels deep")
            self.reported.add(path)
            return None
        if isinstance(node, ScalarNode):
            return self.scalar(node, path)
        if node.tag not in _COLLECTION_TAGS:
            self.reported.add(path)  # its tag is reported
        if isinstance(node, SequenceNode):
            return [self.convert(child, (*path, index)) for index, child in enumerate(node.value)]
        assert isinstance(node, MappingNode)
        result: dict[str, object] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):
                self.report.error(_location(self.file, key_node),
                                  "a key must be plain text, not a list or mapping")  # fmt: skip
            elif key_node.value in result:
                self.duplicate(node, key_node, path)
            else:
                result[key_node.value] = self.convert(value_node, (*path, key_node.value))
        return result

    def duplicate(self, node: MappingNode, key_node: ScalarNode, path: DataPath) -> None:
        key = key_node.value
        first = next(k for k, _ in node.value if isinstance(k, ScalarNode) and k.value == key)
        self.report.error(
            _location(self.file, key_node),
            f"{dotted((*path, key))}: duplicate key {key!r} "
            f"(first at line {first.start_mark.line + 1})",
            "remove one of them: YAML would silently keep only the last",
        )

    def scalar(self, node: ScalarNode, path: DataPath) -> object:
        tag = node.tag.removeprefix(_TAG)
        if tag == "str":
            forbidden = forbidden_character(node.value)
            if forbidden is not None:
                self.reported.add(path)
                message = f"{dotted(path)}: holds the character {forbidden}, which no page or feed"
                hint = "delete it (a YAML escape such as \\x01 or \\0 writes one)"
                self.report.error(_location(self.file, node), f"{message} can carry", hint)
            return node.value
        if tag not in _SCALAR_TAGS:
            self.reported.add(path)  # its tag, or the alias it stands for, is reported
        return _scalar_value(node)


def _scalar_value(node: ScalarNode) -> object:
    """A scalar's value as the manifest reads it: dates stay text (the loader reads them)."""
    tag = node.tag.removeprefix(_TAG)
    if tag in ("str", "timestamp"):
        return node.value
    if tag == "null":
        return None
    if tag == "bool":
        return _SCALARS.construct_yaml_bool(node)
    if tag == "int":
        return _SCALARS.construct_yaml_int(node)
    if tag == "float":
        return _SCALARS.construct_yaml_float(node)
    return None if node.tag == ALIAS_TAG else node.value


def _plain_text(node: Node) -> str | None:
    """An unquoted scalar as written, if YAML reads it as something other than text."""
    if not isinstance(node, ScalarNode) or node.style:  # plain: "" from libyaml, None from Python
        return None
    value = _scalar_value(node)
    return node.value if value is not None and not isinstance(value, str) else None


def _children(node: Node) -> Iterator[tuple[str | int, Node | None, Node]]:
    """Each value a collection gives the data, with its key or index, and its key node: in a
    mapping, the first of equal keys, and no key that is a list or mapping."""
    if isinstance(node, SequenceNode):
        for index, child in enumerate(node.value):
            yield index, None, child
    elif isinstance(node, MappingNode):
        seen = set()
        for key, child in node.value:
            if isinstance(key, ScalarNode) and key.value not in seen:
                seen.add(key.value)
                yield key.value, key, child


def _child(node: Node, step: str | int) -> tuple[Node | None, Node] | None:
    """The key node (if any) and the value node one step down from node."""
    if isinstance(node, SequenceNode) and isinstance(step, int) and 0 <= step < len(node.value):
        return None, node.value[step]
    if isinstance(node, MappingNode) and isinstance(step, str):
        for key, child in node.value:  # the first of equal keys is the one the data holds
            if isinstance(key, ScalarNode) and key.value == step:
                return key, child
    return None


def _child_at(root: Node, path: DataPath) -> Node | None:
    node: Node | None = root
    for step in path:
        found = None if node is None else _child(node, step)
        node = None if found is None else found[1]
    return node


def _location(file: str, node: Node) -> Location:
    return Location(file, node.start_mark.line + 1, node.start_mark.column + 1)
