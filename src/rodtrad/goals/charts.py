"""SVG drawings computed in Python, so templates only place shapes: an indicator's trend and a goal's chain.

Every drawing is decorative beside its text alternative (a data table or a list), so the
numbers here only need to look right; lines differ by dash and marker as well as colour.
"""

from __future__ import annotations

import math
import textwrap
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from rodtrad.goals import periods, rollup
from rodtrad.goals.models import Sex

#: Per sex: colour, dash pattern and marker shape, so no line is told apart by colour alone.
STYLES = {
    Sex.TOTAL: ("#1b1f24", "", "circle"),
    Sex.WOMEN: ("#8e24aa", "7 4", "square"),
    Sex.MEN: ("#0b5394", "2 3", "diamond"),
}
TARGET_COLOUR = "#2e7d32"
LIGHT_COLOURS = {
    rollup.Light.GREEN: "#2e7d32",
    rollup.Light.YELLOW: "#9a6700",
    rollup.Light.RED: "#b3261e",
    rollup.Light.NONE: "#6e7781",
}


@dataclass
class Mark:
    x: float
    y: float
    shape: str


@dataclass
class Line:
    label: str
    colour: str
    dash: str
    points: str
    marks: list[Mark]


@dataclass
class Target:
    x1: float
    x2: float
    y: float
    label: str


@dataclass
class Tick:
    at: float
    label: str


@dataclass
class Trend:
    """A line chart in a ``width`` × ``height`` box; the plot spans ``left``–``right``, ``top``–``bottom``."""

    width: int
    height: int
    left: int
    right: int
    top: int
    bottom: int
    lines: list[Line]
    targets: list[Target]
    x_ticks: list[Tick]
    y_ticks: list[Tick]


def number(value: float | None) -> str:
    """A value as Swedish text: decimal comma, no trailing zeros."""
    if value is None:
        return ""
    return f"{value:.10g}".replace(".", ",")


def _nice_step(span: float) -> float:
    raw = span / 4 or 1.0
    power = 10.0 ** math.floor(math.log10(raw))
    return next(float(m * power) for m in (1, 2, 2.5, 5, 10) if m * power >= raw)


def trend(series: rollup.Series) -> Trend | None:
    """The series as lines per sex over its periods, with each year's target as a horizontal segment."""
    codes = sorted({p.period for p in series.points})
    if not codes:
        return None
    years = {int(c[:4]) for c in codes}
    targets = [t for t in series.targets if t.year in years]
    values = [p.value for p in series.points] + [t.target for t in targets]
    low, high = min(values), max(values)
    step = _nice_step(high - low)
    low, high = math.floor(low / step) * step, math.ceil(high / step) * step
    if high == low:
        high = low + step
    width, height, left, right, top, bottom = 640, 300, 56, 620, 16, 260
    gap = (right - left) / max(len(codes), 1)

    def x(code: str) -> float:
        return round(left + gap * (codes.index(code) + 0.5), 1)

    def y(value: float) -> float:
        return round(bottom - (value - low) / (high - low) * (bottom - top), 1)

    lines = []
    for sex in (Sex.TOTAL, Sex.WOMEN, Sex.MEN):
        points = sorted((p for p in series.points if p.sex == sex), key=lambda p: p.period)
        if not points:
            continue
        colour, dash, shape = STYLES[sex]
        lines.append(
            Line(
                label=str(sex.label),
                colour=colour,
                dash=dash,
                points=" ".join(f"{x(p.period)},{y(p.value)}" for p in points),
                marks=[Mark(x(p.period), y(p.value), shape) for p in points],
            )
        )
    segments = []
    for t in targets:
        own = [c for c in codes if c.startswith(str(t.year))]
        segments.append(
            Target(
                x1=round(x(own[0]) - gap / 2, 1),
                x2=round(x(own[-1]) + gap / 2, 1),
                y=y(t.target),
                label=_("Target %(value)s") % {"value": number(t.target)},
            )
        )
    count = round((high - low) / step)
    y_ticks = [Tick(y(low + i * step), number(round(low + i * step, 6))) for i in range(count + 1)]
    x_ticks = [Tick(x(c), periods.label(c, short=True)) for c in codes]
    return Trend(width, height, left, right, top, bottom, lines, segments, x_ticks, y_ticks)


@dataclass
class Box:
    """A box with a small heading and up to three lines of text, each placed at (``text_x``, y)."""

    x: int
    y: int
    width: int
    height: int
    heading: str
    lines: list[tuple[int, str]]
    stroke: str
    fill: str = "#ffffff"

    @property
    def text_x(self) -> int:
        return self.x + 14

    @property
    def heading_y(self) -> int:
        return self.y + 19


@dataclass
class Drawing:
    width: int
    height: int
    boxes: list[Box] = field(default_factory=list)
    arrows: list[tuple[int, int, int, int]] = field(default_factory=list)
    lines: list[tuple[int, int, int, int]] = field(default_factory=list)


WIDE, GAP, LINE = 560, 16, 18


def _wrap(text: str, width: int) -> list[str]:
    lines = textwrap.wrap(text, width=max(width // 7, 10)) or [""]
    if len(lines) > 3:
        lines = [
            *lines[:2],
            textwrap.shorten(lines[2] + " " + lines[3], max(width // 7, 10), placeholder=" …"),
        ]
    return lines


def _box(x: int, y: int, width: int, heading: str, text: str, stroke: str, fill: str = "#ffffff") -> Box:
    lines = _wrap(text, width - 24)
    placed = [(y + 38 + LINE * i, line) for i, line in enumerate(lines)]
    return Box(x, y, width, 30 + LINE * len(lines), heading, placed, stroke, fill)


def chain_drawing(found: rollup.Chain) -> Drawing:
    """Vision, goal area, the goals above, this goal, then its sub-goals, activities and indicators."""
    labels = {light: str(light.label) for light in rollup.Light}
    drawing = Drawing(width=WIDE + 2 * GAP, height=0)
    y = GAP
    column: list[tuple[str, str, str, str]] = []
    if found.vision:
        column.append((_("Vision"), found.vision, "#545d68", "#ffffff"))
    column.append((_("Goal area"), found.area.name, found.area.colour, "#ffffff"))
    for goal in found.ancestors:
        column.append((_("Goal of %(unit)s") % {"unit": goal.unit.name}, goal.title, "#545d68", "#ffffff"))
    light = found.status.status.light
    heading = _("This goal, %(unit)s: %(light)s") % {"unit": found.goal.unit.name, "light": labels[light]}
    column.append((heading, found.goal.title, LIGHT_COLOURS[light], "#f4f5f7"))
    previous: Box | None = None
    for heading, text, stroke, fill in column:
        box = _box(GAP, y, WIDE, heading, text, stroke, fill)
        if previous is not None:
            drawing.arrows.append((GAP + WIDE // 2, previous.y + previous.height, GAP + WIDE // 2, box.y))
        drawing.boxes.append(box)
        previous, y = box, y + box.height + GAP * 2
    below: list[tuple[str, str, str]] = []
    for child in found.children:
        text = _("Sub-goal, %(unit)s: %(light)s") % {
            "unit": child.unit_name,
            "light": labels[child.status.light],
        }
        below.append((text, child.title, LIGHT_COLOURS[child.status.light]))
    for activity in found.activities:
        text = _("Activity: %(status)s, %(progress)s %%") % {
            "status": activity.get_status_display(),
            "progress": activity.progress,
        }
        below.append((text, activity.title, "#545d68"))
    for value in found.status.indicators:
        text = _("Indicator %(code)s: %(light)s") % {"code": value.code, "light": labels[value.status.light]}
        below.append((text, value.name, LIGHT_COLOURS[value.status.light]))
    assert previous is not None
    trunk, indent = GAP + 16, GAP + 40
    for heading, text, stroke in below:
        box = _box(indent, y, WIDE - 40, heading, text, stroke)
        middle = box.y + box.height // 2
        drawing.lines.append((trunk, previous.y + previous.height, trunk, middle))
        drawing.arrows.append((trunk, middle, indent, middle))
        drawing.boxes.append(box)
        y += box.height + GAP
    drawing.height = y + GAP
    return drawing
