"""Hypothesis strategies for the property tests: hostile text, and valid inputs (the test
digest's manifest, the recorded API responses) mutated at random places."""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

import yaml
from hypothesis import strategies as st

from research_digest.files import FORBIDDEN_CHARACTERS
from research_digest.model.manifest import Organisation, Person

# Pieces of markup and syntax that parsers treat specially, for text that reaches them.
MARKUP = [
    "<", ">", "</", "/>", "&", "&amp;", "&#", "&#x", ";", '"', "'", "`", "=", " ", "\n", "\n\n",
    "\t", "[", "]", "(", ")", "![", "](", "<!--", "-->", "<![CDATA[", "]]>", "javascript:",
    "data:", "vbscript:", "script", "img", "svg", "math", "style", "iframe", "onerror",
    "onload", "src", "href", "xlink:href", "a", "p", "div", "table", "*", "_", "#", "##",
    "|", "---", "> ", "- ", "1. ", "    ", "```", "[^1]", "[^1]: ", "source:", "topic:",
    "{{", "}}", "{%", "%}", "\\", "\u2028", "\u202e", "\u200b", "\ufeff", "\uff1c", "é",
]  # fmt: skip

# Text without the characters every file's reader refuses before anything parses it.
printable = st.text(st.characters(exclude_categories=("Cs", "Cc")) | st.sampled_from("\n\t"))
markupish = st.lists(st.sampled_from(MARKUP) | printable, max_size=40).map("".join)

# Authors, and text full of what BibTeX and LaTeX treat specially, for the citation files.
author_lists = st.lists(
    st.builds(Person, printable.filter(str.strip), st.none() | printable.filter(str.strip))
    | st.builds(Organisation, printable.filter(str.strip)),
    min_size=1,
    max_size=3,
)
texish = st.lists(st.sampled_from(list("\\{}~^<>|&%$#_-`',!? aXéÉ\n@=\"")) | printable).map("".join)


def _clean(text: str) -> str:
    return FORBIDDEN_CHARACTERS.sub("", text)


scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False),
    markupish, st.sampled_from(["", "unknown", "2026-01-05", "2026-13-45", "https://x.test/",
                                "content/a.md", "../x", "/etc/passwd", "no", "on", "~"]),
    st.dates(min_value=dt.date(1, 1, 1)).map(str),
)  # fmt: skip
json_values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner,
                                                                max_size=4),
    max_leaves=12,
)  # fmt: skip


def _paths(node: Any, where: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [where]
    if isinstance(node, dict):
        for key, value in node.items():
            found += _paths(value, (*where, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += _paths(value, (*where, index))
    return found


@st.composite
def mutated(draw: st.DrawFn, original: Any, *, max_changes: int = 4) -> Any:
    """original with up to max_changes values replaced, removed or added at random places."""
    data = copy.deepcopy(original)
    for _ in range(draw(st.integers(1, max_changes))):
        where = draw(st.sampled_from(_paths(data)))
        if not where:
            continue
        parent = data
        for step in where[:-1]:
            parent = parent[step]
        action = draw(st.sampled_from(["replace", "remove", "add"]))
        if action == "replace":
            parent[where[-1]] = draw(json_values)
        elif action == "remove":
            del parent[where[-1]]
        elif isinstance(parent, dict):
            parent[draw(st.text(max_size=12))] = draw(json_values)
        else:
            parent.insert(where[-1], draw(json_values))
    return data


# Pieces of YAML that readers treat specially: anchors and aliases, tags, equal keys, keys
# that are collections, merge keys, escapes, flow and block styles, documents, BOM and CRLF.
YAML_PIECES = [
    "a: 1\n", "a: 2\n", "- x\n", "  - y\n", "? [k]\n: v\n", "? {k: 1}\n", "&x ", "*x", "!!str ",
    "!t ", "!!set ", "{a: 1, a: 2}", "[1, [2, [3]]]", "b: 'yes'\n", "c: yes\n", "d: 0x1f\n",
    "e: 1.5e3\n", "f: ~\n", "g: 2026-01-01\n", "  ", "    ", "\n", ": ", ", ", "<<: {m: 1}\n",
    "'q\\x01'", '"\\x01"\n', '"\\0"', "k: |\n  lit\n", "k: >-\n  fold\n", "---\n", "...\n",
    "#c\n", "\t", "h:\n  i:\n    j: k\n", "\ufeff", "\r\n", "- - z\n", "on: no\n", "[", "]",
    "{", "}", '"', "'",
]  # fmt: skip
yamlish = st.lists(st.sampled_from(YAML_PIECES) | markupish, max_size=25).map("".join)


def readers_agree_on(text: str) -> bool:
    """Tell whether libyaml and PyYAML's Python reader read text alike, as far as is known:
    not where it holds a tab (the Python reader refuses some that libyaml reads, as in
    yaml/pyyaml#594), nor a U+FEFF after its first character (libyaml counts one in a line's
    columns, the Python reader does not, so later places on the line differ by one)."""
    return "\t" not in text and "\ufeff" not in text[1:]


@st.composite
def manifest_texts(draw: st.DrawFn, original: dict[str, Any]) -> str:
    """A manifest as a contributor might get one wrong: its data mutated and written as YAML,
    then perhaps its text cut or spliced with stray characters."""
    text = yaml.safe_dump(draw(mutated(original)), allow_unicode=True, sort_keys=False)
    if draw(st.booleans()):
        at = draw(st.integers(0, len(text)))
        text = text[:at] + _clean(draw(markupish)) + text[at + draw(st.integers(0, 20)) :]
    return text
