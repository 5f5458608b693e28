"""Patterns and trends in events (SOSFS 2011:9 chapter 5): counts per category, unit or month.

Every figure comes from aggregate queries grouped in the database, so a förvaltning's events never
travel to Python. The month of an event is found by comparing its time with the first instants of
the months in the installation's time zone (a CASE over the bounds): plain comparisons on the
indexed column, where a date truncation would call a function for every row (on SQLite, in Python).
Labels are read afterwards for the keys found, so the grouping reads the (unit, occurred_at,
category) index alone and never the events' rows.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from rodtrad.core.models import Unit
from rodtrad.improvement.models import Category, Cause, Event

BY = ("category", "unit", "month")

#: The grouping column per breakdown; "month" has one row for all events.
_KEYS = {"category": "category_id", "unit": "unit_id"}


@dataclass
class TrendRow:
    key: str
    label: str
    counts: list[int]
    total: int


@dataclass
class Trend:
    months: list[dt.date]
    rows: list[TrendRow]
    total: int

    @property
    def month_totals(self) -> list[int]:
        return [sum(row.counts[i] for row in self.rows) for i in range(len(self.months))]


@dataclass
class Comparison:
    """One key's count in a period and in the same period a year earlier."""

    key: str
    label: str
    now: int
    before: int

    @property
    def change(self) -> int:
        return self.now - self.before


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def month_range(months: int, until: dt.date | None = None) -> list[dt.date]:
    """The first days of the ``months`` months that end with ``until``'s month, oldest first."""
    last = (until or timezone.localdate()).replace(day=1)
    return [_add_months(last, -i) for i in range(months - 1, -1, -1)]


def _start(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, tzinfo=timezone.get_current_timezone())


def period_start(months: int, until: dt.date | None = None) -> dt.datetime:
    """The start of the first of the ``months`` months that end with ``until``'s month."""
    return _start(month_range(months, until)[0])


def _window(first: dt.date, last: dt.date) -> Q:
    """Events from the start of month ``first`` up to the end of month ``last``."""
    return Q(occurred_at__gte=_start(first), occurred_at__lt=_start(_add_months(last, 1)))


def _monthly(events: QuerySet[Event], firsts: list[dt.date], by: str) -> dict[str, list[int]]:
    """Counts of ``events`` per key of ``by`` (or "all") in each month of ``firsts``: one grouped query."""
    bounds = [_start(first) for first in firsts[1:]] + [_start(_add_months(firsts[-1], 1))]
    month = Case(
        *(When(occurred_at__lt=bound, then=Value(i)) for i, bound in enumerate(bounds)),
        output_field=IntegerField(),
    )
    fields = [_KEYS[by]] if by in _KEYS else []
    grouped = (
        events.filter(_window(firsts[0], firsts[-1]))
        .order_by()
        .annotate(month=month)
        .values_list("month", *fields)
        .annotate(n=Count("pk"))
    )
    counts: dict[str, list[int]] = defaultdict(lambda: [0] * len(firsts))
    for row in grouped:
        counts[str(row[1]) if fields else "all"][row[0]] += row[-1]
    return counts


def _labels(by: str, keys: list[str]) -> dict[str, str]:
    """The names of the categories or units ``keys``, in one query; "all" is every event."""
    if by == "category":
        found = Category.objects.filter(pk__in=keys).values_list("pk", "name")
    elif by == "unit":
        found = Unit.objects.filter(pk__in=keys).values_list("pk", "name")
    else:
        return {"all": _("All events")}
    return {str(pk): name for pk, name in found}


def _trend(firsts: list[dt.date], counts: dict[str, list[int]], labels: dict[str, str]) -> Trend:
    rows = [TrendRow(key, labels[key], values, sum(values)) for key, values in counts.items() if sum(values)]
    rows.sort(key=lambda r: (-r.total, r.label))
    return Trend(firsts, rows, sum(r.total for r in rows))


def _comparison(counts: dict[str, list[int]], labels: dict[str, str], months: int) -> list[Comparison]:
    """Each key's last ``months`` months against its first ``months`` (the same months a year earlier)."""
    found = [
        Comparison(key, labels[key], sum(values[-months:]), sum(values[:months]))
        for key, values in counts.items()
    ]
    found.sort(key=lambda c: (-c.now, -c.before, c.label))
    return found


def trend(
    events: QuerySet[Event], *, months: int = 12, until: dt.date | None = None, by: str = "category"
) -> Trend:
    """Counts of ``events`` per month for each category, unit, or (``month``) all together.

    Rows are ordered by their total, largest first; months without events count 0.
    """
    if by not in BY:
        raise ValueError(f"Unknown breakdown {by!r}")
    firsts = month_range(max(months, 1), until)
    counts = _monthly(events, firsts, by)
    return _trend(firsts, counts, _labels(by, list(counts)))


def compare(
    events: QuerySet[Event], *, months: int = 12, until: dt.date | None = None, by: str = "category"
) -> list[Comparison]:
    """Each key's events in the last ``months`` months and in the same months a year earlier."""
    if by not in _KEYS:
        raise ValueError(f"Unknown breakdown {by!r}")
    months = max(months, 1)
    counts = _monthly(events, month_range(months + 12, until), by)
    return _comparison(counts, _labels(by, list(counts)), months)


@dataclass
class Overview:
    """What the trends page shows of a set of events, from two grouped queries and two of labels."""

    by_category: Trend
    by_unit: Trend
    by_month: Trend
    compared: list[Comparison]


def overview(events: QuerySet[Event], *, months: int = 12, until: dt.date | None = None) -> Overview:
    """Per category, per unit, per month, and per category against a year earlier.

    The categories are counted once over the period and the year before it; the trend by category,
    the monthly totals and the comparison all come from those counts.
    """
    months = max(months, 1)
    span = month_range(months + 12, until)
    firsts = span[12:]
    per_category = _monthly(events, span, "category")
    per_unit = _monthly(events, firsts, "unit")
    categories = _labels("category", list(per_category))
    by_category = _trend(firsts, {key: values[12:] for key, values in per_category.items()}, categories)
    everything = TrendRow("all", _("All events"), by_category.month_totals, by_category.total)
    return Overview(
        by_category=by_category,
        by_unit=_trend(firsts, per_unit, _labels("unit", list(per_unit))),
        by_month=Trend(firsts, [everything], by_category.total),
        compared=_comparison(per_category, categories, months),
    )


def top_causes(events: QuerySet[Event], *, limit: int = 10) -> list[TrendRow]:
    """The cause categories found by investigations of ``events``, most frequent first.

    ``total`` (and the single count) is the number of events whose investigation found a cause
    of that category.
    """
    labels = dict(Cause.Category.choices)
    grouped = (
        Cause.objects.filter(investigation__event__in=events.order_by().values("pk"))
        .order_by()
        .values("category")
        .annotate(n=Count("investigation__event", distinct=True))
        .order_by("-n", "category")[:limit]
    )
    return [
        TrendRow(r["category"], str(labels.get(r["category"], r["category"])), [r["n"]], r["n"])
        for r in grouped
    ]
