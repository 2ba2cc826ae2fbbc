"""BibTeX text: escapes, ligatures, protected capitals and names, read back by pybtex."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from pybtex.database import parse_string

from research_digest.model.manifest import Author, Organisation, Person
from research_digest.site import bibtex
from tests.latex import read_back
from tests.strategies import author_lists, texish


def test_every_special_character_becomes_a_command_or_an_escape() -> None:
    assert bibtex.text("a\\b{c}d~e^f<g>h|i&j%k$l#m_n") == (
        r"a\textbackslash{}b\textbraceleft{}c\textbraceright{}d\textasciitilde{}e"
        r"\textasciicircum{}f\textless{}g\textgreater{}h\textbar{}i\&j\%k\$l\#m\_n"
    )


def test_ligatures_are_broken_and_whitespace_is_one_space() -> None:
    assert bibtex.text("a--b---c ``q'' ,,d !`e ?`f") == (
        "a-{}-b-{}-{}-c `{}`q'{}' ,{},d !{}`e ?{}`f"
    )
    assert bibtex.text("  two\nlines\r\n\tand  tabs ") == "two lines and tabs"


def test_unicode_is_kept_as_it_is() -> None:
    assert bibtex.text("Café “Grok” — 児童") == "Café “Grok” — 児童"


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Ofcom contacts X and xAI", "Ofcom contacts {X} and {xAI}"),
        ("Grok's images: the UK's Online Safety Act",
         "Grok's images: the {UK}'s {Online} {Safety} {Act}"),
        ("X restricts Grok", "X restricts {Grok}"),  # the first word keeps its capital anyway
        ("UK regulator acts", "{UK} regulator acts"),  # ...but not the letters after it
        ("iPhone and G7 leaders", "{iPhone} and {G}7 leaders"),
        ("“Grok” undressing images", "“{Grok}” undressing images"),  # not the title's start
        ("Élysée répond à l'Ofcom", "Élysée répond à l'{Ofcom}"),
        ("100% of {X}", r"100\% of \textbraceleft{}{X}\textbraceright{}"),
    ],
)  # fmt: skip
def test_title_capitals_are_protected_except_a_first_initial(title: str, expected: str) -> None:
    assert bibtex.title(title) == expected


@pytest.mark.parametrize(
    ("authors", "expected"),
    [
        ((Person("Hern", "Alex"), Person("Milmo", "Dan")), "Hern, Alex and Milmo, Dan"),
        ((Person("van der Berg", "Anna"),), "{van der Berg}, Anna"),
        ((Organisation("Internet Watch Foundation"),), "{Internet Watch Foundation}"),
        ((Organisation("Marks and Spencer"),), "{Marks and Spencer}"),
        ((Organisation("Department for Science, Innovation and Technology"),),
         "{Department for Science, Innovation and Technology}"),
        ((Person("Madonna"),), "{Madonna}"),
        ((Person("Sanders", "Anders AND Co"),), "Sanders, {Anders AND Co}"),
        ((Person("O'Brien_x", "Seán"),), r"O'Brien\_x, Seán"),
    ],
)  # fmt: skip
def test_names_are_family_given_or_braced_whole(authors: tuple[Author, ...], expected: str) -> None:
    assert bibtex.names(authors) == expected


def test_verbatim_fields_percent_encode_braces_and_backslashes_only() -> None:
    assert bibtex.verbatim("https://x.test/a_b%20c?q={x}\\#~") == (
        "https://x.test/a_b%20c?q=%7Bx%7D%5C#~"
    )


def test_read_back_refuses_what_latex_would_not_print_as_written() -> None:
    assert read_back(r"{X} \& 100\% \textbackslash{}") == "X & 100% \\"
    for bad in ("50%", "a--b", "{x", "x}", r"\emph{x}", "~"):
        with pytest.raises(AssertionError):
            read_back(bad)


@pytest.mark.property
@given(title=texish, authors=author_lists)
def test_any_title_and_names_parse_with_pybtex_and_read_back(
    title: str, authors: list[Author]
) -> None:
    entry = (
        f"@misc{{key,\n  author = {{{bibtex.names(authors)}}},\n"
        f"  title = {{{bibtex.title(title)}}},\n  note = {{{bibtex.text(title)}}}\n}}\n"
    )
    [parsed] = parse_string(entry, "bibtex").entries.values()
    plain = " ".join(title.split())
    assert read_back(parsed.fields["title"]) == plain
    assert read_back(parsed.fields["note"]) == plain
    assert [_read_person(p) for p in parsed.persons["author"]] == [_as_read(a) for a in authors]


def _read_person(person: Any) -> tuple[str, str]:
    last = " ".join(person.prelast_names + person.last_names)
    given = " ".join(person.first_names + person.middle_names)
    return read_back(last), read_back(given)


def _as_read(author: Author) -> tuple[str, str]:
    if isinstance(author, Person) and author.given:
        return " ".join(author.family.split()), " ".join(author.given.split())
    return " ".join(author.name.split()), ""
