"""Cleaning a raw copy: each defect real copies have is set aside, and said."""

from __future__ import annotations

from research_digest.add.cleanup import clean_text

BODY = [
    "The regulator said on Monday that it had written to the platform about the images.",
    "A spokesperson for the platform said it removes illegal content and suspends accounts.",
    "Ministers said they would support the regulator in any action it decided to take.",
]


def test_a_clean_copy_keeps_its_headline_and_body() -> None:
    cleaned = clean_text("Regulator writes to platform about images\n\n" + "\n".join(BODY))
    assert cleaned.headline == "Regulator writes to platform about images"
    assert cleaned.lines == tuple(BODY)
    assert cleaned.findings == ()


def test_windows_line_endings_and_stray_spaces() -> None:
    cleaned = clean_text(
        "\ufeffRegulator writes to platform\r\n\r\n" + "\r\n".join(BODY) + "  \r\n"
    )
    assert cleaned.lines == tuple(BODY)
    assert [f.message for f in cleaned.findings] == ["Windows line endings: normalised"]


def test_a_page_pasted_twice_is_set_aside() -> None:
    text = "\n\n".join(["The Issue", *BODY, "1,992", "The Issue", *BODY, "Petition Updates"])
    cleaned = clean_text(text)
    assert cleaned.lines == ("The Issue", *BODY, "1,992")  # a section label, not a headline
    assert [(f.line, f.message) for f in cleaned.findings] == [
        (11, "lines 11-17 repeat lines 1-7 (44 words): the repeat is set aside"),
        (19, "line 19 ('Petition Updates') is the site's furniture: set aside"),
    ]


def test_site_furniture_and_unrelated_headlines_are_set_aside() -> None:
    furniture = ["Click Spread", "", "More From Author", "", "Wildfires rage on", "",
                 "Leave a Reply", "Your email address will not be published."]  # fmt: skip
    text = "\n".join([*BODY, *furniture])
    cleaned = clean_text(text)
    assert cleaned.lines == tuple(BODY)
    assert [f.message for f in cleaned.findings] == [
        "line 4 ('Click Spread') is the site's furniture: set aside",
        "the site's page furniture from line 6 ('More From Author' and 3 more lines) to the "
        "end: set aside",
    ]


def test_another_articles_headline_is_flagged() -> None:
    text = "Candidate apologises for a tweet\n\nCandidate apologises for a tweet\n\n" + "\n".join(
        BODY
    )
    cleaned = clean_text(text)
    assert cleaned.headline is None
    assert cleaned.lines == tuple(BODY)
    assert [f.message for f in cleaned.findings] == [
        "the first line ('Candidate apologises for a tweet') does not match the text: the "
        "headline of another article? Set aside",
        "line 3 repeats the line before it: set aside",
    ]


def test_a_section_label_is_not_a_headline() -> None:
    cleaned = clean_text("Key Takeaways\n" + "\n".join(BODY))
    assert cleaned.headline is None and cleaned.lines[0] == "Key Takeaways"
