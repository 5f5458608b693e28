"""Planning years and their follow-up periods, computed from a scheme rather than stored.

A period is pure calendar arithmetic, so it is a value, not a table: its code is what
measurements and follow-ups store and what import files carry. Codes sort in time order
within one scheme: ``2026`` (year), ``2026-T2`` (tertial), ``2026-Q3`` (quarter),
``2026-07`` (month). A table of periods would only have to be kept in step with the calendar.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from django.db import models
from django.utils.dates import MONTHS, MONTHS_3
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

MIN_YEAR, MAX_YEAR = 2000, 2100


class Scheme(models.TextChoices):
    """How a year is divided for follow-up (per organisation) or measurement (per indicator)."""

    TERTIAL = "tertial", _("Tertials (T1 Jan–Apr, T2 May–Aug, T3 Sep–Dec)")
    QUARTER = "quarter", _("Quarters")
    MONTH = "month", _("Months")
    YEAR = "year", _("Year")


#: Months per period in each scheme.
_MONTHS = {Scheme.TERTIAL: 4, Scheme.QUARTER: 3, Scheme.MONTH: 1, Scheme.YEAR: 12}
_PATTERNS = {
    Scheme.TERTIAL: re.compile(r"^(\d{4})-T([1-3])$"),
    Scheme.QUARTER: re.compile(r"^(\d{4})-Q([1-4])$"),
    Scheme.MONTH: re.compile(r"^(\d{4})-(\d{2})$"),
    Scheme.YEAR: re.compile(r"^(\d{4})$"),
}


@dataclass(frozen=True, order=True)
class Period:
    """One follow-up period: ``code`` as stored, its dates and its place in the year."""

    start: dt.date
    end: dt.date
    code: str
    scheme: Scheme
    year: int
    number: int

    @property
    def label(self) -> str:
        """The period as people read it, e.g. T2 2026 (maj–aug); see :func:`label`."""
        return _words(self, short=False)


def _code(scheme: Scheme, year: int, number: int) -> str:
    if scheme == Scheme.TERTIAL:
        return f"{year}-T{number}"
    if scheme == Scheme.QUARTER:
        return f"{year}-Q{number}"
    if scheme == Scheme.MONTH:
        return f"{year}-{number:02d}"
    return str(year)


def make(scheme: Scheme | str, year: int, number: int) -> Period:
    scheme = Scheme(scheme)
    months = _MONTHS[scheme]
    first = (number - 1) * months + 1
    last = first + months - 1
    return Period(
        start=dt.date(year, first, 1),
        end=dt.date(year, last, calendar.monthrange(year, last)[1]),
        code=_code(scheme, year, number),
        scheme=scheme,
        year=year,
        number=number,
    )


def periods_of(scheme: Scheme | str, year: int) -> list[Period]:
    """Every period of ``year`` in order."""
    scheme = Scheme(scheme)
    return [make(scheme, year, n) for n in range(1, 12 // _MONTHS[scheme] + 1)]


def parse(code: str, scheme: Scheme | str) -> Period | None:
    """The period ``code`` names in ``scheme``, or None when it names none."""
    scheme = Scheme(scheme)
    match = _PATTERNS[scheme].match(code.strip())
    if match is None:
        return None
    year = int(match.group(1))
    number = int(match.group(2)) if scheme != Scheme.YEAR else 1
    if not MIN_YEAR <= year <= MAX_YEAR or not 1 <= number <= 12 // _MONTHS[scheme]:
        return None
    return make(scheme, year, number)


def containing(day: dt.date, scheme: Scheme | str) -> Period:
    """The period of ``scheme`` that ``day`` falls in."""
    scheme = Scheme(scheme)
    return make(scheme, day.year, (day.month - 1) // _MONTHS[scheme] + 1)


def _words(period: Period, *, short: bool) -> str:
    values: dict[str, object] = {"number": period.number, "year": period.year}
    if period.scheme == Scheme.TERTIAL:
        if short:
            return gettext("T%(number)s %(year)s") % values
        first, last = period.start.month, period.end.month
        values.update(first=MONTHS_3[first], last=MONTHS_3[last])
        return gettext("T%(number)s %(year)s (%(first)s–%(last)s)") % values
    if period.scheme == Scheme.QUARTER:
        if short:
            return gettext("Q%(number)s %(year)s") % values
        return gettext("Quarter %(number)s %(year)s") % values
    if period.scheme == Scheme.MONTH:
        month = MONTHS_3[period.number] if short else capfirst(MONTHS[period.number])
        return gettext("%(month)s %(year)s") % {"month": month, "year": period.year}
    return str(period.year)


def label(code: str, *, short: bool = False) -> str:
    """A stored period code in words, in the active language: the one place codes become text.

    ``2026-T2`` → T2 2026 (maj–aug), ``2026-Q3`` → Kvartal 3 2026, ``2026-03`` → Mars 2026,
    ``2026`` → 2026. ``short`` drops the months and abbreviates (T2 2026, K3 2026, mar 2026)
    where space is tight, as on a chart's axis. A code that names no period is returned as it is.
    """
    for scheme in (Scheme.TERTIAL, Scheme.QUARTER, Scheme.MONTH, Scheme.YEAR):
        found = parse(code, scheme)
        if found is not None:
            return _words(found, short=short)
    return code


def codes_until(period: Period) -> list[str]:
    """Codes of every period in ``period``'s year, in any scheme, that has ended when ``period`` ends.

    What an indicator can show as of a period whatever its frequency: as of T2, its months
    up to August, its first two quarters and its first two tertials, but not the year.
    """
    return [p.code for scheme in Scheme for p in periods_of(scheme, period.year) if p.end <= period.end]


def year_bounds(year: int) -> tuple[str, str]:
    """Codes ``lo <= code < hi`` of every period of ``year`` in any scheme (for range filters)."""
    return str(year), str(year + 1)
