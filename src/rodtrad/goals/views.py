"""Goal pages: the region overview, Våra mål per unit, the goal with its red thread, indicators,
the red-thread tree, follow-up, rounds and report downloads.

Reads go through :mod:`.rollup` (set-based, a fixed number of queries per page) and
``visible_to``; writes only through :mod:`.services`, whose refusals become form errors.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from rodtrad.core import access
from rodtrad.core.context_processors import organisation
from rodtrad.core.errors import StaleWrite
from rodtrad.core.history import describe
from rodtrad.core.models import AuditEntry, Membership, Unit, User
from rodtrad.core.views import Section
from rodtrad.goals import charts, periods, rollup, services
from rodtrad.goals.forms import (
    BreakdownForm,
    FollowUpForm,
    GoToUnitForm,
    MeasurementForm,
    RoundForm,
    YearForm,
)
from rodtrad.goals.models import Activity, FollowUp, FollowUpRound, Goal, GoalArea, Indicator, Sex

HISTORY_LIMIT = 50
SECTION_LIMIT = 10
ROUNDS_PER_PAGE = 20


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _apply_errors(form: Any, exc: ValidationError | StaleWrite) -> None:
    """Show a service's refusal on the form: field errors by field, the rest on top."""
    if isinstance(exc, StaleWrite):
        form.add_error(None, str(exc))
    elif hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _year(request: HttpRequest, default: int) -> tuple[int, YearForm]:
    """The year asked for, or ``default`` with the form's error when it is not a planning year."""
    form = YearForm(request.GET if "year" in request.GET else None, initial={"year": default})
    if form.is_bound and form.is_valid():
        return form.cleaned_data["year"], form
    return default, form


def _status(*forms: Any) -> int:
    return 400 if any(f is not None and f.is_bound and f.errors for f in forms) else 200


def current_period(year: int, today: dt.date | None = None) -> periods.Period:
    """The follow-up period running today in ``year``; the year's last (past) or first (future) period."""
    scheme = services.goal_settings().period_scheme
    today = today or timezone.localdate()
    if today.year == year:
        return periods.containing(today, scheme)
    all_periods = periods.periods_of(scheme, year)
    return all_periods[-1] if year < today.year else all_periods[0]


def _period(request: HttpRequest, year: int) -> periods.Period | None:
    """The period a page is shown as of: ``?period=2026-T2`` when it is one of ``year``'s in the
    organisation's scheme, the current period of ``year`` when none is asked for, else None."""
    code = request.GET.get("period", "").strip()
    if not code:
        return current_period(year)
    found = periods.parse(code, services.goal_settings().period_scheme)
    return found if found is not None and found.year == year else None


def _period_context(request: HttpRequest, period: periods.Period, chosen: bool) -> dict[str, Any]:
    """The period navigation: the year's periods, and why the asked-for one is not shown."""
    context: dict[str, Any] = {"period_choices": periods.periods_of(period.scheme, period.year)}
    if not chosen:
        context["period_error"] = _("%(period)s is not a follow-up period of %(year)s.") % {
            "period": request.GET.get("period", "")[:20],
            "year": period.year,
        }
    return context


# ---- the region overview -------------------------------------------------------------------------


@login_required
@require_GET
def overview(request: HttpRequest) -> HttpResponse:
    """Every goal area with its goals' statuses and reasons for a year, and the way down to any unit."""
    year, year_form = _year(request, rollup.default_year())
    goto = GoToUnitForm(request.GET if "unit" in request.GET else None)
    if goto.is_bound and goto.is_valid():
        return redirect(_unit_url(goto.cleaned_data["unit"], year))
    chosen = _period(request, year)
    period = chosen or current_period(year)
    found = rollup.overview(year, by=_user(request), until=period)
    context = {
        "year": year,
        "year_form": year_form,
        "goto": goto,
        "areas": [(row, _report_links("areas", row.area.pk, period)) for row in found.areas],
        "period": period,
        **_period_context(request, period, chosen is not None),
        "units": Unit.objects.filter(depth__lte=2).order_by("depth", "name"),
    }
    status = 400 if chosen is None else _status(year_form, goto)
    return render(request, "goals/overview.html", context, status=status)


def _unit_url(unit: Unit, year: int) -> str:
    return f"{reverse('goals:unit', args=[unit.pk])}?year={year}"


# ---- Våra mål ------------------------------------------------------------------------------------


@dataclass
class UnitGoalRow:
    """One of the unit's goals as Våra mål shows it."""

    item: rollup.UnitGoal
    area: GoalArea
    activities: list[Activity]
    followup: FollowUp | None


def _followup_initial(followup: FollowUp | None, period: str) -> dict[str, Any]:
    if followup is None:
        return {"period": period, "status": FollowUp.Status.NOT_ASSESSED}
    return {
        "period": period,
        "version": followup.version,
        "status": followup.status,
        "analysis": followup.analysis,
        "next_steps": followup.next_steps,
        "done": followup.done,
    }


def _unit_indicators(goal_ids: list[int]) -> QuerySet[Indicator]:
    qs: QuerySet[Indicator] = Indicator.objects.filter(goals__in=goal_ids).distinct().order_by("code")
    return qs


def _unit_page(
    request: HttpRequest,
    unit: Unit,
    year: int,
    period: periods.Period | None = None,
    status: int = 200,
    period_ok: bool = True,
    **bound: Any,
) -> HttpResponse:
    """Våra mål as of ``period`` (the current one of ``year`` by default): statuses, follow-ups and forms."""
    user = _user(request)
    year_form = bound.pop("year_form", None) or YearForm(initial={"year": year})
    period = period or current_period(year)
    items = rollup.unit_goals(unit, year, by=user, until=period)
    ids = [item.goal.id for item in items]
    activities: dict[int, list[Activity]] = defaultdict(list)
    for activity in Activity.objects.filter(goal_id__in=ids).select_related("responsible"):
        activities[activity.goal_id].append(activity)
    followups = {f.goal_id: f for f in FollowUp.objects.filter(goal_id__in=ids, period=period.code)}
    areas = {a.pk: a for a in GoalArea.objects.all()} if items else {}
    rows = [
        UnitGoalRow(
            item=item,
            area=areas[item.goal.area_id],
            activities=activities.get(item.goal.id, []),
            followup=followups.get(item.goal.id),
        )
        for item in items
    ]
    context: dict[str, Any] = {
        "unit": unit,
        "year": year,
        "year_form": year_form,
        "period": period,
        **_period_context(request, period, period_ok),
        "rows": rows,
        # The follow-up forms load when opened (htmx); without JavaScript they link to the follow-up page.
        "can_follow_up": access.can(user, "followup.edit", unit),
        "here": _unit_url(unit, year) + f"&period={period.code}",
        "vision": organisation(request).vision,
        "ancestors": Unit.objects.filter(path__in=_ancestor_paths(unit.path)).order_by("depth"),
        "children": Unit.objects.filter(path__startswith=unit.path, depth=unit.depth + 1).order_by("name"),
        "reports": _report_links("units", unit.pk, period),
    }
    # The measurement form loads when opened, like the follow-up forms; a refused one is shown here.
    context["can_measure"] = bool(ids) and access.can(user, "measurement.edit", unit)
    context.update(bound)
    return render(request, "goals/unit.html", context, status=status)


def _ancestor_paths(path: str) -> list[str]:
    return [path[:end] for end in range(Unit.steplen, len(path), Unit.steplen)]


def _report_links(scope: str, pk: int, period: periods.Period) -> list[tuple[str, str, str]]:
    """(label, PDF address, XLSX address) for the period's report and the year's."""
    links = []
    for code, label in (
        (period.code, _("Report %(period)s") % {"period": period.label}),
        (str(period.year), _("Annual report %(year)s") % {"year": period.year}),
    ):
        base = reverse("goals:report", kwargs={"scope": scope, "pk": pk, "fmt": "pdf"})
        sheet = reverse("goals:report", kwargs={"scope": scope, "pk": pk, "fmt": "xlsx"})
        links.append((label, f"{base}?period={code}", f"{sheet}?period={code}"))
    return links


def _unit_for(request: HttpRequest, pk: int, action: str | None = None) -> Unit:
    """The unit (else 404) and, for a change, whether the user may do ``action`` there (else 403)."""
    unit: Unit = get_object_or_404(Unit.objects.visible_to(_user(request), "unit.view"), pk=pk)
    if action is not None:
        access.require(_user(request), action, unit)
    return unit


@login_required
@require_GET
def unit_goals(request: HttpRequest, pk: int) -> HttpResponse:
    """Våra mål: the unit's goals with the chain above each, activities, indicators and follow-up."""
    unit = _unit_for(request, pk)
    year, year_form = _year(request, rollup.default_year())
    period = _period(request, year)
    status = 400 if period is None else _status(year_form)
    return _unit_page(
        request, unit, year, period, status=status, period_ok=period is not None, year_form=year_form
    )


_ROW_FIELDS = {"indicator": "indicator", "period": "period", "value": "value", "sex": "sex"}


@login_required
@require_http_methods(["GET", "POST"])
def unit_measure(request: HttpRequest, pk: int) -> HttpResponse:
    """Enter one value of an indicator for the unit (an existing value for the period is replaced).

    GET gives the form: alone for Våra mål to load when it is opened (htmx), else as a page.
    """
    unit = _unit_for(request, pk, "measurement.edit")
    year = rollup.default_year()
    ids = list(
        Goal.objects.filter(unit=unit).for_year(year).values_list("pk", flat=True)  # type: ignore[attr-defined]
    )
    if request.method == "GET":
        initial = {"period": request.GET.get("period", "")[:8] or current_period(year).code}
        context = {
            "unit": unit,
            "measure_form": MeasurementForm(indicators=_unit_indicators(ids), initial=initial),
        }
        if request.headers.get("HX-Request") == "true":
            return render(request, "goals/includes/measure_form.html", context)
        return render(request, "goals/measure.html", context)
    form = MeasurementForm(request.POST, indicators=_unit_indicators(ids))
    if form.is_valid():
        data = form.cleaned_data
        row = services.Row(
            line=1,
            unit=unit.pk,
            indicator=data["indicator"].pk,
            period=data["period"],
            value=data["value"],
            sex=data["sex"],
            comment=data["comment"],
        )
        try:
            services.upsert_measurements([row], by=_user(request))
        except services.InvalidRows as exc:
            for error in exc.errors:
                form.add_error(_ROW_FIELDS.get(error.field), error.message)
        else:
            messages.success(
                request,
                _("The value of %(indicator)s for %(period)s was saved.")
                % {
                    "indicator": data["indicator"].code,
                    "period": periods.label(data["period"].strip()),
                },
            )
            return redirect(_unit_url(unit, year))
    return _unit_page(request, unit, year, status=400, measure_form=form)


# ---- follow-up -----------------------------------------------------------------------------------


def _goal_for(request: HttpRequest, pk: int, action: str | None = None) -> Goal:
    goal: Goal = get_object_or_404(
        Goal.objects.visible_to(_user(request)).select_related("unit", "area", "owner"), pk=pk
    )
    if action is not None:
        access.require(_user(request), action, goal)
    return goal


def _safe_next(request: HttpRequest, default: str, target: str | None = None) -> str:
    """``next`` (from the form, or ``target``) when it leads back into this site, else ``default``."""
    target = request.POST.get("next", "") if target is None else target
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return default


def _followup_form(request: HttpRequest, goal: Goal, period: periods.Period) -> HttpResponse:
    """The follow-up form alone, for Våra mål to load into a goal's card when it is opened."""
    access.require(_user(request), "followup.edit", goal)
    current = FollowUp.objects.filter(goal=goal, period=period.code).first()
    context = {
        "form": FollowUpForm(
            initial=_followup_initial(current, period.code), auto_id=f"followup{goal.pk}_%s"
        ),
        "goal_id": goal.pk,
        "title": goal.title,
        "next": _safe_next(request, "", request.GET.get("next", "")),
    }
    return render(request, "goals/includes/followup_form.html", context)


def _followup_page(
    request: HttpRequest, goal: Goal, period: periods.Period, form: FollowUpForm | None, status: int = 200
) -> HttpResponse:
    user = _user(request)
    found = rollup.chain(goal, by=user, until=period)
    history = list(FollowUp.objects.filter(goal=goal).select_related("author").order_by("-period"))
    current = next((f for f in history if f.period == period.code), None)
    if form is None and access.can(user, "followup.edit", goal):
        form = FollowUpForm(initial=_followup_initial(current, period.code))
    context = {
        "goal": goal,
        "period": period,
        "periods": [p for p in periods.periods_of(period.scheme, period.year)],
        "status": found.status,
        "current": current,
        "earlier": [f for f in history if f.period != period.code],
        "form": form,
    }
    return render(request, "goals/followup.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def followup(request: HttpRequest, pk: int) -> HttpResponse:
    """A goal's follow-up for one period: read it, or write it and mark it done (klarmarkera).

    A write carries the version it was based on; when someone saved in between, the form
    keeps what was typed, shows what is stored now and takes the new version, so a second
    save is a deliberate overwrite and nothing is lost unseen.
    """
    scheme = services.goal_settings().period_scheme
    if request.method == "GET":
        goal = _goal_for(request, pk)
        code = request.GET.get("period", "")
        found = periods.parse(code, scheme) if code else current_period(rollup.default_year(goal))
        if found is None:
            raise Http404(_("Unknown period."))
        if request.headers.get("HX-Request") == "true":
            return _followup_form(request, goal, found)
        return _followup_page(request, goal, found, None)
    goal = _goal_for(request, pk, "followup.edit")
    posted = request.POST.copy()
    form = FollowUpForm(posted)
    period = periods.parse(posted.get("period", ""), scheme) or current_period(rollup.default_year(goal))
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.save_followup(
                by=_user(request),
                goal=goal,
                period=data["period"],
                version=data["version"],
                status=data["status"],
                analysis=data["analysis"],
                next_steps=data["next_steps"],
                done=data["done"],
            )
        except StaleWrite as exc:
            form.add_error(
                None,
                _(
                    "Someone else saved this follow-up in the meantime; what is stored now is shown "
                    "above. Your text is kept here: save again to replace the stored one."
                ),
            )
            posted["version"] = str(exc.current_version)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(
                request,
                _("The follow-up of %(goal)s for %(period)s was saved.")
                % {"goal": goal.title, "period": period.label},
            )
            return redirect(_safe_next(request, _unit_url(goal.unit, period.year)))
    return _followup_page(request, goal, period, form, status=400)


# ---- the goal page -------------------------------------------------------------------------------


def _may_break_down(user: User, goal: Goal) -> bool:
    """Whether the user may break goals down to any unit below this goal's unit."""
    if goal.unit.numchild == 0:
        return False
    tops = access.subtree_paths(user, "goal.breakdown")
    if tops is None:
        return True
    path = goal.unit.path
    return any(top.startswith(path) and top != path or path.startswith(top) for top in tops)


def _breakdown_units(user: User, goal: Goal) -> QuerySet[Unit]:
    """Units one or two levels below the goal's unit where the user may break goals down."""
    qs: QuerySet[Unit] = Unit.objects.visible_to(user, "goal.breakdown").filter(
        path__startswith=goal.unit.path, depth__in=(goal.unit.depth + 1, goal.unit.depth + 2)
    )
    return qs.order_by("path")


def _goal_page(request: HttpRequest, goal: Goal, status: int = 200, **bound: Any) -> HttpResponse:
    user = _user(request)
    year, year_form = _year(request, rollup.default_year(goal))
    found = rollup.chain(goal, by=user, year=year)
    context: dict[str, Any] = {
        "goal": goal,
        "year": year,
        "year_form": year_form,
        "found": found,
        "drawing": charts.chain_drawing(found),
        "followups": FollowUp.objects.filter(goal=goal).order_by("-period"),
        "history": None,
    }
    if _may_break_down(user, goal):
        context["breakdown_form"] = bound.pop("breakdown_form", None) or BreakdownForm(
            units=_breakdown_units(user, goal)
        )
    if access.can(user, "goal.edit", goal) or access.can(user, "audit.view", goal):
        context["history"] = describe(AuditEntry.objects.for_object(goal)[:HISTORY_LIMIT])
    context.update(bound)
    return render(request, "goals/goal.html", context, status=max(status, _status(year_form)))


@login_required
@require_GET
def goal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _goal_page(request, _goal_for(request, pk))


@login_required
@require_POST
def goal_breakdown(request: HttpRequest, pk: int) -> HttpResponse:
    """Bryt ned: a child goal for each chosen unit in one step; units that have one are skipped."""
    goal = _goal_for(request, pk)
    user = _user(request)
    if not _may_break_down(user, goal):
        raise PermissionDenied("goal.breakdown")
    form = BreakdownForm(request.POST, units=_breakdown_units(user, goal))
    if form.is_valid():
        try:
            done = services.breakdown(
                goal.pk, by=user, units=form.cleaned_data["chosen"], title=form.cleaned_data["title"] or None
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        except PermissionDenied:
            form.add_error("codes", _("You may not break goals down to one of those units."))
        else:
            text = _("Goals were created for %(units)s.") % {
                "units": ", ".join(g.unit.name for g in done.created) or "–"
            }
            if done.skipped:
                text += " " + _("Already broken down to %(units)s.") % {
                    "units": ", ".join(u.name for u in done.skipped)
                }
            messages.success(request, text)
            return redirect("goals:goal", goal.pk)
    return _goal_page(request, goal, status=400, breakdown_form=form)


# ---- the indicator page --------------------------------------------------------------------------


@dataclass
class SeriesRow:
    """One period of the data table beside the chart, its numbers already written out."""

    label: str
    values: list[str]
    aggregated: bool
    target: str


@login_required
@require_GET
def indicator_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """An indicator's trend for a unit (its own values, or its subunits' aggregated) against the target."""
    indicator: Indicator = get_object_or_404(
        Indicator.objects.visible_to(_user(request), "goal.view").select_related("unit"), pk=pk
    )
    year, year_form = _year(request, rollup.default_year())
    goto = GoToUnitForm(request.GET if "unit" in request.GET else None)
    unit = goto.cleaned_data["unit"] if goto.is_bound and goto.is_valid() else indicator.unit
    found = rollup.series(indicator, unit, years=(year - 1, year))
    sexes = [Sex.TOTAL, Sex.WOMEN, Sex.MEN] if indicator.by_sex else [Sex.TOTAL]
    targets = {t.year: t.target for t in found.targets}
    by_period: dict[str, dict[str, rollup.Point]] = defaultdict(dict)
    for point in found.points:
        by_period[point.period][point.sex] = point
    rows = [
        SeriesRow(
            label=periods.label(code),
            values=[charts.number(by_period[code][s].value) if s in by_period[code] else "–" for s in sexes],
            aggregated=any(p.aggregated for p in by_period[code].values()),
            target=charts.number(targets.get(int(code[:4]))) or "–",
        )
        for code in sorted(by_period)
    ]
    context = {
        "indicator": indicator,
        "unit": unit,
        "year": year,
        "year_form": year_form,
        "goto": goto,
        "chart": charts.trend(found),
        "sexes": [s.label for s in sexes],
        "rows": rows,
        "aggregated": any(row.aggregated for row in rows),
        "targets": found.targets,
        "goals": Goal.objects.filter(indicators=indicator).for_year(year).select_related("unit")[:50],  # type: ignore[attr-defined]
    }
    return render(request, "goals/indicator.html", context, status=_status(year_form, goto))


# ---- the red-thread tree -------------------------------------------------------------------------


@dataclass
class TreeLeaf:
    """An indicator or activity under a goal in the tree."""

    kind: str
    title: str
    meta: str
    light: rollup.Light | None = None
    href: str = ""


@dataclass
class GoalNode:
    """A goal in the tree; ``branch`` holds what lies under it once it is opened, else it loads on demand."""

    goal: rollup.GoalStatus
    href: str
    branch_url: str
    has_branch: bool
    branch: list[TreeLeaf | GoalNode] | None = None


def _node(goal: rollup.GoalStatus, year: int, has_activities: bool) -> GoalNode:
    return GoalNode(
        goal=goal,
        href=reverse("goals:goal", args=[goal.id]) + f"?year={year}",
        branch_url=reverse("goals:tree_branch", args=[goal.id]) + f"?year={year}",
        has_branch=bool(goal.children or goal.indicators or has_activities),
    )


def _nodes(goals: list[rollup.GoalStatus], year: int) -> list[GoalNode]:
    """Closed nodes for ``goals``: one query, for which of them have activities."""
    ids = [g.id for g in goals]
    active = set(
        Activity.objects.filter(goal_id__in=ids).order_by().values_list("goal_id", flat=True).distinct()
    )
    return [_node(g, year, g.id in active) for g in goals]


@login_required
@require_GET
def tree(request: HttpRequest) -> HttpResponse:
    """The red thread's top: the vision, the goal areas and their top goals; deeper levels load on demand.

    The statuses come from the (cached) overview, so the page costs the same whatever lies below.
    """
    year, year_form = _year(request, rollup.default_year())
    found = rollup.overview(year, by=_user(request))
    nodes = iter(_nodes([g for row in found.areas for g in row.goals], year))
    areas = [(row, [next(nodes) for _goal in row.goals]) for row in found.areas]
    context = {"year": year, "year_form": year_form, "areas": areas, "vision": organisation(request).vision}
    return render(request, "goals/tree.html", context, status=_status(year_form))


@login_required
@require_GET
def tree_branch(request: HttpRequest, pk: int) -> HttpResponse:
    """What lies under one goal: its indicators, its activities and its sub-goals (closed).

    For htmx the list items alone; without JavaScript the opening link leads here, to a page
    with the goal opened and the goals above it to go back up. A fixed number of queries.
    """
    goal = _goal_for(request, pk)
    year, year_form = _year(request, rollup.default_year(goal))
    below = Goal.objects.visible_to(_user(request), "goal.view").in_subtree(goal.unit).filter(area=goal.area)
    statuses = rollup.roll_up(below, year)
    status = statuses.get(goal.pk) or rollup.GoalStatus(
        goal.pk, goal.title, goal.area_id, goal.parent_id, goal.unit_id, goal.unit.code, goal.unit.name
    )
    branch: list[TreeLeaf | GoalNode] = []
    for value in status.indicators:
        numbers = {"value": charts.number(value.value) or "–", "target": charts.number(value.target) or "–"}
        if value.period:
            numbers["period"] = periods.label(value.period)
            meta = _("%(value)s in %(period)s against target %(target)s") % numbers
        else:
            meta = _("%(value)s against target %(target)s") % numbers
        href = f"{reverse('goals:indicator', args=[value.indicator_id])}?unit={goal.unit.code}&year={year}"
        branch.append(TreeLeaf(_("Indicator"), f"{value.code} {value.name}", meta, value.status.light, href))
    activities = list(goal.activities.all())
    for activity in activities:
        meta = f"{activity.get_status_display()}, {activity.progress} %"
        branch.append(TreeLeaf(_("Activity"), activity.title, meta))
    branch.extend(_nodes([statuses[c] for c in status.children], year))
    if request.headers.get("HX-Request") == "true":
        return render(request, "goals/partials/tree_branch.html", {"branch": branch})
    node = _node(status, year, bool(activities))
    node.branch = branch
    context = {
        "year": year,
        "year_form": year_form,
        "goal": goal,
        "node": node,
        "above": rollup.goals_above(goal),
        "vision": organisation(request).vision,
    }
    return render(request, "goals/tree_branch.html", context, status=_status(year_form))


# ---- follow-up rounds ----------------------------------------------------------------------------


def _rounds_page(request: HttpRequest, status: int = 200, form: RoundForm | None = None) -> HttpResponse:
    user = _user(request)
    qs = FollowUpRound.objects.annotate(unit_count=Count("units")).order_by("-deadline", "-pk")
    page = Paginator(qs, ROUNDS_PER_PAGE).get_page(request.GET.get("page"))
    if form is None and access.can_anywhere(user, "followup.round"):
        period = current_period(rollup.default_year())
        form = RoundForm(initial={"period": period.code, "deadline": period.end + dt.timedelta(days=30)})
    return render(request, "goals/rounds.html", {"page": page, "form": form, "query": ""}, status=status)


@login_required
@require_GET
def rounds(request: HttpRequest) -> HttpResponse:
    return _rounds_page(request)


@login_required
@require_POST
def round_open(request: HttpRequest) -> HttpResponse:
    """Open a round for units in the quality coordinator's subtree; their managers are told."""
    user = _user(request)
    if not access.can_anywhere(user, "followup.round"):
        raise PermissionDenied("followup.round")
    form = RoundForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            opened = services.open_round(
                by=user,
                period=data["period"],
                deadline=data["deadline"],
                units=data["units"],
                title=data["title"],
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        except PermissionDenied:
            form.add_error("units", _("You may not open rounds for one of those units."))
        else:
            messages.success(request, _("The round %(title)s was opened.") % {"title": opened.title})
            return redirect("goals:round", opened.pk)
    return _rounds_page(request, status=400, form=form)


@login_required
@require_GET
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Which of the round's units are done: each goal of theirs followed up and marked done."""
    found = get_object_or_404(FollowUpRound.objects.select_related("created_by"), pk=pk)
    progress = rollup.round_progress(found)
    context = {
        "round": found,
        "progress": progress,
        "done": sum(1 for p in progress if p.is_done),
        "late": found.deadline < timezone.localdate(),
        "period_label": periods.label(found.period),
    }
    return render(request, "goals/round.html", context)


# ---- Min sida ------------------------------------------------------------------------------------


def _followup_section(request: HttpRequest) -> dict[str, Any]:
    """Goals of the units where I hold a follow-up role or am the manager, not yet followed up and done.

    Today's period is matched in every scheme at once (their codes never collide), so a
    person without such goals costs one query; the scheme is read only to name the period.
    """
    user = _user(request)
    today = timezone.localdate()
    codes = [periods.containing(today, scheme).code for scheme in periods.Scheme]
    mine = Membership.objects.filter(user=user, role__in=access.ACTIONS["followup.edit"]).values("unit_id")
    this_period = FollowUp.objects.filter(goal=OuterRef("pk"), period__in=codes)
    goals = list(
        Goal.objects.for_year(today.year)  # type: ignore[attr-defined]
        .filter(Q(unit__in=mine) | Q(unit__in=Unit.objects.filter(manager=user).values("pk")))
        .exclude(pk__in=FollowUp.objects.filter(period__in=codes, done=True).values("goal_id"))
        .annotate(started=Exists(this_period))
        .select_related("unit")
        .order_by("unit__name", "title", "pk")[: SECTION_LIMIT + 1]
    )
    return {
        "period": current_period(today.year, today) if goals else None,
        "goals": goals[:SECTION_LIMIT],
        "more": len(goals) > SECTION_LIMIT,
    }


SECTIONS = [Section("goals/sections/followup.html", _followup_section)]
