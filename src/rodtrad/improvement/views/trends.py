"""Patterns and trends (SOSFS 2011:9 chapter 5): events per category, unit and month as SVG charts
with their data tables, the most frequent categories and causes, this period against the same
period a year earlier, and the same figures as XLSX."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from rodtrad.core import spreadsheets
from rodtrad.core.models import Unit
from rodtrad.core.tree import in_subtree
from rodtrad.improvement import charts, stats
from rodtrad.improvement.forms import TrendForm
from rodtrad.improvement.models import Event
from rodtrad.improvement.views.common import chosen_unit, scope_units, user_of

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass
class Figures:
    unit: Unit
    months: int
    by_category: stats.Trend
    by_unit: stats.Trend
    by_month: stats.Trend
    compared: list[stats.Comparison]
    causes: list[stats.TrendRow]


def _figures(request: HttpRequest) -> tuple[Figures, TrendForm]:
    user = user_of(request)
    unit = chosen_unit(request, "event.view")
    if unit is None:
        raise PermissionDenied("event.view")
    units = scope_units(user, "event.view", extra=unit)
    form = TrendForm(request.GET if "months" in request.GET else None, initial={"unit": unit.pk}, units=units)
    months = form.cleaned_data["months"] if form.is_bound and form.is_valid() else 12
    events = in_subtree(Event.objects.all(), unit)  # the unit lies in the user's scope
    figures = stats.overview(events, months=months)
    found = Figures(
        unit=unit,
        months=months,
        by_category=figures.by_category,
        by_unit=figures.by_unit,
        by_month=figures.by_month,
        compared=figures.compared,
        causes=stats.top_causes(events.filter(occurred_at__gte=stats.period_start(months))),
    )
    return found, form


@login_required
@require_GET
def trends(request: HttpRequest) -> HttpResponse:
    found, form = _figures(request)
    context = {
        "found": found,
        "form": form,
        "month_labels": [m.strftime("%Y-%m") for m in found.by_category.months],
        "month_chart": charts.monthly(found.by_month),
        "category_chart": charts.horizontal(found.by_category.rows),
        "unit_chart": charts.horizontal(found.by_unit.rows),
        "cause_chart": charts.horizontal(found.causes),
    }
    return render(request, "improvement/trends.html", context, status=400 if form.errors else 200)


@login_required
@require_GET
def trends_xlsx(request: HttpRequest) -> HttpResponse:
    """The trends page's tables as sheets: per category and month, per unit and month, the comparison."""
    found, _form = _figures(request)
    book = spreadsheets.workbook()
    months = [m.strftime("%Y-%m") for m in found.by_category.months]
    for title, trend, heading in (
        (_("Per category"), found.by_category, _("Category")),
        (_("Per unit"), found.by_unit, _("Unit")),
    ):
        sheet = spreadsheets.sheet(book, title, [heading, *months, _("Total")], [36, *([9] * len(months)), 9])
        for row in trend.rows:
            spreadsheets.append(sheet, [row.label, *row.counts, row.total])
        spreadsheets.append(sheet, [_("All events"), *trend.month_totals, trend.total])
    sheet = spreadsheets.sheet(
        book,
        _("Against a year earlier"),
        [
            _("Category"),
            _("Last %(months)s months") % {"months": found.months},
            _("A year earlier"),
            _("Change"),
        ],
        [36, 16, 16, 10],
    )
    for c in found.compared:
        spreadsheets.append(sheet, [c.label, c.now, c.before, c.change])
    sheet = spreadsheets.sheet(book, _("Causes"), [_("Cause category"), _("Events")], [40, 10])
    for row in found.causes:
        spreadsheets.append(sheet, [row.label, row.total])
    response = HttpResponse(spreadsheets.to_bytes(book), content_type=XLSX)
    response["Content-Disposition"] = (
        f'attachment; filename="handelser-{slugify(found.unit.code)}-{found.months}m.xlsx"'
    )
    return response
