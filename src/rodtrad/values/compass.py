"""The value compass: the primary value base drawn as an SVG, computed here; the template places shapes.

The motto sits at the centre, the value words on a ring around it, and the perspectives as
segments of an outer ring. The drawing is decorative beside its text alternative (a list with
the same content), so the geometry only needs to look right; labels are also kept short.
"""

from __future__ import annotations

import math
import textwrap
from dataclasses import dataclass, field

from rodtrad.values.models import Perspective, ValueBase, ValueWord

SIZE = 640
CENTRE = SIZE / 2
#: The outer ring of perspectives spans these radii; the words sit on WORD_RADIUS.
RING_OUTER, RING_INNER = 310, 244
WORD_RADIUS = 160
CENTRE_RADIUS = 88
#: Outlines of the word circles, in turn; each is at least 4.5:1 against white.
WORD_COLOURS = ("#8b1a1a", "#0b5394", "#2e7d32", "#8e24aa", "#9a6700", "#1f6f8b", "#545d68")
#: Fills of the perspective segments: light tints, so their dark labels keep 7:1 or more.
SECTOR_FILLS = ("#f6e7e7", "#e5eef7", "#e7f4ea", "#f3e8f6", "#fff4d6", "#e4f1f5")
INK = "#1b1f24"
#: A character of the drawing's sans-serif is about this share of the font size wide.
CHAR_WIDTH = 0.58


@dataclass
class Label:
    """Lines of text centred on ``x``, the first baseline at ``y``, ``step`` apart."""

    x: float
    y: float
    size: float
    lines: list[str]
    step: float

    @property
    def placed(self) -> list[tuple[float, str]]:
        return [(round(self.y + i * self.step, 1), line) for i, line in enumerate(self.lines)]


@dataclass
class WordNode:
    word: str
    x: float
    y: float
    r: float
    colour: str
    label: Label


@dataclass
class Sector:
    """A perspective's segment of the outer ring and the arc its name is written along."""

    name: str
    shape: str
    label_path: str
    fill: str
    size: float


@dataclass
class Compass:
    size: int
    centre: float
    centre_radius: float
    motto: Label
    words: list[WordNode] = field(default_factory=list)
    sectors: list[Sector] = field(default_factory=list)
    spokes: list[tuple[float, float]] = field(default_factory=list)
    ring_inner: float = RING_INNER
    ring_outer: float = RING_OUTER


def _fit(text: str, width: float, largest: float, smallest: float, max_lines: int) -> tuple[float, list[str]]:
    """The largest size at which ``text`` wraps into ``max_lines`` lines of ``width``; else shortened."""
    size = largest
    while True:
        chars = max(int(width / (size * CHAR_WIDTH)), 4)
        lines = textwrap.wrap(text, chars, break_long_words=False) or [""]
        fits = len(lines) <= max_lines and all(len(line) <= chars for line in lines)
        if fits or size <= smallest:
            break
        size -= 1
    if len(lines) > max_lines or any(len(line) > chars for line in lines):
        lines = textwrap.wrap(text, chars, break_long_words=True)[:max_lines]
        last = textwrap.shorten(" ".join(lines[max_lines - 1 :]), chars, placeholder="…")
        lines = [*lines[: max_lines - 1], last or lines[-1][: chars - 1] + "…"]
    return size, lines


def _label(text: str, x: float, y: float, width: float, largest: float, smallest: float, lines: int) -> Label:
    size, wrapped = _fit(text, width, largest, smallest, lines)
    step = round(size * 1.2, 1)
    first = y - step * (len(wrapped) - 1) / 2 + size * 0.35
    return Label(round(x, 1), round(first, 1), size, wrapped, step)


def _point(radius: float, angle: float) -> tuple[float, float]:
    """A point at ``angle`` (radians, 0 at the top, clockwise) and ``radius`` from the centre."""
    return round(CENTRE + radius * math.sin(angle), 1), round(CENTRE - radius * math.cos(angle), 1)


def _ring() -> str:
    """The whole outer ring, for a single perspective (an arc cannot end where it starts)."""
    top, bottom = CENTRE - RING_OUTER, CENTRE + RING_OUTER
    inner_top, inner_bottom = CENTRE - RING_INNER, CENTRE + RING_INNER
    return (
        f"M{CENTRE},{top} A{RING_OUTER},{RING_OUTER} 0 1 1 {CENTRE},{bottom} "
        f"A{RING_OUTER},{RING_OUTER} 0 1 1 {CENTRE},{top} Z "
        f"M{CENTRE},{inner_top} A{RING_INNER},{RING_INNER} 0 1 0 {CENTRE},{inner_bottom} "
        f"A{RING_INNER},{RING_INNER} 0 1 0 {CENTRE},{inner_top} Z"
    )


def _sector(start: float, end: float) -> str:
    large = 1 if end - start > math.pi else 0
    ox1, oy1 = _point(RING_OUTER, start)
    ox2, oy2 = _point(RING_OUTER, end)
    ix2, iy2 = _point(RING_INNER, end)
    ix1, iy1 = _point(RING_INNER, start)
    return (
        f"M{ox1},{oy1} A{RING_OUTER},{RING_OUTER} 0 {large} 1 {ox2},{oy2} "
        f"L{ix2},{iy2} A{RING_INNER},{RING_INNER} 0 {large} 0 {ix1},{iy1} Z"
    )


def _label_arc(start: float, end: float, radius: float) -> str:
    """The arc a name is written along: clockwise on top, anticlockwise below, so it reads upright."""
    middle = (start + end) / 2 % (2 * math.pi)
    large = 1 if end - start > math.pi else 0
    if math.pi / 2 < middle < 3 * math.pi / 2:
        x1, y1 = _point(radius, end)
        x2, y2 = _point(radius, start)
        return f"M{x1},{y1} A{radius},{radius} 0 {large} 0 {x2},{y2}"
    x1, y1 = _point(radius, start)
    x2, y2 = _point(radius, end)
    return f"M{x1},{y1} A{radius},{radius} 0 {large} 1 {x2},{y2}"


def draw(value_base: ValueBase, words: list[ValueWord], perspectives: list[Perspective]) -> Compass:
    """The compass of ``value_base``: its ``words`` from the top, clockwise, and its ``perspectives``."""
    motto = value_base.motto or value_base.name
    compass = Compass(
        size=SIZE,
        centre=CENTRE,
        centre_radius=CENTRE_RADIUS,
        motto=_label(motto, CENTRE, CENTRE, CENTRE_RADIUS * 1.6, 18, 11, 5),
    )
    count = len(words)
    if count:
        gap = math.sin(math.pi / count) * WORD_RADIUS if count > 1 else WORD_RADIUS
        radius = round(min(64.0, max(gap - 6, 28.0)), 1)
        for i, word in enumerate(words):
            angle = 2 * math.pi * i / count
            x, y = _point(WORD_RADIUS, angle)
            compass.spokes.append((x, y))
            label = _label(word.word, x, y, radius * 1.7, 17, 9, 2)
            compass.words.append(
                WordNode(word.word, x, y, radius, WORD_COLOURS[i % len(WORD_COLOURS)], label)
            )
    middle = (RING_OUTER + RING_INNER) / 2
    for i, perspective in enumerate(perspectives):
        whole = len(perspectives) == 1
        start = -math.pi / 2 if whole else 2 * math.pi * i / len(perspectives)
        end = math.pi / 2 if whole else 2 * math.pi * (i + 1) / len(perspectives)
        length = (end - start) * middle * 0.9
        size, lines = _fit(perspective.name, length, 17, 10, 1)
        compass.sectors.append(
            Sector(
                name=lines[0],
                shape=_ring() if whole else _sector(start, end),
                label_path=_label_arc(start, end, middle),
                fill=SECTOR_FILLS[i % len(SECTOR_FILLS)],
                size=size,
            )
        )
    return compass
