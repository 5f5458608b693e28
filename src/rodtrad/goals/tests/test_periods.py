"""Periods as people read them: one label for every stored code, in the active language."""

from __future__ import annotations

import pytest
from django.template import Context, Template
from django.utils import translation

from rodtrad.goals import periods


@pytest.mark.parametrize(
    ("code", "english", "short"),
    [
        ("2026-T2", "T2 2026 (may–aug)", "T2 2026"),
        ("2026-T1", "T1 2026 (jan–apr)", "T1 2026"),
        ("2026-Q3", "Quarter 3 2026", "Q3 2026"),
        ("2026-03", "March 2026", "mar 2026"),
        ("2026", "2026", "2026"),
        ("2026-T9", "2026-T9", "2026-T9"),
    ],
)
def test_every_period_code_has_one_label_and_a_short_one(code: str, english: str, short: str) -> None:
    with translation.override("en"):
        assert periods.label(code) == english
        assert periods.label(code, short=True) == short
        found = periods.parse(code, periods.Scheme.TERTIAL)
        if found is not None:
            assert found.label == english


def test_swedish_labels_name_the_months_in_swedish() -> None:
    with translation.override("sv"):
        assert periods.label("2026-T2").endswith("2026 (maj–aug)")
        assert periods.label("2026-03").startswith("Mars")


def test_templates_show_codes_as_labels() -> None:
    page = Template("{% load goal_periods %}{{ a|period_label }}|{{ b|period_label }}")
    with translation.override("en"):
        assert page.render(Context({"a": "2026-T3", "b": None})) == "T3 2026 (sep–dec)|"


def test_as_of_a_period_every_scheme_counts_the_periods_that_have_ended() -> None:
    t2 = periods.make(periods.Scheme.TERTIAL, 2026, 2)
    assert sorted(periods.codes_until(t2)) == sorted(
        ["2026-T1", "2026-T2", "2026-Q1", "2026-Q2"] + [f"2026-{m:02d}" for m in range(1, 9)]
    )
    assert "2026" in periods.codes_until(periods.make(periods.Scheme.TERTIAL, 2026, 3))
