"""Patterns and trends in events (SOSFS 2011:9 chapter 5): counts per category, unit or month.

Every figure is one aggregate query grouped in the database (months by its own date truncation in
the installation's time zone), so a förvaltning's 200,000 events never travel to Python.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from rodtrad.improvement.models import Cause, Event

BY = ("category", "unit", "month")

#: The grouping key and its label per breakdown; "month" has one row for all events.
_KEYS = {
    "category": ("category_id", "category__name"),
    "unit": ("unit_id", "unit__name"),
}


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


def trend(
    events: QuerySet[Event], *, months: int = 12, until: dt.date | None = None, by: str = "category"
) -> Trend:
    """Counts of ``events`` per month for each category, unit, or (``month``) all together.

    Rows are ordered by their total, largest first; months without events count 0.
    """
    if by not in BY:
        raise ValueError(f"Unknown breakdown {by!r}")
    firsts = month_range(max(months, 1), until)
    index = {first: i for i, first in enumerate(firsts)}
    fields = _KEYS.get(by, ())
    grouped = (
        events.filter(_window(firsts[0], firsts[-1]))
        .order_by()
        .annotate(month=TruncMonth("occurred_at", tzinfo=timezone.get_current_timezone()))
        .values("month", *fields)
        .annotate(n=Count("pk"))
    )
    counts: dict[str, list[int]] = defaultdict(lambda: [0] * len(firsts))
    labels: dict[str, str] = {}
    for row in grouped:
        month = row["month"]
        month = month.date() if isinstance(month, dt.datetime) else month
        key = str(row[fields[0]]) if fields else "all"
        labels[key] = row[fields[1]] if fields else _("All events")
        counts[key][index[month]] += row["n"]
    rows = [TrendRow(key, labels[key], values, sum(values)) for key, values in counts.items()]
    rows.sort(key=lambda r: (-r.total, r.label))
    return Trend(firsts, rows, sum(r.total for r in rows))


def compare(
    events: QuerySet[Event], *, months: int = 12, until: dt.date | None = None, by: str = "category"
) -> list[Comparison]:
    """Each key's events in the last ``months`` months and in the same months a year earlier."""
    if by not in _KEYS:
        raise ValueError(f"Unknown breakdown {by!r}")
    firsts = month_range(max(months, 1), until)
    now = _window(firsts[0], firsts[-1])
    before = _window(_add_months(firsts[0], -12), _add_months(firsts[-1], -12))
    key, label = _KEYS[by]
    span = _window(_add_months(firsts[0], -12), firsts[-1])  # one range, so the time index serves it
    grouped = (
        events.filter(span)
        .filter(now | before)
        .order_by()
        .values(key, label)
        .annotate(now=Count("pk", filter=now), before=Count("pk", filter=before))
    )
    found = [Comparison(str(r[key]), r[label], r["now"], r["before"]) for r in grouped]
    found.sort(key=lambda c: (-c.now, -c.before, c.label))
    return found


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
