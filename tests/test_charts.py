"""The signature history chart: points in, SVG markup out."""

from __future__ import annotations

import datetime as dt
import re
from xml.etree import ElementTree

from hypothesis import given
from hypothesis import strategies as st
from markupsafe import Markup

from research_digest.model.petitions import HistoryPoint
from research_digest.site.charts import _scale, history_chart
from research_digest.textformat import formats

DAY = dt.datetime(2026, 1, 10, 9, 0, tzinfo=dt.UTC)
EN = formats("en-GB")


def points(*counts: int) -> list[HistoryPoint]:
    return [HistoryPoint(DAY + dt.timedelta(days=n), c) for n, c in enumerate(counts)]


def test_fewer_than_two_points_draw_nothing() -> None:
    assert history_chart([], ident="h", formats=EN) is None
    assert history_chart(points(5), ident="h", formats=EN) is None


def test_a_chart_is_well_formed_svg_with_a_title_and_a_description() -> None:
    chart = history_chart(points(10, 2500, 9000), ident="history", formats=EN)
    assert chart is not None
    svg = ElementTree.fromstring(str(chart))
    assert svg.tag == "svg" and svg.get("aria-labelledby") == "history-title history-desc"
    title = svg.find("title")
    assert title is not None and title.text == "Signatures over time"
    assert "From 10 signatures on 10 Jan 2026 to 9,000 on 12 Jan 2026, in 3 readings." in chart
    assert "style=" not in chart and "<script" not in chart


def test_points_are_drawn_in_time_order_whatever_their_order_given() -> None:
    given_order = points(1, 2, 3)
    assert history_chart(given_order[::-1], ident="h", formats=EN) == history_chart(
        given_order, ident="h", formats=EN
    )


def test_only_thresholds_near_the_counts_are_drawn_with_their_label() -> None:
    thresholds = [("Government response", 10_000), ("Debate", 100_000)]
    chart = history_chart(points(100, 9000), ident="h", formats=EN, thresholds=thresholds)
    assert chart is not None
    assert "Government response: 10,000" in chart
    assert "Debate" not in chart  # far above the counts: it would flatten the line


def test_a_label_is_text_unless_it_is_markup_already() -> None:
    chart = history_chart(points(1, 2), ident="h", formats=EN, thresholds=[("<b>x</b> & y", 2)])
    assert chart is not None and "&lt;b&gt;x&lt;/b&gt; &amp; y: 2" in chart
    marked = [(Markup("A &amp; B"), 2)]
    chart = history_chart(points(1, 2), ident="h", formats=EN, thresholds=marked)
    assert chart is not None and "A &amp; B: 2" in chart and "&amp;amp;" not in chart


def test_the_scale_is_round_and_holds_the_highest_count() -> None:
    assert _scale(0) == (4, 1)
    assert _scale(9000) == (10_000, 2500)
    for highest in (1, 7, 99, 1234, 214_387, 10**9):
        top, step = _scale(highest)
        assert top >= highest and top % step == 0 and top // step <= 5
        assert re.fullmatch(r"(1|2|25|5)0*", str(step))


@given(st.lists(st.tuples(st.integers(0, 10_000), st.integers(0, 10**9)), min_size=2,
                max_size=30, unique_by=lambda t: t[0]))  # fmt: skip
def test_any_history_draws_a_well_formed_chart(found: list[tuple[int, int]]) -> None:
    history = [HistoryPoint(DAY + dt.timedelta(hours=h), c) for h, c in found]
    chart = history_chart(history, ident="h", formats=EN, thresholds=[("T", 10_000)])
    assert chart is not None
    ElementTree.fromstring(str(chart))  # parses: no stray markup
    assert "nan" not in chart.lower() and "inf" not in chart.lower()
