"""Reading a page's facts: metadata first, and a date only where it says it is one."""

from __future__ import annotations

from research_digest.add.extract import published_date, read_page, read_text
from research_digest.model.manifest import PartialDate

ARTICLE = """<p>The regulator said on Monday that it had opened a formal investigation into the
platform.</p><p>The platform said it was working with the regulator.</p>"""


def page(head: str, body: str = ARTICLE) -> str:
    return f"<html><head>{head}</head><body><article>{body}</article></body></html>"


def test_opengraph() -> None:
    facts = read_page(page(
        '<meta property="og:title" content="Regulator opens investigation into the platform">'
        '<meta property="og:site_name" content="The News">'
        '<meta property="article:published_time" content="2026-01-12T10:00:00+00:00">'
        '<link rel="canonical" href="https://news.test/regulator">'
    ))  # fmt: skip
    assert facts.title == "Regulator opens investigation into the platform"
    assert facts.publisher == "The News"
    assert facts.published == PartialDate(2026, 1, 12)
    assert facts.canonical == "https://news.test/regulator"
    assert "formal investigation" in facts.text


def test_characters_no_page_can_carry_never_reach_a_draft_entry() -> None:
    facts = read_page(page(
        '<meta property="og:title" content="Regulator &#1;opens\x02 investigation into the '
        'platform">'
        '<meta property="og:site_name" content="The\x0e News">'
    ))  # fmt: skip
    assert facts.title == "Regulator opens investigation into the platform"
    assert facts.publisher == "The News"
    copied = read_text("Regulator\x01 opens investigation\n\n" + ARTICLE.replace("<p>", ""))
    assert copied.title == "Regulator opens investigation"


def test_json_ld() -> None:
    facts = read_page(page(
        '<script type="application/ld+json">{"@context": "https://schema.org", "@graph": [{'
        '"@type": "NewsArticle", "headline": "Regulator opens investigation into the platform",'
        '"datePublished": "2026-01-12", "publisher": {"@type": "Organization", '
        '"name": "The News Ltd"}}]}</script>'
    ))  # fmt: skip
    assert facts.title == "Regulator opens investigation into the platform"
    assert facts.publisher == "The News Ltd"
    assert facts.published == PartialDate(2026, 1, 12)


def test_no_metadata_means_unknown_not_guessed() -> None:
    html = (
        "<html><head><title>Regulator opens investigation</title></head><body>"
        f"{ARTICLE}<footer>Updated 3 March 2024. Copyright 2019.</footer></body></html>"
    )
    facts = read_page(html)
    assert facts.title == "Regulator opens investigation"
    assert facts.publisher is None
    assert facts.published is None  # the footer's date is not the publication date


def test_a_time_marked_as_published_counts() -> None:
    assert published_date('<time datetime="2026-01-09" itemprop="datePublished">9 Jan</time>') == (
        PartialDate(2026, 1, 9)
    )
    assert published_date('<time datetime="2026-01-09">9 Jan</time>') is None


def test_a_title_that_does_not_match_the_text_is_flagged() -> None:
    facts = read_page(page("<title>Football results from the weekend</title>"))
    assert [f.message for f in facts.findings] == [
        "the page's title ('Football results from the weekend') does not match its text: "
        "check that this is the right page"
    ]


def test_a_text_copy_gives_its_headline() -> None:
    facts = read_text("Regulator opens investigation\n\nThe regulator opened an investigation.")
    assert facts.title == "Regulator opens investigation"
    assert (facts.publisher, facts.published, facts.canonical) == (None, None, None)
