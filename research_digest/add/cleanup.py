"""Clean a raw text copy of a source, and say what was wrong with it. Pure.

Copies contributors bring carry the defects of how they were made: Windows line
endings and stray spaces, the whole text pasted twice, the site's furniture
(sharing buttons, 'More From Author', a comment form, a list of unrelated
headlines), or the headline of another article at the top. Each is removed or
flagged, and each becomes a finding the contributor sees. The cleaned text is
only ever used to read facts and suggest topics: it is never written into the
digest.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from research_digest.files import FORBIDDEN_CHARACTERS

# Lines that are the site's furniture, not the article.
FURNITURE = re.compile(
    r"(click )?spread|share( this( article| story)?)?|tweet|print|email|advertisement|"
    r"sponsored|read more|continue reading|comments?|subscribe.*|sign up.*newsletter.*|"
    r"follow us.*|petition updates|skip to (main )?content",
    re.IGNORECASE,
)
# Lines after which nothing belongs to the article.
ENDS_THE_ARTICLE = re.compile(
    r"more from (the )?author|leave a reply|leave a comment|related (posts|articles|stories)|"
    r"you may also like|recommended( for you)?|most read|your email address will not be "
    r"published.*",
    re.IGNORECASE,
)
# First lines that label a section rather than headline the article.
SECTION_LABELS = re.compile(
    r"key (takeaways|points)|summary|introduction|the issue|overview|in brief", re.IGNORECASE
)
STOPWORDS = frozenset((
    "a", "an", "and", "are", "as", "at", "be", "been", "but", "by", "for", "from", "has",
    "have", "he", "her", "his", "in", "into", "is", "it", "its", "of", "on", "or", "over",
    "she", "that", "the", "their", "them", "they", "this", "to", "was", "were", "which",
    "who", "will", "with", "after", "about", "what", "when", "where", "why", "how", "not",
    "than", "then", "there", "these", "those", "our", "your", "you", "we",
))  # fmt: skip
MIN_REPEAT_WORDS = 20
HEADLINE_MAX_WORDS = 20
HEADLINE_MIN_SHARED = 0.5


@dataclass(frozen=True)
class Finding:
    """Something wrong with the copy, and what was done about it."""

    line: int  # in the text as given (after line endings are normalised)
    message: str


@dataclass(frozen=True)
class Cleaned:
    headline: str | None  # the first line, when it headlines this text
    lines: tuple[str, ...]  # the body, one paragraph a line
    findings: tuple[Finding, ...]

    @property
    def text(self) -> str:
        return "\n\n".join(self.lines)


def clean_text(raw: str) -> Cleaned:
    """Normalise, de-duplicate, strip furniture, and check the headline."""
    findings: list[Finding] = []
    text = _normalise(raw, findings)
    numbered = [(n, line.strip()) for n, line in enumerate(text.split("\n"), start=1)]
    kept = [(n, line) for n, line in numbered if line]
    kept = _drop_furniture(kept, findings)
    kept = _drop_repeats(kept, findings)
    headline, kept = _headline(kept, findings)
    ordered = tuple(sorted(findings, key=lambda f: f.line))
    return Cleaned(headline, tuple(line for _, line in kept), ordered)


def _normalise(raw: str, findings: list[Finding]) -> str:
    text = raw.removeprefix("\ufeff")
    if "\r" in text:
        findings.append(Finding(1, "Windows line endings: normalised"))
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = unicodedata.normalize("NFC", text)
    text = re.sub(r"[\u200b\u200c\u200d\u2060\ufeff]", "", text)  # zero-width characters
    if FORBIDDEN_CHARACTERS.search(text):
        findings.append(Finding(1, "control characters: removed"))
        text = FORBIDDEN_CHARACTERS.sub("", text)
    return re.sub(r"[ \t\u00a0]+", " ", text)


def _drop_repeats(lines: list[tuple[int, str]], findings: list[Finding]) -> list[tuple[int, str]]:
    """Remove a run of lines the copy repeats (a page pasted twice), and doubled lines."""
    result = list(lines)
    start = 0
    while start < len(result):
        first, length = _longest_repeat(result, start)
        if length:
            words = sum(len(line.split()) for _, line in result[first : first + length])
            span = f"lines {result[first][0]}-{result[first + length - 1][0]}"
            findings.append(Finding(result[first][0], f"{span} repeat lines "
                                    f"{result[start][0]}-{result[start + length - 1][0]} "
                                    f"({words} words): the repeat is set aside"))  # fmt: skip
            del result[first : first + length]
            continue
        if start and result[start][1] == result[start - 1][1]:
            findings.append(Finding(result[start][0], f"line {result[start][0]} repeats the "
                                    "line before it: set aside"))  # fmt: skip
            del result[start]
            continue
        start += 1
    return result


def _longest_repeat(lines: list[tuple[int, str]], start: int) -> tuple[int, int]:
    """Where the run of lines from start is repeated later, and how long: (0, 0) if not."""
    best = (0, 0)
    for other in range(start + 1, len(lines)):
        length = 0
        while (
            other + length < len(lines)
            and start + length < other
            and lines[start + length][1] == lines[other + length][1]
        ):
            length += 1
        words = sum(len(line.split()) for _, line in lines[other : other + length])
        if length >= 2 and words >= MIN_REPEAT_WORDS and length > best[1]:
            best = (other, length)
    return best


def _drop_furniture(lines: list[tuple[int, str]], findings: list[Finding]) -> list[tuple[int, str]]:
    result = []
    for index, (number, line) in enumerate(lines):
        bare = line.strip(" :.!#*|-\u2013\u2014")
        if ENDS_THE_ARTICLE.fullmatch(bare) and index > 0:
            dropped = len(lines) - index
            findings.append(Finding(number, f"the site's page furniture from line {number} "
                                    f"({line!r} and {dropped - 1} more lines) to the end: set "
                                    "aside"))  # fmt: skip
            break
        if FURNITURE.fullmatch(bare):
            findings.append(Finding(number, f"line {number} ({line!r}) is the site's furniture: "
                                    "set aside"))  # fmt: skip
            continue
        result.append((number, line))
    return result


def _headline(
    lines: list[tuple[int, str]], findings: list[Finding]
) -> tuple[str | None, list[tuple[int, str]]]:
    """Take the first line as the headline if it reads as one and matches the text."""
    if len(lines) < 2:
        return None, lines
    number, first = lines[0]
    if SECTION_LABELS.fullmatch(first.strip(" :.")):
        return None, lines
    if len(first.split()) > HEADLINE_MAX_WORDS or first.rstrip().endswith((".", ":")):
        return None, lines
    words = content_words(first)
    body = content_words(" ".join(line for _, line in lines[1:]))
    shared = len(words & body) / len(words) if words else 1.0
    if shared < HEADLINE_MIN_SHARED:
        findings.append(Finding(number, f"the first line ({first!r}) does not match the text: "
                                "the headline of another article? Set aside"))  # fmt: skip
        return None, lines[1:]
    return first, lines[1:]


def content_words(text: str) -> set[str]:
    """The words that carry meaning: lowercased, four letters or more, no stopwords."""
    return {w for w in re.findall(r"[a-z][a-z'-]{3,}", text.lower()) if w not in STOPWORDS}
