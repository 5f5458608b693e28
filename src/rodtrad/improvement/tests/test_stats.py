"""Trends of events: counts per category, unit and month, the year-on-year comparison, top causes."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from rodtrad.improvement import stats
from rodtrad.improvement.defaults import add_default_categories
from rodtrad.improvement.models import Affected, Category, Cause, Event, Investigation

UNTIL = dt.date(2026, 6, 15)


def at(year: int, month: int, day: int = 10, hour: int = 12) -> dt.datetime:
    return dt.datetime(year, month, day, hour, tzinfo=timezone.get_current_timezone())


@pytest.fixture
def cats(db: Any) -> dict[str, Category]:
    add_default_categories()
    return {c.code: c for c in Category.objects.filter(code__in=["fall", "lakemedel", "miljo"])}


def add(unit: Any, category: Category, *times: dt.datetime) -> list[Event]:
    return Event.objects.bulk_create(
        Event(
            unit=unit,
            occurred_at=t,
            description="Händelse",
            category=category,
            affected=Affected.PATIENT,
        )
        for t in times
    )


def test_trend_by_category_counts_each_month_and_orders_rows_by_total(orgtree: Any, cats: Any) -> None:
    add(orgtree.a1, cats["fall"], at(2026, 6, 1, 0), at(2026, 6, 14), at(2026, 4, 2))
    add(orgtree.a1, cats["lakemedel"], at(2026, 5, 31, 23))
    add(orgtree.a1, cats["miljo"], at(2025, 6, 30), at(2026, 6, 16))  # before and after the window

    found = stats.trend(Event.objects.all(), months=3, until=UNTIL)

    assert found.months == [dt.date(2026, 4, 1), dt.date(2026, 5, 1), dt.date(2026, 6, 1)]
    assert [(r.label, r.counts, r.total) for r in found.rows] == [
        ("Fall", [1, 0, 2], 3),
        ("Läkemedel", [0, 1, 0], 1),
        ("Miljö", [0, 0, 1], 1),
    ]
    assert found.total == 5
    assert found.month_totals == [1, 1, 3]


def test_months_follow_the_local_time_zone(orgtree: Any, cats: Any) -> None:
    """Midnight on 1 June in Stockholm is 31 May in UTC: the event belongs to June."""
    add(orgtree.a1, cats["fall"], at(2026, 6, 1, 0))
    found = stats.trend(Event.objects.all(), months=2, until=UNTIL, by="month")
    assert [(r.key, r.counts) for r in found.rows] == [("all", [0, 1])]


def test_trend_by_unit_and_only_over_the_given_events(orgtree: Any, cats: Any) -> None:
    add(orgtree.a1, cats["fall"], at(2026, 6, 2), at(2026, 6, 3))
    add(orgtree.a, cats["fall"], at(2026, 5, 2))
    add(orgtree.b1, cats["fall"], at(2026, 5, 2))
    found = stats.trend(
        Event.objects.filter(unit__path__startswith=orgtree.a.path), months=2, until=UNTIL, by="unit"
    )
    assert [(r.key, r.label, r.counts) for r in found.rows] == [
        (str(orgtree.a1.pk), "Enhet A1", [0, 2]),
        (str(orgtree.a.pk), "Förvaltning A", [1, 0]),
    ]


def test_trend_refuses_an_unknown_breakdown(db: Any) -> None:
    with pytest.raises(ValueError, match="colour"):
        stats.trend(Event.objects.all(), by="colour")


def test_trend_is_two_queries_however_many_events(orgtree: Any, cats: Any) -> None:
    """The counts grouped in the database, then the labels of the keys found."""
    add(orgtree.a1, cats["fall"], *(at(2026, m, d) for m in range(1, 7) for d in range(1, 20)))
    add(orgtree.b1, cats["miljo"], *(at(2026, m, d) for m in range(1, 7) for d in range(1, 20)))
    for by in stats.BY:
        with CaptureQueriesContext(connection) as queries:
            found = stats.trend(Event.objects.all(), months=12, until=UNTIL, by=by)
        assert len(queries) == (1 if by == "month" else 2), by
        assert found.total == 2 * 6 * 19


def test_compare_sets_each_category_against_the_same_months_a_year_earlier(orgtree: Any, cats: Any) -> None:
    add(orgtree.a1, cats["fall"], at(2026, 5, 1), at(2026, 6, 1), at(2025, 6, 1))
    add(orgtree.a1, cats["lakemedel"], at(2025, 5, 20), at(2025, 5, 21))
    add(orgtree.a1, cats["miljo"], at(2025, 3, 1))  # outside both periods
    found = stats.compare(Event.objects.all(), months=2, until=UNTIL)
    assert [(c.label, c.now, c.before, c.change) for c in found] == [
        ("Fall", 2, 1, 1),
        ("Läkemedel", 0, 2, -2),
    ]


def test_top_causes_counts_events_per_cause_category(orgtree: Any, cats: Any) -> None:
    first, second, third = add(orgtree.a1, cats["fall"], at(2026, 5, 1), at(2026, 5, 2), at(2026, 5, 3))
    outside = add(orgtree.b1, cats["fall"], at(2026, 5, 1))[0]
    for event, categories in (
        (first, ["procedures", "procedures", "communication"]),
        (second, ["procedures"]),
        (third, []),
        (outside, ["technology"]),
    ):
        investigation = Investigation.objects.create(event=event)
        for category in categories:
            Cause.objects.create(investigation=investigation, category=category, description="Orsak")
    found = stats.top_causes(Event.objects.filter(unit=orgtree.a1))
    assert [(r.key, r.total) for r in found] == [("procedures", 2), ("communication", 1)]
    assert found[0].label == str(Cause.Category.PROCEDURES.label)
    assert len(stats.top_causes(Event.objects.all(), limit=1)) == 1


def _naive(events: list[Event], firsts: list[dt.date], key: str) -> dict[str, list[int]]:
    """Counts per key and local month, one event at a time."""
    counts: dict[str, list[int]] = {}
    for event in events:
        local = timezone.localtime(event.occurred_at)
        month = dt.date(local.year, local.month, 1)
        if month in firsts:
            counts.setdefault(str(getattr(event, key)), [0] * len(firsts))[firsts.index(month)] += 1
    return counts


@pytest.mark.parametrize("months", [3, 12, 24])
def test_the_overview_equals_a_count_of_the_events_one_by_one(orgtree: Any, cats: Any, months: int) -> None:
    """Events at the edges of months (local midnight, the last minute of a month, summer and winter
    time) in two förvaltningar over three years: the page's figures are the naive counts of the subtree."""
    times = []
    for year in (2023, 2024, 2025, 2026):
        for month in range(1, 13):
            first = dt.datetime(year, month, 1, tzinfo=timezone.get_current_timezone())
            times += [first, first + dt.timedelta(minutes=1), first - dt.timedelta(minutes=1)]
    units = [orgtree.a, orgtree.a1, orgtree.b1]
    categories = list(cats.values())
    Event.objects.bulk_create(
        Event(
            unit=units[i % 3],
            occurred_at=t,
            description="Händelse",
            category=categories[i % 2 + (i // 7) % 2],
            affected=Affected.PATIENT,
        )
        for i, t in enumerate(times)
    )
    events = Event.objects.filter(unit__path__startswith=orgtree.a.path)
    found = stats.overview(events, months=months, until=UNTIL)

    mine = list(events)
    firsts = stats.month_range(months, UNTIL)
    earlier = stats.month_range(months, dt.date(UNTIL.year - 1, UNTIL.month, 1))
    per_category = _naive(mine, firsts, "category_id")
    per_unit = _naive(mine, firsts, "unit_id")
    before = _naive(mine, earlier, "category_id")
    assert found.by_category.months == firsts
    assert {r.key: r.counts for r in found.by_category.rows} == per_category
    assert {r.key: r.counts for r in found.by_unit.rows} == per_unit
    assert found.by_month.rows[0].counts == [sum(c[i] for c in per_category.values()) for i in range(months)]
    assert (
        found.by_month.total
        == found.by_category.total
        == found.by_unit.total
        == sum(map(sum, per_category.values()))
    )
    assert {c.key: (c.now, c.before) for c in found.compared} == {
        key: (sum(per_category.get(key, [0])), sum(before.get(key, [0])))
        for key in per_category.keys() | before.keys()
    }
    assert found == stats.Overview(
        stats.trend(events, months=months, until=UNTIL),
        stats.trend(events, months=months, until=UNTIL, by="unit"),
        found.by_month,
        stats.compare(events, months=months, until=UNTIL),
    )
