"""Read services for the red thread: statuses rolled up, the overview, chains and indicator series.

The roll-up rule, as the organisation chooses it in :class:`GoalSettings`:

- An indicator linked to a goal is judged on its latest value in the year for the goal's
  unit (total, not by sex) against that year's thresholds: green at or past ``green``,
  yellow at or past ``yellow``, otherwise red. No value or no target: no status. As of a
  period (a tertial report, the overview for T2), only values of periods that have ended
  by the end of that period count, so a T2 report never shows a T3 value.
- A unit that measures nothing itself in that window (a förvaltning, the region) takes the
  latest period with values below it, aggregated as on the indicator page (:func:`series`),
  and the value is marked as aggregated. Aggregation "none": no value.
- A goal's status comes from its indicators and its child goals (those running in the
  year), ignoring those without status. *Worst of*: the worst status decides. *Majority*:
  the most common status decides, a tie going to the worse. Nothing to judge: no status.
- A goal area's status comes from its top goals by the same rule.
- Among equals, indicators (by code) come before child goals (by title, then id), so the
  status and its reason are the same every time. The reason names what decided it.

Everything is set-based: a fixed number of queries for any number of goals.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from django.core.cache import cache
from django.db import models
from django.db.models import Exists, OuterRef, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from rodtrad.core import access
from rodtrad.core.models import AuditHead, Organisation, Unit
from rodtrad.goals import periods
from rodtrad.goals.models import (
    Activity,
    FollowUp,
    FollowUpRound,
    Goal,
    GoalArea,
    GoalSettings,
    Indicator,
    IndicatorTarget,
    Measurement,
    Sex,
)
from rodtrad.goals.services import goal_settings


class Light(models.TextChoices):
    """A computed status; the order of severity is red, yellow, green, then none."""

    GREEN = "green", gettext_lazy("Green")
    YELLOW = "yellow", gettext_lazy("Yellow")
    RED = "red", gettext_lazy("Red")
    NONE = "none", gettext_lazy("No status")


#: Up to this many links without a value of their own are named by id in the query for the
#: values below them (cheaper than finding them again); more are found again in SQL, which
#: keeps the query within every database's limit on parameters.
MAX_LISTED_LINKS = 1000
#: How long a cached overview may live; a write to the audit chain makes it unreachable sooner.
OVERVIEW_CACHE_SECONDS = 600
SEVERITY = {Light.RED: 3, Light.YELLOW: 2, Light.GREEN: 1, Light.NONE: 0}


@dataclass(frozen=True)
class Status:
    light: Light
    reason: str


@dataclass(frozen=True)
class IndicatorValue:
    """An indicator judged for one goal: its latest value in the year against the year's target."""

    indicator_id: int
    code: str
    name: str
    measure: str
    direction: str
    period: str | None
    value: float | None
    target: float | None
    green: float | None
    yellow: float | None
    status: Status
    aggregated: bool = False


@dataclass
class GoalStatus:
    """One goal with its rolled-up status, as the overview, unit pages and chains show it."""

    id: int
    title: str
    area_id: int
    parent_id: int | None
    unit_id: int
    unit_code: str
    unit_name: str
    status: Status = field(default_factory=lambda: Status(Light.NONE, ""))
    indicators: list[IndicatorValue] = field(default_factory=list)
    children: list[int] = field(default_factory=list)


def default_year(goal: Goal | None = None, today: dt.date | None = None) -> int:
    """This year, or the nearest year the goal runs in."""
    year = (today or timezone.localdate()).year
    if goal is not None:
        year = min(max(year, goal.year_from), goal.year_to)
    return year


def _number(value: float | None) -> str:
    if value is None:
        return ""
    return f"{value:.10g}".replace(".", ",")


def judge(direction: str, value: float | None, target: IndicatorTarget | None) -> Light:
    """Green at or past ``green``, yellow at or past ``yellow``, else red (by the direction)."""
    if value is None or target is None:
        return Light.NONE
    if direction == Indicator.Direction.LOWER:
        value, green, yellow = -value, -target.green, -target.yellow
    else:
        green, yellow = target.green, target.yellow
    if value >= green:
        return Light.GREEN
    if value >= yellow:
        return Light.YELLOW
    return Light.RED


class Words:
    """The reason texts in the active language, translated once per roll-up rather than once per goal."""

    def __init__(self) -> None:
        self.no_value = _("Indicator %(code)s has no value for %(year)s.")
        self.no_value_until = _("Indicator %(code)s has no value up to %(period)s.")
        self.no_target = _("Indicator %(code)s has no target for %(year)s.")
        self.value = _("Indicator %(code)s is %(value)s %(measure)s in %(period)s (target %(target)s).")
        self.aggregated = _(
            "Indicator %(code)s is %(value)s %(measure)s in %(period)s, aggregated over the units "
            "below (target %(target)s)."
        )
        self.nothing = _("Nothing to judge yet: no values against targets and no judged sub-goals.")
        self.majority = _("%(light)s (%(count)s of %(total)s): ")
        self.worst = _("%(light)s: ")
        self.child = _("sub-goal “%(goal)s” (%(unit)s) is %(light)s.")
        self.goal = _("goal “%(goal)s” is %(light)s.")
        self.labels = {light: str(light.label) for light in Light}
        self.periods: dict[str, str] = {}

    def period(self, code: str) -> str:
        if code not in self.periods:
            self.periods[code] = periods.label(code)
        return self.periods[code]

    def indicator(
        self, row: dict[str, Any], target: IndicatorTarget | None, year: int, until: periods.Period | None
    ) -> str:
        if row["period"] is None and until is not None:
            return self.no_value_until % {"code": row["code"], "period": self.period(until.code)}
        if row["period"] is None:
            return self.no_value % {"code": row["code"], "year": year}
        if target is None:
            return self.no_target % {"code": row["code"], "year": year}
        text = self.aggregated if row.get("aggregated") else self.value
        return text % {
            "code": row["code"],
            "value": _number(row["value"]),
            "measure": row["measure"],
            "period": self.period(row["period"]),
            "target": _number(target.target),
        }

    def sub_goal(self, child: GoalStatus) -> str:
        light = self.labels[child.status.light].lower()
        return self.child % {"goal": child.title, "unit": child.unit_name, "light": light}


#: An input to a decision: its status, and its reason, built only if it is the one that decides.
Input = tuple[Light, Callable[[], str]]


def _decide(rule: str, inputs: list[Input], words: Words) -> Status:
    """Apply the rule to the inputs, already in their deterministic order."""
    judged = [(light, reason) for light, reason in inputs if light != Light.NONE]
    if not judged:
        return Status(Light.NONE, words.nothing)
    if rule == GoalSettings.Rule.MAJORITY:
        counts = Counter(light for light, _reason in judged)
        light = max(counts, key=lambda lt: (counts[lt], SEVERITY[lt]))
        reason = next(reason for lt, reason in judged if lt == light)
        prefix = words.majority % {"light": words.labels[light], "count": counts[light], "total": len(judged)}
        return Status(light, prefix + reason())
    light = max((lt for lt, _reason in judged), key=lambda lt: SEVERITY[lt])
    reason = next(reason for lt, reason in judged if lt == light)
    return Status(light, words.worst % {"light": words.labels[light]} + reason())


def _const(text: str) -> Callable[[], str]:
    return lambda: text


def roll_up(
    goals: QuerySet[Goal], year: int, rule: str | None = None, *, until: periods.Period | None = None
) -> dict[int, GoalStatus]:
    """Statuses of ``goals`` running in ``year``, each from its indicators and its children in the set.

    ``until`` (a period of ``year``) judges each indicator on its latest value up to the end
    of that period instead of the year's latest. Six queries whatever the number of goals:
    the goals, their indicator links with the latest value, the targets, the settings, and
    (only when some goal's unit has no value of its own) the values below those units.
    """
    if until is not None and until.year != year:
        raise ValueError(f"{until.code} is not a period of {year}")
    scope = goals.for_year(year)  # type: ignore[attr-defined]
    rule = rule or goal_settings().rollup_rule
    words = Words()
    rows = scope.values("id", "title", "area_id", "parent_id", "unit_id", "unit__code", "unit__name")
    result = {
        r["id"]: GoalStatus(
            id=r["id"],
            title=r["title"],
            area_id=r["area_id"],
            parent_id=r["parent_id"],
            unit_id=r["unit_id"],
            unit_code=r["unit__code"],
            unit_name=r["unit__name"],
        )
        for r in rows
    }
    if not result:
        return result
    window = _window(year, until)
    latest = Measurement.objects.filter(
        window(""), indicator=OuterRef("indicator_id"), unit=OuterRef("goal__unit_id"), sex=Sex.TOTAL
    ).order_by("-period")
    links = (
        Goal.indicators.through.objects.filter(goal__in=scope)
        .annotate(
            period=Subquery(latest.values("period")[:1]),
            value=Subquery(latest.values("value")[:1]),
        )
        .values(
            "id",
            "goal_id",
            "indicator_id",
            "period",
            "value",
            code=models.F("indicator__code"),
            name=models.F("indicator__name"),
            measure=models.F("indicator__measure"),
            direction=models.F("indicator__direction"),
            aggregation=models.F("indicator__aggregation"),
        )
    )
    link_rows = list(links)
    none = Indicator.Aggregation.NONE
    missing = [r["id"] for r in link_rows if r["period"] is None and r["aggregation"] != none]
    if missing:
        through = Goal.indicators.through.objects
        if len(missing) <= MAX_LISTED_LINKS:
            lacking = through.filter(pk__in=missing)
        else:
            lacking = (
                through.filter(goal__in=scope).exclude(indicator__aggregation=none).filter(~Exists(latest))
            )
        below = _values_below(lacking, window)
        for row in link_rows:
            found = below.get((row["goal_id"], row["indicator_id"])) if row["period"] is None else None
            if found is not None:
                row.update(period=found[0], value=found[1], aggregated=True)
    targets = {
        t.indicator_id: t
        for t in IndicatorTarget.objects.filter(
            year=year,
            indicator_id__in=Goal.indicators.through.objects.filter(goal__in=scope).values("indicator_id"),
        )
    }
    for row in sorted(link_rows, key=lambda r: r["code"]):
        goal = result[row["goal_id"]]
        target = targets.get(row["indicator_id"])
        light = judge(row["direction"], row["value"], target)
        goal.indicators.append(
            IndicatorValue(
                indicator_id=row["indicator_id"],
                code=row["code"],
                name=row["name"],
                measure=row["measure"],
                direction=row["direction"],
                period=row["period"],
                value=row["value"],
                target=target.target if target else None,
                green=target.green if target else None,
                yellow=target.yellow if target else None,
                status=Status(light, words.indicator(row, target, year, until)),
                aggregated=row.get("aggregated", False),
            )
        )
    for goal in result.values():
        if goal.parent_id in result:
            result[goal.parent_id].children.append(goal.id)
    order = sorted(result.values(), key=lambda g: (g.title, g.id))
    for goal in order:
        goal.children.sort(key=lambda pk: (result[pk].title, pk))
    done: set[int] = set()

    def settle(goal: GoalStatus) -> None:
        # Iterative post-order, so deep chains need no recursion.
        stack: list[tuple[GoalStatus, bool]] = [(goal, False)]
        while stack:
            node, expanded = stack.pop()
            if node.id in done:
                continue
            if not expanded:
                stack.append((node, True))
                stack.extend((result[c], False) for c in node.children if c not in done)
                continue
            inputs: list[Input] = [(i.status.light, _const(i.status.reason)) for i in node.indicators]
            inputs += [(result[c].status.light, partial(words.sub_goal, result[c])) for c in node.children]
            node.status = _decide(rule, inputs, words)
            done.add(node.id)

    for goal in order:
        settle(goal)
    return result


def _window(year: int, until: periods.Period | None) -> Callable[[str], models.Q]:
    """The periods that count, as a filter on measurements reached through ``prefix``."""
    if until is None:
        lo, hi = periods.year_bounds(year)
        return lambda prefix: models.Q(**{f"{prefix}period__gte": lo, f"{prefix}period__lt": hi})
    codes = periods.codes_until(until)
    return lambda prefix: models.Q(**{f"{prefix}period__in": codes})


def _values_below(
    links: QuerySet[Any], window: Callable[[str], models.Q]
) -> dict[tuple[int, int], tuple[str, float]]:
    """Per goal–indicator link (those whose goal's unit has no value of its own): the latest
    period in the window with values below the goal's unit, and their aggregate
    (:func:`subtree_value`). One query, over just those links' subtrees."""
    m = "indicator__measurements__"
    rows = (
        links.filter(
            window(m),
            **{f"{m}sex": Sex.TOTAL, f"{m}unit__path__startswith": models.F("goal__unit__path")},
        )
        .values(
            "goal_id",
            "indicator_id",
            how=models.F("indicator__aggregation"),
            period=models.F(f"{m}period"),
            value=models.F(f"{m}value"),
            weight=models.F(f"{m}weight"),
            path=models.F(f"{m}unit__path"),
        )
        .order_by()
    )
    grouped: dict[tuple[int, int], dict[str, list[dict[str, Any]]]] = defaultdict(lambda: defaultdict(list))
    for row in rows:
        grouped[(row["goal_id"], row["indicator_id"])][row["period"]].append(row)
    found: dict[tuple[int, int], tuple[str, float]] = {}
    for key, by_period in grouped.items():
        for period in sorted(by_period, reverse=True):
            group = by_period[period]
            value = subtree_value(group[0]["how"], group)
            if value is not None:
                found[key] = (period, value)
                break
    return found


@dataclass
class AreaOverview:
    area: GoalArea
    status: Status
    goals: list[GoalStatus]


@dataclass
class Overview:
    """The region overview: each goal area with its status and its top goals, for one year."""

    year: int
    unit: Unit | None
    rule: str
    areas: list[AreaOverview]
    goal_count: int


def overview(
    year: int, *, by: Any, unit: Unit | None = None, until: periods.Period | None = None
) -> Overview:
    """Every goal area with its top goals' rolled-up statuses; ``unit`` drills down to a subtree,
    ``until`` judges the indicators as of a period (see :func:`roll_up`).

    Top goals are the goals in view whose parent is not (the region's own goals, or in a
    drill-down the goals broken down into the subtree). Every signed-in person sees every
    goal, so the result is the same for all and is cached under the audit chain's head:
    every write through the services extends the chain, so no cached overview outlives a
    change. Two queries when cached, nine when not.
    """
    if access.subtree_paths(by, "goal.view") is not None:
        return _overview(year, by, unit, until)
    cut = until.code if until else year
    key = f"goals:overview:{year}:{cut}:{unit.pk if unit else 0}:{get_language()}:{_audit_head()}"
    found: Overview | None = cache.get(key)
    if found is None:
        found = _overview(year, by, unit, until)
        cache.set(key, found, OVERVIEW_CACHE_SECONDS)
    return found


def _overview(year: int, by: Any, unit: Unit | None, until: periods.Period | None) -> Overview:
    settings_obj = goal_settings()
    goals = Goal.objects.visible_to(by, "goal.view")
    if unit is not None:
        goals = goals.in_subtree(unit)
    statuses = roll_up(goals, year, settings_obj.rollup_rule, until=until)
    organisation = Organisation.objects.order_by("pk").first()
    areas = list(GoalArea.objects.filter(organisation=organisation)) if organisation else []
    tops: dict[int, list[GoalStatus]] = defaultdict(list)
    for goal in sorted(statuses.values(), key=lambda g: (g.title, g.id)):
        if goal.parent_id not in statuses:
            tops[goal.area_id].append(goal)
    words = Words()
    result = []
    for area in areas:
        inputs: list[Input] = [
            (
                g.status.light,
                _const(words.goal % {"goal": g.title, "light": words.labels[g.status.light].lower()}),
            )
            for g in tops[area.pk]
        ]
        result.append(AreaOverview(area, _decide(settings_obj.rollup_rule, inputs, words), tops[area.pk]))
    return Overview(year, unit, settings_obj.rollup_rule, result, len(statuses))


@dataclass
class Chain:
    """The red thread through one goal: vision, goal area, the goals above, the goal and below."""

    vision: str
    area: GoalArea
    ancestors: list[Goal]
    goal: Goal
    year: int
    status: GoalStatus
    children: list[GoalStatus]
    activities: list[Activity]


def _ancestors(goals: Iterable[Goal], start: Goal) -> list[Goal]:
    by_id = {g.pk: g for g in goals}
    found: list[Goal] = []
    current = by_id.get(start.parent_id) if start.parent_id else None
    while current is not None and len(found) < 100:
        found.append(current)
        current = by_id.get(current.parent_id) if current.parent_id else None
    return list(reversed(found))


def _above(unit: Unit) -> QuerySet[Goal]:
    """Goals of the unit and every unit above it: where any ancestor goal must lie."""
    paths = [unit.path[:end] for end in range(Unit.steplen, len(unit.path) + 1, Unit.steplen)]
    return Goal.objects.filter(unit__path__in=paths).select_related("unit")


def goals_above(goal: Goal) -> list[Goal]:
    """The goals above ``goal`` in the red thread, the top first (one query)."""
    return _ancestors(_above(goal.unit).filter(area=goal.area), goal)


def chain(goal: Goal, *, by: Any, year: int | None = None, until: periods.Period | None = None) -> Chain:
    """The chain for one goal, its status and its children's, for the year or as of a period
    (a fixed number of queries)."""
    year = until.year if until else year or default_year(goal)
    ancestors = _ancestors(_above(goal.unit).filter(area=goal.area), goal)
    below = Goal.objects.visible_to(by, "goal.view").in_subtree(goal.unit).filter(area=goal.area)
    statuses = roll_up(below, year, until=until)
    status = statuses.get(goal.pk) or GoalStatus(
        goal.pk, goal.title, goal.area_id, goal.parent_id, goal.unit_id, goal.unit.code, goal.unit.name
    )
    organisation = Organisation.objects.order_by("pk").first()
    return Chain(
        vision=organisation.vision if organisation else "",
        area=goal.area,
        ancestors=ancestors,
        goal=goal,
        year=year,
        status=status,
        children=[statuses[c] for c in status.children],
        activities=list(goal.activities.select_related("responsible")),
    )


@dataclass
class UnitGoal:
    """A unit's goal with its status and the goals above it (top first): where it comes from."""

    goal: GoalStatus
    above: list[Goal]


def _audit_head() -> int:
    head: int = AuditHead.objects.filter(pk=1).values_list("seq", flat=True).first() or 0
    return head


def unit_goals(unit: Unit, year: int, *, by: Any, until: periods.Period | None = None) -> list[UnitGoal]:
    """ "Våra mål": the unit's own goals for the year, each with its status (as of ``until``
    when given) and its chain upwards.

    Like the overview, the same for everyone who sees every goal, so cached for them under
    the audit chain's head: two queries when cached.
    """
    if access.subtree_paths(by, "goal.view") is not None:
        return _unit_goals(unit, year, by, until)
    cut = until.code if until else year
    key = f"goals:unit:{unit.pk}:{year}:{cut}:{get_language()}:{_audit_head()}"
    found: list[UnitGoal] | None = cache.get(key)
    if found is None:
        found = _unit_goals(unit, year, by, until)
        cache.set(key, found, OVERVIEW_CACHE_SECONDS)
    return found


def _unit_goals(unit: Unit, year: int, by: Any, until: periods.Period | None) -> list[UnitGoal]:
    statuses = roll_up(Goal.objects.visible_to(by, "goal.view").in_subtree(unit), year, until=until)
    own = sorted((g for g in statuses.values() if g.unit_id == unit.pk), key=lambda g: (g.title, g.id))
    above = list(_above(unit).for_year(year)) if own else []  # type: ignore[attr-defined]
    placeholders = {g.pk: g for g in above}
    return [UnitGoal(g, _ancestors(above, placeholders[g.id])) for g in own if g.id in placeholders]


@dataclass(frozen=True)
class Point:
    period: str
    sex: str
    value: float
    aggregated: bool = False


@dataclass
class Series:
    """An indicator's values for a unit over time, per sex, with its targets per year (for charts)."""

    indicator: Indicator
    unit: Unit
    points: list[Point]
    targets: list[IndicatorTarget]


def _aggregate(how: str, rows: list[dict[str, Any]]) -> float | None:
    values = [r["value"] for r in rows]
    if how == Indicator.Aggregation.SUM:
        return float(sum(values))
    if how == Indicator.Aggregation.MEAN:
        return float(sum(values) / len(values))
    if how == Indicator.Aggregation.WEIGHTED_MEAN:
        weighted = [(r["value"], r["weight"]) for r in rows if r["weight"]]
        total = sum(w for _v, w in weighted)
        return float(sum(v * w for v, w in weighted) / total) if total else None
    return None


def _highest(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rows of the highest units among them: none lies below another, so no value is
    counted twice. Sorted by path, a unit's descendants follow it directly."""
    kept: list[dict[str, Any]] = []
    for row in sorted(rows, key=lambda r: r["path"]):
        if not kept or not row["path"].startswith(kept[-1]["path"]):
            kept.append(row)
    return kept


def subtree_value(how: str, rows: list[dict[str, Any]]) -> float | None:
    """A unit's value for one period and sex from its subtree's rows (``path``, ``value``,
    ``weight``): the values of the highest units below that have one, combined by the aggregation ``how``."""
    return _aggregate(how, _highest(rows))


def series(indicator: Indicator, unit: Unit, *, years: tuple[int, int] | None = None) -> Series:
    """The unit's own values, or where it has none for a period, its subunits' values aggregated.

    Aggregation takes, per period and sex, the values of the highest units below that have
    one (so no value is counted twice) and combines them as the indicator says; with
    aggregation "none" a unit without its own value has none. Three queries.
    """
    qs = Measurement.objects.filter(indicator=indicator, unit__path__startswith=unit.path)
    if years is not None:
        qs = qs.filter(period__gte=str(years[0]), period__lt=str(years[1] + 1))
    rows = list(qs.values("period", "sex", "value", "weight", path=models.F("unit__path")).order_by("path"))
    grouped: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        grouped[(row["period"], row["sex"])].append(row)
    points = []
    for (period, sex), group in sorted(grouped.items()):
        own = next((r for r in group if r["path"] == unit.path), None)
        if own is not None:
            points.append(Point(period, sex, own["value"]))
            continue
        value = subtree_value(indicator.aggregation, group)
        if value is not None:
            points.append(Point(period, sex, value, aggregated=True))
    targets = list(indicator.targets.all())
    return Series(indicator, unit, points, targets)


@dataclass
class UnitProgress:
    unit: Unit
    goals: int
    done: int

    @property
    def is_done(self) -> bool:
        return self.done >= self.goals


def round_progress(followup_round: FollowUpRound) -> list[UnitProgress]:
    """Per unit of the round: its goals in the period's year and how many are followed up and done.

    A unit without goals that year counts as done. Three queries.
    """
    units = list(followup_round.units.order_by("path"))
    year = int(followup_round.period[:4])
    goal_counts = dict(
        Goal.objects.for_year(year)
        .filter(unit__in=units)
        .values_list("unit_id")
        .annotate(n=models.Count("pk"))
        .values_list("unit_id", "n")
    )
    done_counts = dict(
        FollowUp.objects.filter(period=followup_round.period, done=True, goal__unit__in=units)
        .filter(goal__year_from__lte=year, goal__year_to__gte=year)
        .values_list("goal__unit_id")
        .annotate(n=models.Count("pk"))
        .values_list("goal__unit_id", "n")
    )
    return [UnitProgress(u, goal_counts.get(u.pk, 0), done_counts.get(u.pk, 0)) for u in units]
