"""Read a YAML file into plain data, in which any key or value can be found.

``yaml.safe_load`` forgets positions and silently keeps the last of two equal
keys. Composing the node tree keeps both: each node has a start mark, so every
later diagnostic can name a line and column, and duplicate keys are refused.
Anchors and aliases are refused too: a manifest has no use for them, and they
are how a small file expands into a huge one. The data, and the places found in
the tree when asked for, are ``yamldocument``'s.
"""

from __future__ import annotations

import gc
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import yaml
from yaml.events import AliasEvent, CollectionEndEvent, CollectionStartEvent
from yaml.nodes import Node, ScalarNode

from research_digest.diagnostics import Location, Report
from research_digest.files import read_text
from research_digest.manifest.yamldocument import ALIAS_TAG, MAX_DEPTH, YamlDocument, document_of

MAX_MANIFEST_BYTES = 64 * 1024 * 1024  # about 180,000 sources
_TAG = "tag:yaml.org,2002:"


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
            return ScalarNode(ALIAS_TAG, "", event.start_mark, event.end_mark)
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
    with paused_collector():
        return _compose(text, report, file)


@contextmanager
def paused_collector() -> Iterator[None]:
    """Pause Python's cycle collector: composing a large file makes hundreds of thousands of
    objects and no cycle among them, and each collection they set off walks them all (more
    than half the time of composing 10,000 sources). Cycles made meanwhile, if any, are left
    to the collector's next run once it is enabled again."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _compose(text: str, report: Report, file: str) -> YamlDocument | None:
    """Compose text (with libyaml if it can, else with Python) and read its data."""
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
    return document_of(root, report, file=file)


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
