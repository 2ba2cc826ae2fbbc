"""Read a YAML file into plain data, remembering where every key and value stands.

``yaml.safe_load`` forgets positions and silently keeps the last of two equal
keys. Composing the node tree keeps both: each node has a start mark, so every
later diagnostic can name a line and column, and duplicate keys are refused.
Anchors and aliases are refused too: a manifest has no use for them, and they
are how a small file expands into a huge one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TypeAlias

import yaml
from yaml.constructor import SafeConstructor
from yaml.events import AliasEvent, CollectionEndEvent, CollectionStartEvent
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from research_digest.diagnostics import Location, Report
from research_digest.files import forbidden_character, read_text

DataPath: TypeAlias = tuple[str | int, ...]

MAX_DEPTH = 32
MAX_MANIFEST_BYTES = 64 * 1024 * 1024  # about 180,000 sources
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
    reported: frozenset[DataPath] = frozenset()  # values already reported (aliases, tags)

    def place(self, path: DataPath) -> Place:
        """Find the place of a path, or of its nearest ancestor that has one."""
        while path not in self.places and path:
            path = path[:-1]
        return self.places.get(path, Place(Location(self.file, 1, 1)))

    def already_reported(self, path: DataPath) -> bool:
        """Tell whether a value at or above path has been reported by the YAML reader."""
        return any(path[: len(p)] == p for p in self.reported)


_ALIAS_TAG = "!research-digest/alias"
_COLLECTION_TAGS = (_TAG + "map", _TAG + "seq")


def _compose_fast(text: str) -> Node | None:
    """Compose with libyaml (C), ten times faster, when the file is valid and has no alias;
    None otherwise, and the pure-Python loader reads it again to report each problem."""
    c_loader = getattr(yaml, "CSafeLoader", None)
    if c_loader is None or not text.strip():
        return None
    try:
        if "*" in text and any(isinstance(e, AliasEvent) for e in yaml.parse(text, c_loader)):
            return None
        loader = c_loader(text)
        try:
            root: Node | None = loader.get_single_node()
        finally:
            loader.dispose()
        return root
    except yaml.YAMLError:
        return None


_BRACKETS = re.compile(r"[^\[\]{}]+")
_LINE_START = "[ \t?:-]{%d}"  # block nesting shows in a line's indentation and indicators


def _too_deep(text: str) -> tuple[int, int] | None:
    """Where (line, column) a file nests collections more than MAX_DEPTH deep, if it does:
    composing one recurses once a level, and libyaml's composer overflowed the C stack at
    100,000.

    A bound found in one pass of C (brackets' depth, taken as if no quoted text held any,
    plus the longest run of indentation and indicators starting a line) spares reading
    the events of an ordinary file.
    """
    depth = deepest = 0
    for bracket in _BRACKETS.sub("", text):
        depth = depth + 1 if bracket in "[{" else max(depth - 1, 0)
        deepest = max(deepest, depth)
    line_start = _LINE_START % (MAX_DEPTH - deepest + 1)
    if (
        deepest <= MAX_DEPTH
        and not re.match(line_start, text)
        and not re.search("\n" + line_start, text)
    ):
        return None
    depth = 0
    try:
        for event in yaml.parse(text, getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
            if isinstance(event, CollectionStartEvent):
                depth += 1
                mark = event.start_mark
                if depth > MAX_DEPTH and mark is not None:
                    return mark.line + 1, mark.column + 1
            elif isinstance(event, CollectionEndEvent):
                depth -= 1
    except yaml.YAMLError:
        pass  # reported when the file is composed
    return None


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
            return ScalarNode(_ALIAS_TAG, "", event.start_mark, event.end_mark)
        return super().compose_node(parent, index)


def load_yaml(
    path: Path, report: Report, *, file: str, text: str | None = None
) -> YamlDocument | None:
    """Read and compose a YAML file (or text to be written to it); report every problem
    found; None if unusable."""
    if text is None:
        text = read_text(path, report, file=file, within=path.parent, limit=MAX_MANIFEST_BYTES)
    if text is None:
        return None
    too_deep = _too_deep(text)
    if too_deep is not None:
        report.error(Location(file, *too_deep), f"nested more than {MAX_DEPTH} levels deep")
        return None
    tagged = _tags(text)
    for line, column, tag in tagged:
        report.error(Location(file, line, column), f"unsupported YAML tag {tag!r}",
                     "remove the tag: a manifest holds plain text, numbers, lists and "
                     "mappings")  # fmt: skip
    root = _compose_fast(text)
    loader = None
    try:
        if root is None:
            loader = _Loader(text, report, file)  # checks every character first
            root = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        _report_syntax_error(exc, report, file)
        return None
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow, with no mark
        before = text[: exc.position]
        line, column = before.count("\n") + 1, exc.position - (before.rfind("\n") + 1) + 1
        report.error(
            Location(file, line, column),
            f"invalid YAML: the control character {chr(exc.character)!r} is not allowed",
            "remove it; YAML files hold printable text",
        )
        return None
    finally:
        if loader is not None:
            loader.dispose()
    if root is None:
        report.error(Location(file, 1, 1), "the file is empty")
        return None
    converter = _Converter(report, file)
    data = converter.convert(root, ())
    return YamlDocument(data, converter.places, file, frozenset(converter.reported))


def _tags(text: str) -> list[tuple[int, int, str]]:
    """Where (line, column) a tag is written on any node, and the tag as written ('!!set',
    '!custom'): a tag can make a scalar, list or mapping mean something else ('!!set',
    '!!binary', '!!python/...'), and a manifest has no use for one."""
    if "!" not in text:  # every tag is written with one
        return []
    found = []
    try:
        for event in yaml.parse(text, getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
            tag = getattr(event, "tag", None)
            if tag is not None and event.start_mark is not None:
                mark = event.start_mark
                found.append((mark.line + 1, mark.column + 1, _shown_tag(tag)))
    except yaml.YAMLError:
        pass  # reported when the file is composed
    return found


def _shown_tag(tag: str) -> str:
    return "!!" + tag.removeprefix(_TAG) if tag.startswith(_TAG) else tag


def _report_syntax_error(exc: yaml.MarkedYAMLError, report: Report, file: str) -> None:
    mark = exc.problem_mark or exc.context_mark
    problem = exc.problem or exc.context or "syntax error"
    hint = None
    if problem == "but found another document":
        problem = "the file holds more than one YAML document"
        hint = "a manifest is a single document: remove this '---' line and merge what follows"
    elif "'<stream end>'" in problem:
        problem = "the file ends before a value is complete"
        hint = "close every '[', '{' and quote that is opened"
    elif exc.context == "while scanning a quoted scalar" and exc.context_mark:
        mark = exc.context_mark
        problem = "this quoted value has no closing quote"
        hint = "add the closing quote, or escape a quote inside the value"
    elif "'\\t'" in problem or "\t" in problem:
        hint = "indent with spaces, not tabs"
    elif "mapping values are not allowed" in problem:
        hint = "a value containing ': ' must be in quotes"
    elif exc.context and exc.context_mark and mark is not exc.context_mark:
        ctx = exc.context_mark
        hint = f"{exc.context} at line {ctx.line + 1}, column {ctx.column + 1}"
    line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    report.error(Location(file, line, column), f"invalid YAML: {problem}", hint)


class _Converter:
    """Turn composed nodes into plain data, recording where each value stands."""

    def __init__(self, report: Report, file: str) -> None:
        self.report = report
        self.file = file
        self.places: dict[DataPath, Place] = {}
        self.reported: set[DataPath] = set()

    def convert(self, node: Node, path: DataPath) -> object:
        here = self.location(node)
        if len(path) > MAX_DEPTH:
            self.report.error(here, f"nested more than {MAX_DEPTH} levels deep")
            self.reported.add(path)
            return None
        if node.tag not in _COLLECTION_TAGS and isinstance(node, MappingNode | SequenceNode):
            self.reported.add(path)  # its tag is reported
        if isinstance(node, MappingNode):
            return self.mapping(node, path)
        if isinstance(node, SequenceNode):
            items = []
            for index, child in enumerate(node.value):
                self.places[(*path, index)] = Place(self.location(child))
                items.append(self.convert(child, (*path, index)))
            return items
        assert isinstance(node, ScalarNode)
        value = self.scalar(node, path, here)
        plain = not node.style and value is not None and not isinstance(value, str)  # C: ""
        if plain and path in self.places:
            self.places[path] = replace(self.places[path], plain_text=node.value)
        return value

    def mapping(self, node: MappingNode, path: DataPath) -> dict[str, object]:
        result: dict[str, object] = {}
        first_seen: dict[str, Location] = {}
        for key_node, value_node in node.value:
            key_at = self.location(key_node)
            if not isinstance(key_node, ScalarNode):
                self.report.error(key_at, "a key must be plain text, not a list or mapping")
                continue
            key = key_node.value  # always text: 'on:' or 'no:' stay words, not booleans
            if key in first_seen:
                self.report.error(
                    key_at,
                    f"{dotted((*path, key))}: duplicate key {key!r} "
                    f"(first at line {first_seen[key].line})",
                    "remove one of them: YAML would silently keep only the last",
                )
                continue
            first_seen[key] = key_at
            child = (*path, key)
            self.places[child] = Place(self.location(value_node), key_at)
            result[key] = self.convert(value_node, child)
        return result

    def scalar(self, node: ScalarNode, path: DataPath, here: Location) -> object:
        tag = node.tag.removeprefix(_TAG)
        if tag == "str":
            forbidden = forbidden_character(node.value)
            if forbidden is not None:
                self.reported.add(path)
                message = f"{dotted(path)}: holds the character {forbidden}, which no page or feed"
                hint = "delete it (a YAML escape such as \\x01 or \\0 writes one)"
                self.report.error(here, f"{message} can carry", hint)
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
        self.reported.add(path)  # its tag, or the alias it stands for, is reported
        return None if node.tag == _ALIAS_TAG else node.value

    def location(self, node: Node) -> Location:
        return Location(self.file, node.start_mark.line + 1, node.start_mark.column + 1)


def dotted(path: DataPath) -> str:
    """Write a data path as people read it: sources[2].url."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text or "the manifest"
