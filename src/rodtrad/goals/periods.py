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
        """Short Swedish-style label, e.g. T2 2026."""
        if self.scheme == Scheme.YEAR:
            return str(self.year)
        return f"{self.code[5:]} {self.year}"


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


def year_bounds(year: int) -> tuple[str, str]:
    """Codes ``lo <= code < hi`` of every period of ``year`` in any scheme (for range filters)."""
    return str(year), str(year + 1)
