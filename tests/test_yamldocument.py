"""A YAML file as plain data, and the place of any key or value, found when asked for."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import given
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from research_digest.diagnostics import Location, Report
from research_digest.manifest.yamldocument import (
    MAX_DEPTH,
    DataPath,
    Place,
    YamlDocument,
    dotted,
)
from research_digest.manifest.yamlsource import load_yaml
from tests.conftest import DATA, REPO, TEST_DIGEST
from tests.strategies import manifest_texts, yamlish


def read(text: str) -> tuple[YamlDocument | None, Report]:
    report = Report()
    return load_yaml(Path("m.yaml"), report, file="m.yaml", text=text), report


def test_values_keep_their_places() -> None:
    document, report = read("site:\n  title: T\nlist:\n  - a\n  -   b\n")
    assert document is not None and report.diagnostics == []
    assert document.data == {"site": {"title": "T"}, "list": ["a", "b"]}
    assert document.place(("site", "title")).value == Location("m.yaml", 2, 10)
    assert document.place(("site", "title")).key == Location("m.yaml", 2, 3)
    assert document.place(("list", 1)).value == Location("m.yaml", 5, 7)
    assert document.place(("list", 7, "x")).value == Location("m.yaml", 4, 3)  # nearest known
    assert document.place(()) == Place(Location("m.yaml", 1, 1))


def test_scalars_are_typed_and_dates_stay_text() -> None:
    document, _ = read(
        "a: 2026-01-09\nb: 1_000\nc: 0x1f\nd: 1.5\ne: ~\nf: yes\ng: '2026'\nno: key\n"
    )
    assert document is not None
    assert document.data == {
        "a": "2026-01-09", "b": 1000, "c": 31, "d": 1.5, "e": None, "f": True, "g": "2026",
        "no": "key",  # keys are always text
    }  # fmt: skip
    assert document.place(("f",)).plain_text == "yes"
    assert document.place(("g",)).plain_text is None  # quoted
    assert document.place(("a",)).plain_text is None  # a date stays text


def test_a_place_is_that_of_the_value_the_data_holds() -> None:
    """Of equal keys the first is kept, a key that is a list is left out, and an alias is
    read as nothing: the places asked for later are those of what the data holds."""
    text = "a: 1\n? [k]\n: v\nb:\n  - &x x\n  - *x\na: 2\nc: {d: e}\r\n"
    document, report = read(text)
    assert document is not None
    assert document.data == {"a": 1, "b": ["x", None], "c": {"d": "e"}}
    assert [d.format() for d in report.sorted()] == [
        "m.yaml:2:3: error: a key must be plain text, not a list or mapping",
        "m.yaml:6:5: error: YAML aliases are not supported (*x)\n"
        "  hint: write the value out in full",
        "m.yaml:7:1: error: a: duplicate key 'a' (first at line 1)\n"
        "  hint: remove one of them: YAML would silently keep only the last",
    ]
    assert document.place(("a",)) == Place(Location("m.yaml", 1, 4), Location("m.yaml", 1, 1), "1")
    assert document.place(("b", 1)).value == Location("m.yaml", 6, 5)
    assert document.place(("c", "d")).value == Location("m.yaml", 8, 8)
    assert [path for path, _ in document.places(())] == [
        ("a",), ("b",), ("b", 0), ("b", 1), ("c",), ("c", "d"),
    ]  # fmt: skip
    assert [path for path, _ in document.places(("c",))] == [("c", "d")]
    assert list(document.places(("nowhere",))) == []
    assert document.field_places(()) == (("a", 1, 4), ("b", 5, 3), ("c", 8, 4))
    assert document.field_places(("nowhere",)) == ()


def test_dotted_paths() -> None:
    assert dotted(("sources", 2, "url")) == "sources[2].url"
    assert dotted(("site",)) == "site"
    assert dotted(()) == "the manifest"


# -- places found when asked for are those a walk of the whole tree finds ---------------------


def every_place(document: YamlDocument) -> dict[DataPath, Place]:
    """Every value's place, as the reader kept them all before places were found when asked
    for: one walk of the whole tree beside the data read from it."""
    found: dict[DataPath, Place] = {}

    def at(node: Node) -> Location:
        return Location(document.file, node.start_mark.line + 1, node.start_mark.column + 1)

    def keep(path: DataPath, node: Node, key: Node | None, value: object) -> None:
        plain = isinstance(node, ScalarNode) and not node.style and value is not None
        shown = node.value if plain and not isinstance(value, str) else None
        found[path] = Place(at(node), None if key is None else at(key), shown)
        walk(node, path, value)

    def walk(node: Node, path: DataPath, value: object) -> None:
        if len(path) > MAX_DEPTH:
            return
        if isinstance(node, SequenceNode) and isinstance(value, list):
            for index, child in enumerate(node.value):
                keep((*path, index), child, None, value[index])
        elif isinstance(node, MappingNode) and isinstance(value, dict):
            for key, child in node.value:
                if isinstance(key, ScalarNode) and (*path, key.value) not in found:
                    keep((*path, key.value), child, key, value[key.value])

    walk(document.root, (), document.data)
    return found


def nearest(places: dict[DataPath, Place], path: DataPath, file: str) -> Place:
    while path and path not in places:
        path = path[:-1]
    return places.get(path, Place(Location(file, 1, 1)))


def assert_places_as_a_whole_walk_finds_them(document: YamlDocument) -> None:
    places = every_place(document)
    assert list(document.places(())) == list(places.items())
    asked = [*places, *((*p, "nowhere") for p in places), *((*p, 99) for p in places), ()]
    for path in asked:
        assert document.place(path) == nearest(places, path, document.file), path
    for path in places:
        children = [(str(p[-1]), q.value.line, q.value.column) for p, q in places.items()
                    if p[:-1] == path and isinstance(p[-1], str)]  # fmt: skip
        if isinstance(value_at(document.data, path), dict):
            assert list(document.field_places(path)) == children


def value_at(data: object, path: DataPath) -> object:
    for step in path:
        data = data[step]  # type: ignore[index]
    return data


@pytest.mark.parametrize(
    "path",
    [*sorted((DATA / "invalid").glob("*.yaml")), TEST_DIGEST / "sources.yaml",
     REPO / "sources.yaml"],
    ids=lambda p: p.stem,
)  # fmt: skip
def test_places_asked_for_are_those_a_whole_walk_finds(path: Path) -> None:
    document = load_yaml(path, Report(), file=path.name)
    if document is not None:
        assert_places_as_a_whole_walk_finds_them(document)


@pytest.mark.property
@given(text=yamlish | manifest_texts(yaml.safe_load((TEST_DIGEST / "sources.yaml").read_text())))
def test_any_place_asked_for_is_the_one_a_whole_walk_finds(text: str) -> None:
    document, _ = read(text)
    if document is not None:
        assert_places_as_a_whole_walk_finds_them(document)
