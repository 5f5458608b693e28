"""The value compass: the motto at the centre, each word on the ring, each perspective in the outer ring."""

from __future__ import annotations

import math
import re
from typing import Any

from django.test import Client

from rodtrad.values import compass
from rodtrad.values.models import Perspective, ValueBase, ValueWord
from rodtrad.values.tests.factories import make_base, make_word


def _draw(motto: str, words: list[str], perspectives: list[str]) -> compass.Compass:
    base = ValueBase(name="Värdegrunden", motto=motto)
    return compass.draw(
        base,
        [ValueWord(word=w) for w in words],
        [Perspective(name=p) for p in perspectives],
    )


def test_words_sit_on_the_ring_in_order_from_the_top_clockwise_without_overlapping() -> None:
    drawn = _draw("Ständigt bättre", ["Samarbete", "Utveckling", "Professionalism", "Respekt", "Ansvar"], [])
    assert [n.word for n in drawn.words] == [
        "Samarbete",
        "Utveckling",
        "Professionalism",
        "Respekt",
        "Ansvar",
    ]
    first = drawn.words[0]
    assert first.x == compass.CENTRE and first.y < compass.CENTRE  # at the top
    assert drawn.words[1].x > compass.CENTRE  # then to the right
    for a, b in zip(drawn.words, drawn.words[1:], strict=False):
        assert math.dist((a.x, a.y), (b.x, b.y)) > a.r + b.r  # circles do not overlap
    for node in drawn.words:
        distance = math.dist((node.x, node.y), (compass.CENTRE, compass.CENTRE))
        assert distance - node.r > compass.CENTRE_RADIUS  # clear of the motto
        assert distance + node.r < compass.RING_INNER  # inside the perspectives


def test_a_long_motto_wraps_inside_the_centre_and_long_words_shrink_to_fit() -> None:
    drawn = _draw(
        "Varje dag lite bättre – kraften hos många, för ett friskare och tryggare liv", ["Ö"] * 8, []
    )
    assert 2 <= len(drawn.motto.lines) <= 5
    width = max(len(line) for line in drawn.motto.lines) * drawn.motto.size * compass.CHAR_WIDTH
    assert width <= compass.CENTRE_RADIUS * 2
    crowded = _draw("M", ["Professionalism"] * 8, [])
    node = crowded.words[0]
    assert len(node.label.lines[0]) * node.label.size * compass.CHAR_WIDTH <= node.r * 2


def test_perspectives_share_the_outer_ring_and_bottom_labels_read_upright() -> None:
    drawn = _draw("M", ["Öppet"], ["Patient", "Medarbetare", "Organisation"])
    assert [s.name for s in drawn.sectors] == ["Patient", "Medarbetare", "Organisation"]
    # The second segment (120°–240°) lies at the bottom: its label runs from right to left in angle,
    # i.e. anticlockwise (sweep flag 0), so the text is not upside down.
    assert re.search(r"A[\d.,]+ 0 0 0 ", drawn.sectors[1].label_path)
    assert re.search(r"A[\d.,]+ 0 0 1 ", drawn.sectors[0].label_path)


def test_a_single_perspective_still_draws_a_whole_ring() -> None:
    drawn = _draw("M", [], ["Patienten alltid först"])
    ring = drawn.sectors[0].shape
    assert ring.count("A") == 4 and ring.count("Z") == 2  # outer and inner circle, the space between filled
    assert re.search(r"A[\d.,]+ 0 0 1 ", drawn.sectors[0].label_path)  # the name over the top


def test_the_public_page_draws_the_compass_with_a_text_alternative(orgtree: Any) -> None:
    base = make_base(perspectives=[("Patient", ""), ("Medarbetare", ""), ("Organisation", "")])
    for word in ("Öppet", "Engagerat", "Kunnigt"):
        make_word(base, word)
    html = Client().get("/vision/").content.decode()
    svg = html[html.index("<svg") : html.index("</svg>")]
    assert 'role="img"' in svg and 'aria-labelledby="compass-title"' in svg
    assert '<title id="compass-title">' in svg and '<desc id="compass-desc">' in svg
    assert "Öppet, Engagerat, Kunnigt" in svg  # the description names every word
    assert 'viewBox="0 0 640 640"' in svg
    alternative = html[html.index("compass-list-heading") :]
    for text in ("Varje dag lite bättre", "Öppet", "Kunnigt", "Medarbetare"):
        assert text in alternative
