"""Any text as a BibTeX field that BibTeX, LaTeX and biber read back as the same text. Pure.

BibTeX finds where a field ends by counting braces, backslash or not, and LaTeX then reads
the value as commands. So none of the text may become a brace, a command or a ligature:

- ``\\ { } ~ ^ < > |`` become ``\\textbackslash{}``, ``\\textbraceleft{}``,
  ``\\textbraceright{}``, ``\\textasciitilde{}``, ``\\textasciicircum{}``, ``\\textless{}``,
  ``\\textgreater{}`` and ``\\textbar{}`` (never ``\\{``, whose brace BibTeX would count;
  ``<``, ``>`` and ``|`` print as other characters in LaTeX's default OT1 fonts);
- ``& % $ # _`` become ``\\& \\% \\$ \\# \\_``;
- the ligatures TeX makes of ``--``, ``` `` ```, ``''``, ``,,``, ``!``` and ``?``` are broken
  with an empty group (``-{}-``), so two hyphens stay two hyphens;
- runs of whitespace, line ends included, become one space;
- Unicode is kept: biber, bibtex8, pybtex and LaTeX (since 2018) read UTF-8.

Every brace in a value is therefore one this module wrote, and they always balance.

Titles are protected from styles that change case (BibTeX's ``plain`` lowers every letter
but the first): each word holding a capital is braced, ``{Ofcom}``, ``{xAI}``, ``{UK}``,
except the first word when only its first letter is a capital, which those styles keep.
That is the rule of Zotero's BibTeX export; a word is a run of letters, so ``UK's`` is
``{UK}'s`` and ``G7`` is ``{G}7``.

Names: a person is ``Family, Given``, a family name of several words braced whole
(``{van der Berg}, Anna``, sorted under v as CSL sorts it); an organisation, or a person
known by one name, is braced whole (``{Internet Watch Foundation}``), so that BibTeX never
splits it at a space, a comma or an "and".
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from research_digest.model.manifest import Author, Person

_COMMANDS = {
    "\\": r"\textbackslash{}", "{": r"\textbraceleft{}", "}": r"\textbraceright{}",
    "~": r"\textasciitilde{}", "^": r"\textasciicircum{}", "<": r"\textless{}",
    ">": r"\textgreater{}", "|": r"\textbar{}",
    "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_",
}  # fmt: skip
_SPECIAL = re.compile("[" + re.escape("".join(_COMMANDS)) + "]")
_LIGATURE = re.compile(r"(?<=-)(?=-)|(?<=`)(?=`)|(?<=')(?=')|(?<=,)(?=,)|(?<=[!?])(?=`)")
_WORD = re.compile(r"[^\W\d_]+")  # a run of letters, in any script
_NAME_SEPARATOR = re.compile(r",|(?:^|\s)and(?:\s|$)", re.IGNORECASE)  # what splits names


def text(value: str) -> str:
    """Any text as a field's value: no brace, command or ligature of its own."""
    return _escaped(" ".join(value.split()))


def title(value: str) -> str:
    """A title as text, its capitals protected from styles that change case."""
    plain = " ".join(value.split())
    parts, end = [], 0
    for word in _WORD.finditer(plain):
        parts += [_escaped(plain[end : word.start()]), _protected(word.group(), word.start() == 0)]
        end = word.end()
    parts.append(_escaped(plain[end:]))
    return "".join(parts)


def names(authors: Sequence[Author]) -> str:
    """An author field: each name as BibTeX reads one, joined by 'and'."""
    return " and ".join(_name(author) for author in authors)


def verbatim(value: str) -> str:
    """A url or doi field, which biblatex and the url package read verbatim: only a brace or
    a backslash could break it, and in an address each may be percent-encoded."""
    return value.replace("\\", "%5C").replace("{", "%7B").replace("}", "%7D")


def _escaped(plain: str) -> str:
    return _LIGATURE.sub("{}", _SPECIAL.sub(lambda m: _COMMANDS[m.group()], plain))


def _protected(word: str, first: bool) -> str:
    capitals = [letter.isupper() for letter in word]
    if not any(capitals) or (first and not any(capitals[1:])):
        return word
    return f"{{{word}}}"


def _name(author: Author) -> str:
    if not isinstance(author, Person) or author.given is None:
        return f"{{{text(author.name)}}}"
    family = text(author.family)
    if " " in family or _NAME_SEPARATOR.search(family):
        family = f"{{{family}}}"
    given = text(author.given)
    if _NAME_SEPARATOR.search(given):
        given = f"{{{given}}}"
    return f"{family}, {given}"
