"""The dialogue coverage as horizontal bars, computed here so the template only places shapes.

The drawing is decorative beside its table, which carries the same numbers.
"""

from __future__ import annotations

from dataclasses import dataclass

from rodtrad.goals.charts import number
from rodtrad.values.services import Coverage

WIDTH = 640
LABEL_WIDTH = 200
BAR_LEFT = LABEL_WIDTH + 10
BAR_WIDTH = 280
#: Characters of a unit's name that fit beside its bar; the table beside gives the whole name.
LABEL_CHARS = 28
ROW = 34
TOP = 28
#: Bars at or above this share are drawn in green, the others in the neutral ink; the text says the number.
FULL = 100.0


@dataclass
class Bar:
    label: str
    y: float
    width: float
    text: str
    colour: str


@dataclass
class Bars:
    width: int
    height: int
    left: int
    span: int
    top: int
    bottom: int
    bars: list[Bar]
    ticks: list[tuple[float, str]]


def _short(name: str) -> str:
    return name if len(name) <= LABEL_CHARS else name[: LABEL_CHARS - 1].rstrip() + "…"


def coverage_bars(found: Coverage) -> Bars | None:
    """One bar per row of the coverage: the share of its units that held a dialogue."""
    if not found.rows:
        return None
    bars = []
    for i, row in enumerate(found.rows):
        y = TOP + i * ROW
        bars.append(
            Bar(
                label=_short(row.unit.name),
                y=y,
                width=round(BAR_WIDTH * row.percent / 100, 1),
                text=f"{number(row.percent)} % ({row.held}/{row.units})",
                colour="#2e7d32" if row.percent >= FULL else "#0b5394",
            )
        )
    bottom = TOP + len(bars) * ROW
    ticks = [(round(BAR_LEFT + BAR_WIDTH * p / 100, 1), f"{p} %") for p in (0, 25, 50, 75, 100)]
    return Bars(WIDTH, bottom + 8, BAR_LEFT, BAR_WIDTH, TOP, bottom, bars, ticks)
