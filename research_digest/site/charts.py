"""The signature history as an inline SVG chart: no JavaScript, no style attributes.

Pure: points in, markup out. Colours come from the stylesheet (classes and
currentColor), so the chart follows the light and dark themes. The chart
carries a title and a text description for screen readers; the page also
lists the figures in a table. Its numbers and dates are written in the site's language.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence

from markupsafe import Markup, escape

from research_digest.model.petitions import HistoryPoint
from research_digest.textformat import Formats

WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 64, 16, 16, 44
MAX_MARKERS = 60  # beyond this, points would blur into the line
THRESHOLD_SHOWN_UP_TO = 1.5  # a threshold far above the counts would flatten the line


def history_chart(
    points: Sequence[HistoryPoint],
    *,
    ident: str,
    formats: Formats,
    thresholds: Sequence[tuple[str, int]] = (),
) -> Markup | None:
    """Draw the signature count over time, with a line at each threshold (its label, in
    words or Markup, and its count) near enough to be seen; None with fewer than two
    points."""
    if len(points) < 2:
        return None
    points = sorted(points, key=lambda p: p.time)
    highest = max(p.signatures for p in points)
    shown = [(label, count) for label, count in thresholds
             if count <= max(highest, 1) * THRESHOLD_SHOWN_UP_TO]  # fmt: skip
    top, step = _scale(max([highest, *(count for _, count in shown)]))
    start, end = points[0].time, points[-1].time
    span = max((end - start).total_seconds(), 1.0)

    def x(moment: dt.datetime) -> float:
        return LEFT + (WIDTH - LEFT - RIGHT) * (moment - start).total_seconds() / span

    def y(count: float) -> float:
        return TOP + (HEIGHT - TOP - BOTTOM) * (1 - count / top)

    # Built as plain text, each value of ours escaped where it goes (the labels, the words):
    # the numbers are formatted floats, the classes and anchors constants.
    name = escape(ident)
    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-labelledby="{name}-title {name}-desc" focusable="false">',
        f'<title id="{name}-title">Signatures over time</title>',
        f'<desc id="{name}-desc">{escape(describe(points, formats))}</desc>',
    ]
    for tick in range(0, top + 1, step):
        parts.append(_line("grid", LEFT, y(tick), WIDTH - RIGHT, y(tick)))
        parts.append(_text("tick", LEFT - 8, y(tick) + 4, formats.number(tick), anchor="end"))
    for label, at in shown:
        parts.append(_line("threshold", LEFT, y(at), WIDTH - RIGHT, y(at)))
        text = Markup("{}: {}").format(label, formats.number(at))
        parts.append(_text("threshold-label", LEFT + 6, y(at) - 6, text))
    parts.append(_line("axis", LEFT, y(0), WIDTH - RIGHT, y(0)))
    for moment, anchor in ((start, "start"), (end, "end")):
        day = formats.short_date(moment)
        parts.append(_text("tick", x(moment), HEIGHT - BOTTOM + 20, day, anchor=anchor))
    coordinates = " ".join(f"{x(p.time):.1f},{y(p.signatures):.1f}" for p in points)
    parts.append(f'<polyline class="line" points="{coordinates}"/>')
    if len(points) <= MAX_MARKERS:
        parts += [f'<circle class="point" cx="{x(p.time):.1f}" cy="{y(p.signatures):.1f}" r="3"/>'
                  for p in points]  # fmt: skip
    parts.append("</svg>")
    return Markup("\n".join(parts))


def describe(points: Sequence[HistoryPoint], formats: Formats) -> str:
    """Say in one sentence what the chart shows."""
    first, last = points[0], points[-1]
    return (
        f"From {formats.count(first.signatures, 'signature')} on "
        f"{formats.short_date(first.time)} to {formats.number(last.signatures)} on "
        f"{formats.short_date(last.time)}, in {formats.count(len(points), 'reading')}."
    )


def _scale(highest: int) -> tuple[int, int]:
    """A round top for the y axis and a round step for about four grid lines."""
    if highest <= 0:
        return 4, 1
    raw = highest / 4
    magnitude = 10 ** math.floor(math.log10(raw)) if raw >= 1 else 1
    nice = (1, 2, 2.5, 5, 10) if magnitude >= 10 else (1, 2, 5, 10)  # steps stay whole
    step = next(m * magnitude for m in nice if m * magnitude >= raw)
    step = max(int(step), 1)
    return step * math.ceil(highest / step), step


def _line(css: str, x1: float, y1: float, x2: float, y2: float) -> str:
    return f'<line class="{css}" x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}"/>'


def _text(css: str, x: float, y: float, content: str, anchor: str = "start") -> str:
    at = f'x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}"'
    return f'<text class="{css}" {at}>{escape(content)}</text>'
