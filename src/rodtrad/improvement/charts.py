"""SVG drawings for the improvement pages, computed here so templates only place shapes:
the 4×4 risk matrix and the bar charts of the trends page.

Each drawing sits beside a table with the same numbers, so it is an image with a title and
nothing in it has to be read by a screen reader; levels differ by text as well as colour.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from rodtrad.improvement.stats import Trend, TrendRow

#: Risk level by probability × consequence: (upper bound, name, fill, text colour).
LEVELS = [
    (3, "low", "#d7eedb", "#1e4620"),
    (6, "medium", "#fff1c2", "#5c4300"),
    (9, "high", "#ffd8b0", "#6b3000"),
    (16, "very_high", "#f6c9c6", "#6b1212"),
]


def level(risk: int) -> tuple[str, str, str]:
    """(level, fill, text colour) of a risk value 1–16."""
    for bound, name, fill, ink in LEVELS:
        if risk <= bound:
            return name, fill, ink
    raise ValueError(risk)


def level_label(risk: int | None) -> str:
    if risk is None:
        return _("Not assessed")
    names = {
        "low": _("Low risk"),
        "medium": _("Medium risk"),
        "high": _("High risk"),
        "very_high": _("Very high risk"),
    }
    return names[level(risk)[0]]


@dataclass
class Cell:
    x: int
    y: int
    probability: int
    consequence: int
    risk: int
    fill: str
    ink: str
    current: bool


@dataclass
class Matrix:
    """Probability 1–4 left to right, consequence 4–1 top to bottom, in a ``size`` × ``size`` box."""

    size: int
    left: int
    top: int
    cell: int
    cells: list[Cell]
    rows: list[list[Cell]]  # consequence 4 first, for the table beside the drawing
    current: Cell | None


def risk_matrix(probability: int | None, consequence: int | None) -> Matrix:
    left, top, cell = 48, 12, 64
    cells, rows = [], []
    current = None
    for row, c in enumerate((4, 3, 2, 1)):
        line = []
        for column, p in enumerate((1, 2, 3, 4)):
            _name, fill, ink = level(p * c)
            here = (p, c) == (probability, consequence)
            found = Cell(left + column * cell, top + row * cell, p, c, p * c, fill, ink, here)
            cells.append(found)
            line.append(found)
            if here:
                current = found
        rows.append(line)
    return Matrix(left + 4 * cell + 8, left, top, cell, cells, rows, current)


@dataclass
class Bar:
    label: str
    value: int
    x: float
    y: float
    width: float
    height: float

    @property
    def end(self) -> float:
        """Where the value is written: after a horizontal bar, over the middle of a column."""
        return round(self.x + self.width + 6, 1)

    @property
    def middle(self) -> float:
        return round(self.x + self.width / 2, 1)


@dataclass
class Bars:
    """Bars in a ``width`` × ``height`` box: horizontal (labels left) or vertical (labels below)."""

    width: int
    height: int
    horizontal: bool
    bars: list[Bar]
    left: int
    bottom: int
    maximum: int


def horizontal(rows: list[TrendRow], *, limit: int = 10) -> Bars | None:
    """The largest ``limit`` rows' totals as horizontal bars, labels on the left."""
    shown = [r for r in rows if r.total][:limit]
    if not shown:
        return None
    left, right, step, bar = 250, 620, 28, 20
    maximum = max(r.total for r in shown)
    bars = [
        Bar(
            label=r.label if len(r.label) <= 32 else r.label[:31] + "…",
            value=r.total,
            x=left,
            y=8 + i * step,
            width=round((right - left) * r.total / maximum, 1),
            height=bar,
        )
        for i, r in enumerate(shown)
    ]
    return Bars(right + 48, 16 + len(shown) * step, True, bars, left, 0, maximum)


def monthly(trend: Trend) -> Bars | None:
    """All events per month as columns, month labels below."""
    totals = trend.month_totals
    if not any(totals):
        return None
    left, top, bottom, gap = 40, 20, 200, 600 // max(len(totals), 1)
    maximum = max(totals)
    bars = []
    for i, (first, total) in enumerate(zip(trend.months, totals, strict=True)):
        height = round((bottom - top) * total / maximum, 1)
        bars.append(
            Bar(
                label=first.strftime("%y-%m"),
                value=total,
                x=left + i * gap + gap * 0.15,
                y=bottom - height,
                width=round(gap * 0.7, 1),
                height=height,
            )
        )
    return Bars(left + len(totals) * gap + 8, bottom + 28, False, bars, left, bottom, maximum)
