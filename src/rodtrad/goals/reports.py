"""Tertial and annual reports per unit or per goal area: goal status, indicators and analyses, as PDF or XLSX,
and the view that downloads them.

A tertial report shows each indicator's latest value up to the end of its period, never a
later one, so the T2 report reads the same in December as it did in September.

A report reads a fixed number of queries: the roll-up, the goal areas and the follow-ups of
the period (or of every period of the year for an annual report). WeasyPrint is loaded only
when a PDF is made, and it is given no way to fetch anything.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from openpyxl.styles import Alignment

from rodtrad.core import spreadsheets
from rodtrad.core.models import Unit
from rodtrad.goals import periods, rollup
from rodtrad.goals.models import FollowUp, Goal, GoalArea
from rodtrad.goals.services import goal_settings

PDF = "application/pdf"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def thread_order(statuses: dict[int, rollup.GoalStatus]) -> list[tuple[rollup.GoalStatus, int]]:
    """Goals depth first along the red thread, each with its depth below the top goals in the set."""
    tops = sorted(
        (g for g in statuses.values() if g.parent_id not in statuses), key=lambda g: (g.title, g.id)
    )
    ordered: list[tuple[rollup.GoalStatus, int]] = []
    stack = [(g, 0) for g in reversed(tops)]
    while stack:
        goal, depth = stack.pop()
        ordered.append((goal, depth))
        stack.extend((statuses[c], depth + 1) for c in reversed(goal.children))
    return ordered


def report_period(code: str) -> periods.Period | None:
    """A follow-up period of the organisation's scheme (a tertial report) or a year (an annual report)."""
    return periods.parse(code, goal_settings().period_scheme) or periods.parse(code, periods.Scheme.YEAR)


@dataclass
class ReportGoal:
    goal: rollup.GoalStatus
    depth: int
    area: GoalArea
    followups: list[FollowUp]


@dataclass
class Report:
    title: str
    period: periods.Period
    annual: bool
    goals: list[ReportGoal]

    @property
    def filename(self) -> str:
        return f"{self.title} {self.period.code}".replace("/", "-")


def _build(title: str, period: periods.Period, goals: Any, *, own_unit: Unit | None = None) -> Report:
    annual = period.scheme == periods.Scheme.YEAR
    statuses = rollup.roll_up(goals, period.year, until=None if annual else period)
    ordered = thread_order(statuses)
    if own_unit is not None:
        ordered = [(g, 0) for g, _depth in ordered if g.unit_id == own_unit.pk]
    followups: dict[int, list[FollowUp]] = defaultdict(list)
    found = FollowUp.objects.filter(goal__in=goals).select_related("author")
    if annual:
        lo, hi = periods.year_bounds(period.year)
        found = found.filter(period__gte=lo, period__lt=hi)
    else:
        found = found.filter(period=period.code)
    for followup in found.order_by("period"):
        followups[followup.goal_id].append(followup)
    areas = {a.pk: a for a in GoalArea.objects.all()}
    rows = [ReportGoal(g, depth, areas[g.area_id], followups.get(g.id, [])) for g, depth in ordered]
    return Report(title, period, annual, rows)


def unit_report(unit: Unit, period: periods.Period, *, by: Any) -> Report:
    """The unit's own goals, each with its status rolled up from the units below."""
    goals = Goal.objects.visible_to(by, "goal.view").in_subtree(unit)
    return _build(unit.name, period, goals, own_unit=unit)


def area_report(area: GoalArea, period: periods.Period, *, by: Any) -> Report:
    """Every goal of the goal area along the red thread, from the region's goals down."""
    return _build(area.name, period, Goal.objects.visible_to(by, "goal.view").filter(area=area))


def pdf(report: Report) -> bytes:
    """Render with a fetcher that refuses every URL (WeasyPrint is imported only here: it is slow to load)."""
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    class NoFetching(URLFetcher):  # type: ignore[misc]
        def fetch(self, url: str, headers: Any = None) -> Any:
            raise ValueError(f"Reports fetch nothing: {url}")

    context = {
        "report": report,
        "today": timezone.localdate(),
        "period_label": periods.label(report.period.code),
    }
    html = render_to_string("goals/report.html", context)
    return bytes(HTML(string=html, url_fetcher=NoFetching()).write_pdf())


def _followup_cells(row: ReportGoal) -> list[str]:
    if not row.followups:
        return ["", _("No follow-up"), "", "", ""]
    f = row.followups[-1]
    done = _("Yes") if f.done else _("No")
    return [periods.label(f.period), f.get_status_display(), f.analysis, f.next_steps, done]


def xlsx(report: Report) -> bytes:
    """Two sheets: the goals with status and follow-up, and their indicators' values against targets."""
    book = spreadsheets.workbook()
    goals = spreadsheets.sheet(
        book,
        _("Goals"),
        [
            _("Goal area"),
            _("Unit"),
            _("Goal"),
            _("Status"),
            _("Why"),
            _("Period"),
            _("Follow-up"),
            _("Analysis"),
            _("Next steps"),
            _("Marked done"),
        ],
        (20, 28, 48, 12, 60, 10, 16, 60, 48, 8),
    )
    indicators = spreadsheets.sheet(
        book,
        _("Indicators"),
        [
            _("Goal"),
            _("Unit"),
            _("Code"),
            _("Indicator"),
            _("Period"),
            _("Value"),
            _("Target"),
            _("Status"),
            _("Aggregated"),
        ],
        (48, 28, 12, 40),
    )
    labels = {light: str(light.label) for light in rollup.Light}
    for row in report.goals:
        g = row.goal
        base = [
            row.area.name,
            g.unit_name,
            "  " * row.depth + g.title,
            labels[g.status.light],
            g.status.reason,
        ]
        if report.annual and row.followups:
            for f in row.followups:
                done = _("Yes") if f.done else _("No")
                cells = [periods.label(f.period), f.get_status_display(), f.analysis, f.next_steps, done]
                spreadsheets.append(goals, [*base, *cells])
        else:
            spreadsheets.append(goals, [*base, *_followup_cells(row)])
        for v in g.indicators:
            spreadsheets.append(
                indicators,
                [
                    g.title,
                    g.unit_name,
                    v.code,
                    v.name,
                    periods.label(v.period) if v.period else "",
                    v.value,
                    v.target,
                    labels[v.status.light],
                    _("Yes") if v.aggregated else "",
                ],
            )
    for line in goals.iter_rows(min_row=2):
        for cell in line:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    return spreadsheets.to_bytes(book)


@login_required
@require_GET
def download(request: HttpRequest, scope: str, pk: str, fmt: str) -> HttpResponse:
    """A tertial report (``period=2026-T2``) or an annual one (``period=2026``) as PDF or XLSX."""
    period = report_period(request.GET.get("period", ""))
    if period is None:
        text = _("Give a follow-up period, e.g. 2026-T2, or a year.")
        return HttpResponse(text, status=400, content_type="text/plain; charset=utf-8")
    user = request.user
    if scope == "units":
        found = unit_report(
            get_object_or_404(Unit.objects.visible_to(user, "unit.view"), pk=int(pk)), period, by=user
        )
    else:
        found = area_report(get_object_or_404(GoalArea, pk=int(pk)), period, by=user)
    body, content_type = (pdf(found), PDF) if fmt == "pdf" else (xlsx(found), XLSX)
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{found.filename}.{fmt}"'
    return response
