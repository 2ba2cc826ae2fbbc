"""Search relevance over the shipped digest: twenty queries a researcher or a journalist
would type about it, each with the pages that should come first, ranked by the search page's
own code (templates/static/search-core.js, run by Node.js) against the shipped digest's index.

The answers were chosen by reading the sources and write-ups, and each comment says why those
pages answer the query; where another page may fairly come between them, the comment says
which and why, and the answers need only be among the first three. A query fails if a change
to the index or the ranking pushes an answer down, or if the digest no longer holds one.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from research_digest.site import search
from tests.conftest import REPO, load_digest
from tests.search_node import needs_node, run_core, write_index

pytestmark = needs_node


@dataclass(frozen=True)
class Query:
    text: str
    answers: tuple[str, ...]  # page addresses: sources/<id>/ or topics/<id>/
    within: int = 0  # the answers are the first len(answers) results (any order), or among these

    @property
    def first(self) -> int:
        return self.within or len(self.answers)


def sources(*ids: str) -> tuple[str, ...]:
    return tuple(f"sources/{source}/" for source in ids)


QUERIES = [
    # The two pages on Ofcom's formal investigation of X: its opening, and its update.
    Query("ofcom investigation", sources("ofcom-opens-x-investigation",
                                         "ofcom-x-investigation-update")),
    # The IWF on the planned ban, and the written answer setting out the "nudification-app ban".
    Query("nudification apps", sources("iwf-vawg-nudification-ban",
                                       "home-office-written-answer-ai-csam")),
    # The two petitions the moderators rejected (756212, and 756178 as a duplicate); 736690,
    # the petition they pointed rejected ones to, is about rejections too, so may come between.
    Query("petition rejected", sources("petition-756212", "petition-756178"), within=3),
    # The article on the IWF's 2025 figures (the 2025 press release is about new laws).
    Query("IWF 2025 figures", sources("iwf-2025-ai-csam-data")),
    # Stemming: no title says "regulations", but these three say "Regulate" or "regulation".
    Query("regulations", (*sources("petition-756212", "petition-756178"),
                          "topics/uk-regulation/")),
    # Al Jazeera on Indonesia's block of Grok.
    Query("Indonesia block", sources("indonesia-malaysia-block-grok")),
    # The UK topic says Ofcom can fine up to £18 million or 10% of revenue, as does the PA report
    # of the investigation; the topic outside the UK contrasts the EU's fines with them.
    Query("Online Safety Act fines", ("topics/uk-regulation/",
                                      *sources("ofcom-opens-x-investigation")), within=3),
    # Liz Kendall's statement to the Commons.
    Query("Kendall statement", sources("gov-kendall-commons-statement")),
    # The Independent on Grok's image generation for paying subscribers only, the paywall.
    Query("Grok paywall", sources("downing-street-paywall")),
    # Stemming: "prosecutor" finds the Paris prosecutors' search of X's offices.
    Query("paris prosecutor", sources("paris-prosecutor-raid-x")),
    # The Commission's formal proceedings under the DSA.
    Query("Digital Services Act proceedings", sources("eu-dsa-formal-proceedings")),
    # California's Attorney General's cease-and-desist letter to xAI.
    Query("California attorney general", sources("california-ag-xai")),
    # The ICO's data protection investigations into X and xAI.
    Query("ICO data protection", sources("ico-grok-investigation")),
    # Australia's eSafety Commissioner on Grok.
    Query("eSafety Australia", sources("esafety-grok-concern")),
    # The change.org petition on deepfake abuse, and LBC on its delivery to Downing Street.
    Query("deepfake petition Downing Street", sources("changeorg-deepfake-petition-delivered",
                                                      "changeorg-deepfake-abuse-petition")),
    # The memorandum on a defence for authorised testing of AI models.
    Query("testing defence AI models", sources("gov-technology-testing-defence")),
    # NCMEC's figures from its CyberTipline.
    Query("NCMEC CyberTipline", sources("ncmec-2025-midyear-gai")),
    # The offence of creating an intimate image without consent, in force in February 2026.
    Query("creating intimate image offence", sources("data-act-creation-offence-in-force")),
    # A topic: the Grok "undressing" images on X.
    Query("Grok undressing images", ("topics/grok-x-images/",)),
    # The Lords debate of 14 January 2026.
    Query("Lords debate", sources("hansard-lords-deepfakes")),
]  # fmt: skip


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped digest's search index, as the build writes it."""
    digest = load_digest(REPO / "sources.yaml")
    found = search.entries(digest)
    files, _ = search.search_index(found, {entry.key: search.terms_of(entry) for entry in found})
    return write_index(files, tmp_path_factory.mktemp("shipped"))


@pytest.fixture(scope="module")
def ranked(index: Path) -> dict[str, list[str]]:
    """Each query's results, best first."""
    answers = run_core(index, find=[query.text for query in QUERIES])["find"]
    return {query.text: answer["pages"] for query, answer in zip(QUERIES, answers, strict=True)}


def test_there_are_twenty_queries_each_answered_by_pages_of_the_digest() -> None:
    digest = load_digest(REPO / "sources.yaml")
    pages = {entry.url for entry in search.entries(digest)}
    assert len({query.text for query in QUERIES}) == 20
    assert all(set(query.answers) <= pages for query in QUERIES)


@pytest.mark.parametrize("query", QUERIES, ids=[query.text for query in QUERIES])
def test_the_answers_come_first(query: Query, ranked: dict[str, list[str]]) -> None:
    results = ranked[query.text]
    assert set(query.answers) <= set(results[: query.first]), results[: query.first + 3]


def test_a_form_the_digest_never_uses_finds_nothing(index: Path) -> None:
    """The known limit (README.md): the browser has no stemmer, so a word the digest never
    uses ("banned", where it says "ban" and "banning") is matched only as the beginning of
    its terms."""
    banned, ban = run_core(index, find=["banned", "ban"])["find"]
    assert banned == {"pages": [], "matched": []}
    assert len(ban["pages"]) == 11 and ban["matched"] == ["ban", "banning"]
