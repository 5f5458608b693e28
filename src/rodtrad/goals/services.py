"""Business rules for goals, indicators, measurements and follow-up: the only code that writes them.

Each service runs in one transaction, checks the caller's rights through
:mod:`rodtrad.core.access`, writes its audit entries last and notifies people after commit.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rodtrad.core import access
from rodtrad.core.access import Actor
from rodtrad.core.errors import StaleWrite
from rodtrad.core.models import AuditAction, Organisation, Unit, User
from rodtrad.core.services import audit
from rodtrad.core.services.common import field_error, lock
from rodtrad.core.services.notifications import notify_many
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

AREA_FIELDS = ("name", "description", "colour", "position")
GOAL_FIELDS = ("area", "unit", "parent", "title", "description", "owner", "year_from", "year_to")
ACTIVITY_FIELDS = ("title", "description", "responsible", "start", "end", "status", "progress")
INDICATOR_FIELDS = (
    "code",
    "name",
    "description",
    "unit",
    "measure",
    "direction",
    "frequency",
    "aggregation",
    "by_sex",
    "source",
)
FOLLOWUP_FIELDS = ("status", "analysis", "next_steps", "done")
#: The default distance from green to yellow, as a share of the target ("yellow within 10 %").
YELLOW_MARGIN = 0.10
BATCH = 2000
_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")


def _require(by: Actor, action: str, obj: Any) -> None:
    if not access.can(by, action, obj):
        raise access.PermissionDenied(action)


def _organisation() -> Organisation:
    organisation = Organisation.objects.order_by("pk").first()
    if organisation is None:
        organisation = Organisation.objects.create(name=_("Organisation"))
    return organisation


# ---- settings and goal areas ------------------------------------------------------------


def goal_settings() -> GoalSettings:
    """The organisation's settings, or the defaults (tertials, worst-of) when none are saved."""
    found = GoalSettings.objects.filter(organisation__in=Organisation.objects.order_by("pk")[:1]).first()
    return found or GoalSettings(period_scheme=periods.Scheme.TERTIAL, rollup_rule=GoalSettings.Rule.WORST)


@transaction.atomic
def update_settings(*, by: Actor, version: int | None, **changes: Any) -> GoalSettings:
    """Change the follow-up periods or the roll-up rule (a role on the top unit is needed)."""
    current = goal_settings()
    settings_obj = (
        lock(GoalSettings, current.pk, version) if current.pk else GoalSettings(organisation=_organisation())
    )
    _require(by, "goalarea.edit", settings_obj)
    fields = ("period_scheme", "rollup_rule")
    before = audit.snapshot(settings_obj, fields) if settings_obj.pk else {}
    for key, value in changes.items():
        if key not in fields:
            raise field_error(key, _("Unknown field."))
        setattr(settings_obj, key, value)
    if settings_obj.period_scheme not in periods.Scheme.values:
        raise field_error("period_scheme", _("Unknown period scheme."))
    if settings_obj.rollup_rule not in GoalSettings.Rule.values:
        raise field_error("rollup_rule", _("Unknown roll-up rule."))
    if settings_obj.pk:
        settings_obj.version += 1
    settings_obj.save()
    action = AuditAction.UPDATE if before else AuditAction.CREATE
    changed = audit.diff(before, audit.snapshot(settings_obj, fields))
    audit.record(actor=by, action=action, obj=settings_obj, changes=changed)
    return settings_obj


def _check_area(area: GoalArea) -> None:
    if not area.name:
        raise field_error("name", _("The goal area needs a name."))
    if not _COLOUR.match(area.colour):
        raise field_error("colour", _("Give the colour as #rrggbb, e.g. #1f6f8b."))
    clash = GoalArea.objects.filter(organisation=area.organisation, name__iexact=area.name).exclude(
        pk=area.pk
    )
    if clash.exists():
        raise field_error("name", _("There is already a goal area with this name."))


@transaction.atomic
def create_area(*, by: Actor, name: str, **values: Any) -> GoalArea:
    """Add a goal area last in the order unless a position is given."""
    area = GoalArea(organisation=_organisation(), name=name)
    _require(by, "goalarea.edit", area)
    for key, value in values.items():
        if key not in AREA_FIELDS:
            raise field_error(key, _("Unknown field."))
        setattr(area, key, value)
    if "position" not in values:
        last = GoalArea.objects.filter(organisation=area.organisation).order_by("-position").first()
        area.position = last.position + 1 if last else 0
    _check_area(area)
    area.save()
    audit.record(
        actor=by,
        action=AuditAction.CREATE,
        obj=area,
        changes=audit.diff({}, audit.snapshot(area, AREA_FIELDS)),
    )
    return area


@transaction.atomic
def update_area(area_id: int, *, by: Actor, version: int | None, **changes: Any) -> GoalArea:
    area = lock(GoalArea, area_id, version)
    _require(by, "goalarea.edit", area)
    before = audit.snapshot(area, AREA_FIELDS)
    for key, value in changes.items():
        if key not in AREA_FIELDS:
            raise field_error(key, _("Unknown field."))
        setattr(area, key, value)
    _check_area(area)
    area.version += 1
    area.save()
    changed = audit.diff(before, audit.snapshot(area, AREA_FIELDS))
    audit.record(actor=by, action=AuditAction.UPDATE, obj=area, changes=changed)
    return area


# ---- goals and activities ----------------------------------------------------------------


def _check_goal(goal: Goal) -> None:
    """The red thread: the parent lies in the same unit or above it, in the same goal area."""
    if not goal.title:
        raise field_error("title", _("The goal needs a title."))
    if not (periods.MIN_YEAR <= goal.year_from <= periods.MAX_YEAR):
        raise field_error("year_from", _("Give a year between 2000 and 2100."))
    if not (periods.MIN_YEAR <= goal.year_to <= periods.MAX_YEAR):
        raise field_error("year_to", _("Give a year between 2000 and 2100."))
    if goal.year_to < goal.year_from:
        raise field_error("year_to", _("The last year cannot come before the first."))
    parent = goal.parent
    if parent is None:
        return
    if not goal.unit.path.startswith(parent.unit.path):
        raise field_error(
            "parent",
            _("The parent goal belongs to %(unit)s, which is not this unit or a unit above it.")
            % {"unit": parent.unit.name},
        )
    if parent.area_id != goal.area_id:
        raise field_error("parent", _("The parent goal belongs to another goal area."))
    if goal.pk is not None:
        ancestor: Goal | None = parent
        while ancestor is not None:
            if ancestor.pk == goal.pk:
                raise field_error("parent", _("A goal cannot lie under itself."))
            ancestor = ancestor.parent


def _goal_snapshot(goal: Goal) -> dict[str, Any]:
    return audit.snapshot(goal, GOAL_FIELDS)


@transaction.atomic
def create_goal(
    *,
    by: Actor,
    area: GoalArea | None,
    unit: Unit,
    title: str,
    year_from: int,
    year_to: int | None = None,
    parent: Goal | None = None,
    indicators: Sequence[Indicator] = (),
    **values: Any,
) -> Goal:
    """A goal of ``unit``; under a parent goal the area defaults to the parent's."""
    if area is None:
        if parent is None:
            raise field_error("area", _("Choose a goal area."))
        area = parent.area
    goal = Goal(
        area=area, unit=unit, title=title, parent=parent, year_from=year_from, year_to=year_to or year_from
    )
    _require(by, "goal.edit", goal)
    for key, value in values.items():
        if key not in ("description", "owner"):
            raise field_error(key, _("Unknown field."))
        setattr(goal, key, value)
    _check_goal(goal)
    goal.save()
    goal.indicators.set(indicators)
    changes = audit.diff({}, _goal_snapshot(goal))
    changes["indicators"] = [None, sorted(i.pk for i in indicators)]
    audit.record(actor=by, action=AuditAction.CREATE, obj=goal, unit=unit, changes=changes)
    if parent is not None and parent.unit_id != unit.pk:
        _tell_unit(goal, by=by)
    return goal


def _tell_unit(goal: Goal, *, by: Actor) -> None:
    """The unit's manager hears that a goal was broken down to their unit."""
    notify_many(
        [goal.unit.manager],
        _("New goal for %(unit)s: %(goal)s") % {"unit": goal.unit.name, "goal": goal.title},
        _("A goal above yours was broken down to your unit. Plan activities and indicators for it."),
        by=by,
    )


@transaction.atomic
def update_goal(
    goal_id: int,
    *,
    by: Actor,
    version: int | None,
    indicators: Sequence[Indicator] | None = None,
    **changes: Any,
) -> Goal:
    goal = lock(Goal, goal_id, version)
    _require(by, "goal.edit", goal)
    before = _goal_snapshot(goal)
    for key, value in changes.items():
        if key not in GOAL_FIELDS:
            raise field_error(key, _("Unknown field."))
        setattr(goal, key, value)
    if "unit" in changes:
        _require(by, "goal.edit", goal)
        if goal.children.exclude(unit__path__startswith=goal.unit.path).exists():
            raise field_error("unit", _("Goals under this one belong to units outside the new unit."))
    if "area" in changes and goal.children.exclude(area=goal.area).exists():
        raise field_error("area", _("Goals under this one would be left in another goal area."))
    _check_goal(goal)
    goal.version += 1
    goal.save()
    changed = audit.diff(before, _goal_snapshot(goal))
    if indicators is not None:
        old = sorted(goal.indicators.values_list("pk", flat=True))
        goal.indicators.set(indicators)
        new = sorted(i.pk for i in indicators)
        if old != new:
            changed["indicators"] = [old, new]
    audit.record(actor=by, action=AuditAction.UPDATE, obj=goal, unit=goal.unit, changes=changed)
    return goal


@dataclass
class Breakdown:
    """What "Bryt ned" did: the goals created, and the units that already had one."""

    created: list[Goal]
    skipped: list[Unit]


@transaction.atomic
def breakdown(
    goal_id: int,
    *,
    by: Actor,
    units: Sequence[Unit],
    title: str | None = None,
    description: str | None = None,
) -> Breakdown:
    """Break a goal down to units below its own in one step ("Bryt ned").

    Each child goal copies the title, description, years and indicators unless others are
    given, and its owner is the unit's manager, who is notified. A unit that already has a
    goal broken down from this one is skipped, so repeating the step changes nothing.
    """
    parent = Goal.objects.select_related("unit", "area").get(pk=goal_id)
    if not units:
        raise field_error("units", _("Choose at least one unit."))
    for unit in units:
        if unit.pk == parent.unit_id or not unit.path.startswith(parent.unit.path):
            raise field_error(
                "units",
                _("%(unit)s is not a unit below %(parent)s.")
                % {"unit": unit.name, "parent": parent.unit.name},
            )
        _require(by, "goal.breakdown", unit)
    existing = set(parent.children.filter(unit__in=units).values_list("unit_id", flat=True))
    indicators = list(parent.indicators.all())
    result = Breakdown(created=[], skipped=[])
    for unit in sorted({u.pk: u for u in units}.values(), key=lambda u: u.path):
        if unit.pk in existing:
            result.skipped.append(unit)
            continue
        goal = Goal(
            area=parent.area,
            unit=unit,
            parent=parent,
            title=title or parent.title,
            description=parent.description if description is None else description,
            owner=unit.manager,
            year_from=parent.year_from,
            year_to=parent.year_to,
        )
        _check_goal(goal)
        goal.save()
        goal.indicators.set(indicators)
        result.created.append(goal)
    for goal in result.created:
        changes = audit.diff({}, _goal_snapshot(goal))
        changes["indicators"] = [None, sorted(i.pk for i in indicators)]
        audit.record(actor=by, action=AuditAction.CREATE, obj=goal, unit=goal.unit, changes=changes)
        _tell_unit(goal, by=by)
    return result


def _check_activity(activity: Activity) -> None:
    if not activity.title:
        raise field_error("title", _("The activity needs a title."))
    if activity.start and activity.end and activity.end < activity.start:
        raise field_error("end", _("The end cannot come before the start."))
    if not 0 <= activity.progress <= 100:
        raise field_error("progress", _("Progress runs from 0 to 100."))
    if activity.status not in Activity.Status.values:
        raise field_error("status", _("Unknown status."))
    if activity.status == Activity.Status.DONE:
        activity.progress = 100


@transaction.atomic
def create_activity(*, by: Actor, goal: Goal, title: str, **values: Any) -> Activity:
    activity = Activity(goal=goal, title=title)
    _require(by, "goal.edit", goal)
    for key, value in values.items():
        if key not in ACTIVITY_FIELDS:
            raise field_error(key, _("Unknown field."))
        setattr(activity, key, value)
    _check_activity(activity)
    activity.save()
    changes = audit.diff({}, audit.snapshot(activity, ("goal", *ACTIVITY_FIELDS)))
    audit.record(actor=by, action=AuditAction.CREATE, obj=activity, unit=goal.unit, changes=changes)
    if activity.responsible is not None:
        notify_many(
            [activity.responsible],
            _("You are responsible for %(activity)s") % {"activity": activity.title},
            _("The activity carries out the goal %(goal)s.") % {"goal": goal.title},
            by=by,
        )
    return activity


@transaction.atomic
def update_activity(activity_id: int, *, by: Actor, version: int | None, **changes: Any) -> Activity:
    activity = lock(Activity, activity_id, version)
    goal = activity.goal
    _require(by, "goal.edit", goal)
    before = audit.snapshot(activity, ACTIVITY_FIELDS)
    for key, value in changes.items():
        if key not in ACTIVITY_FIELDS:
            raise field_error(key, _("Unknown field."))
        setattr(activity, key, value)
    _check_activity(activity)
    activity.version += 1
    activity.save()
    changed = audit.diff(before, audit.snapshot(activity, ACTIVITY_FIELDS))
    audit.record(actor=by, action=AuditAction.UPDATE, obj=activity, unit=goal.unit, changes=changed)
    return activity


# ---- indicators and targets ---------------------------------------------------------------


@dataclass(frozen=True)
class TargetIn:
    """A year's target; ``green`` defaults to the target, ``yellow`` to 10 % short of it."""

    year: int
    target: float
    green: float | None = None
    yellow: float | None = None


def thresholds(direction: str, t: TargetIn, where: str = "targets") -> IndicatorTarget:
    """The target row, refusing thresholds that contradict the direction (400 naming them)."""
    if not (periods.MIN_YEAR <= t.year <= periods.MAX_YEAR):
        raise field_error(where, _("Give a year between 2000 and 2100."))
    if not all(math.isfinite(v) for v in (t.target, t.green or 0.0, t.yellow or 0.0)):
        raise field_error(where, _("Targets and thresholds must be numbers."))
    higher = direction == Indicator.Direction.HIGHER
    green = t.target if t.green is None else t.green
    margin = abs(t.target) * YELLOW_MARGIN
    yellow = (green - margin if higher else green + margin) if t.yellow is None else t.yellow
    if higher and not yellow <= green <= t.target or not higher and not yellow >= green >= t.target:
        raise field_error(
            where,
            _(
                "With higher is better, yellow ≤ green ≤ target; with lower is better, "
                "yellow ≥ green ≥ target (year %(year)s)."
            )
            % {"year": t.year},
        )
    return IndicatorTarget(year=t.year, target=t.target, green=green, yellow=yellow)


def _check_indicator(indicator: Indicator) -> None:
    if not indicator.code:
        raise field_error("code", _("The indicator needs a code."))
    if not indicator.name:
        raise field_error("name", _("The indicator needs a name."))
    if Indicator.objects.filter(code__iexact=indicator.code).exclude(pk=indicator.pk).exists():
        raise field_error("code", _("There is already an indicator with this code."))
    for name, choices in (
        ("direction", Indicator.Direction),
        ("frequency", periods.Scheme),
        ("aggregation", Indicator.Aggregation),
        ("source", Indicator.Source),
    ):
        if getattr(indicator, name) not in choices.values:
            raise field_error(name, _("Unknown choice."))


def _set_targets(indicator: Indicator, targets: Sequence[TargetIn]) -> list[list[float]]:
    rows = [thresholds(indicator.direction, t) for t in targets]
    if len({r.year for r in rows}) != len(rows):
        raise field_error("targets", _("Give one target per year."))
    indicator.targets.all().delete()
    for row in rows:
        row.indicator = indicator
    IndicatorTarget.objects.bulk_create(rows)
    return [[r.year, r.target, r.green, r.yellow] for r in sorted(rows, key=lambda r: r.year)]


def _targets_of(indicator: Indicator) -> list[list[float]]:
    return [[t.year, t.target, t.green, t.yellow] for t in indicator.targets.order_by("year")]


@transaction.atomic
def create_indicator(
    *, by: Actor, code: str, name: str, unit: Unit, targets: Sequence[TargetIn] = (), **values: Any
) -> Indicator:
    indicator = Indicator(code=code, name=name, unit=unit)
    _require(by, "indicator.edit", indicator)
    for key, value in values.items():
        if key not in INDICATOR_FIELDS:
            raise field_error(key, _("Unknown field."))
        setattr(indicator, key, value)
    _check_indicator(indicator)
    for t in targets:
        thresholds(indicator.direction, t)
    try:
        with transaction.atomic():
            indicator.save()
    except IntegrityError:
        raise field_error("code", _("There is already an indicator with this code.")) from None
    changes = audit.diff({}, audit.snapshot(indicator, INDICATOR_FIELDS))
    changes["targets"] = [None, _set_targets(indicator, targets)]
    audit.record(actor=by, action=AuditAction.CREATE, obj=indicator, unit=unit, changes=changes)
    return indicator


@transaction.atomic
def update_indicator(
    indicator_id: int,
    *,
    by: Actor,
    version: int | None,
    targets: Sequence[TargetIn] | None = None,
    **changes: Any,
) -> Indicator:
    """Change an indicator; its frequency is fixed once it has measurements (their periods use it)."""
    indicator = lock(Indicator, indicator_id, version)
    _require(by, "indicator.edit", indicator)
    before = audit.snapshot(indicator, INDICATOR_FIELDS)
    for key, value in changes.items():
        if key not in INDICATOR_FIELDS:
            raise field_error(key, _("Unknown field."))
        setattr(indicator, key, value)
    if "unit" in changes:
        _require(by, "indicator.edit", indicator)
    _check_indicator(indicator)
    if indicator.frequency != before["frequency"] and indicator.measurements.exists():
        raise field_error("frequency", _("The indicator has measurements, so its frequency is fixed."))
    indicator.version += 1
    indicator.save()
    changed = audit.diff(before, audit.snapshot(indicator, INDICATOR_FIELDS))
    if targets is not None:
        old_targets = _targets_of(indicator)
        new_targets = _set_targets(indicator, targets)
        if old_targets != new_targets:
            changed["targets"] = [old_targets, new_targets]
    audit.record(actor=by, action=AuditAction.UPDATE, obj=indicator, unit=indicator.unit, changes=changed)
    return indicator


# ---- measurements ---------------------------------------------------------------------------


@dataclass
class Row:
    """One measurement as a client or file gives it; ``line`` is its row (file) or index (API).

    ``unit`` and ``indicator`` are codes from files and ids from the API.
    """

    line: int
    unit: str | int
    indicator: str | int
    period: str
    value: Any
    sex: str = Sex.TOTAL
    comment: str = ""
    weight: Any = None


@dataclass(frozen=True)
class RowError:
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        return _("row %(line)s, %(field)s: %(message)s") % {
            "line": self.line,
            "field": self.field,
            "message": self.message,
        }


class InvalidRows(Exception):
    """Some rows were wrong, so nothing was written; ``errors`` names every one with its row."""

    def __init__(self, errors: list[RowError]) -> None:
        self.errors = errors
        super().__init__("; ".join(str(e) for e in errors[:5]))


@dataclass
class Upserted:
    rows: int
    indicators: int
    periods: list[str] = field(default_factory=list)


_SEX_WORDS = {
    "": Sex.TOTAL,
    "total": Sex.TOTAL,
    "totalt": Sex.TOTAL,
    "t": Sex.TOTAL,
    "women": Sex.WOMEN,
    "kvinnor": Sex.WOMEN,
    "k": Sex.WOMEN,
    "men": Sex.MEN,
    "män": Sex.MEN,
    "m": Sex.MEN,
}


def _number(value: Any) -> float | None:
    """A finite number from a number or text (decimal comma and spaces allowed), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        number = float(value)
    else:
        text = str(value).strip().replace("\u00a0", "").replace(" ", "").replace(",", ".")
        try:
            number = float(text)
        except ValueError:
            return None
    return number if math.isfinite(number) and abs(number) < 1e15 else None


def _lookup(model: type[Any], refs: set[str | int], key: str) -> dict[str | int, Any]:
    """Objects by code (text refs) or id (int refs), a few queries whatever the number of rows."""
    found: dict[str | int, Any] = {}
    codes = sorted(r for r in refs if isinstance(r, str))
    ids = sorted(r for r in refs if isinstance(r, int))
    for i in range(0, len(codes), 900):
        for obj in model.objects.filter(**{f"{key}__in": codes[i : i + 900]}):
            found[getattr(obj, key)] = obj
    for i in range(0, len(ids), 900):
        for obj in model.objects.filter(pk__in=ids[i : i + 900]):
            found[obj.pk] = obj
    return found


def prepare(rows: Sequence[Row], *, by: Actor) -> list[Measurement]:
    """Check every row set-based (a few queries in all) and build the measurements.

    Raises :class:`InvalidRows` listing every error by row: unknown unit, indicator or
    period (each named), values that are not numbers, a sex for an indicator not broken
    down by sex, units the caller may not report for, and rows that repeat another.
    """
    units = _lookup(Unit, {str(r.unit).strip() if isinstance(r.unit, str) else r.unit for r in rows}, "code")
    indicators = _lookup(
        Indicator,
        {str(r.indicator).strip() if isinstance(r.indicator, str) else r.indicator for r in rows},
        "code",
    )
    allowed: dict[int, bool] = {}
    parsed: dict[tuple[str, str], periods.Period | None] = {}
    seen: dict[tuple[int, int, str, str], int] = {}
    errors: list[RowError] = []
    result: list[Measurement] = []
    author = by if isinstance(by, User) else None
    for row in rows:
        before = len(errors)
        unit = units.get(row.unit.strip() if isinstance(row.unit, str) else row.unit)
        indicator = indicators.get(row.indicator.strip() if isinstance(row.indicator, str) else row.indicator)
        if unit is None:
            errors.append(RowError(row.line, "unit", _("unknown unit %(unit)s") % {"unit": row.unit}))
        elif unit.pk not in allowed:
            allowed[unit.pk] = access.can(by, "measurement.edit", unit)
        if unit is not None and not allowed[unit.pk]:
            errors.append(
                RowError(
                    row.line, "unit", _("you may not enter measurements for %(unit)s") % {"unit": unit.code}
                )
            )
        if indicator is None:
            errors.append(
                RowError(
                    row.line, "indicator", _("unknown indicator %(indicator)s") % {"indicator": row.indicator}
                )
            )
        code = str(row.period).strip()
        period = None
        if indicator is not None:
            key = (code, indicator.frequency)
            if key not in parsed:
                parsed[key] = periods.parse(code, indicator.frequency)
            period = parsed[key]
            if period is None:
                errors.append(
                    RowError(
                        row.line,
                        "period",
                        _("unknown period %(period)s (this indicator uses %(scheme)s)")
                        % {"period": code, "scheme": periods.Scheme(indicator.frequency).label},
                    )
                )
        sex = _SEX_WORDS.get(str(row.sex or "").strip().lower())
        if sex is None:
            errors.append(RowError(row.line, "sex", _("unknown sex %(sex)s") % {"sex": row.sex}))
        elif indicator is not None and sex != Sex.TOTAL and not indicator.by_sex:
            errors.append(RowError(row.line, "sex", _("this indicator is not broken down by sex")))
        value = _number(row.value)
        if value is None:
            errors.append(RowError(row.line, "value", _("%(value)s is not a number") % {"value": row.value}))
        weight = None
        if row.weight not in (None, ""):
            weight = _number(row.weight)
            if weight is None:
                errors.append(
                    RowError(row.line, "weight", _("%(value)s is not a number") % {"value": row.weight})
                )
        if len(errors) > before:
            continue
        assert unit is not None and indicator is not None and period is not None and value is not None
        assert sex is not None
        identity = (indicator.pk, unit.pk, str(sex), period.code)
        if identity in seen:
            errors.append(RowError(row.line, "period", _("repeats row %(line)s") % {"line": seen[identity]}))
            continue
        seen[identity] = row.line
        result.append(
            Measurement(
                indicator=indicator,
                unit=unit,
                period=period.code,
                sex=sex,
                value=value,
                weight=weight,
                comment=(row.comment or "").strip(),
                author=author,
            )
        )
    if errors:
        raise InvalidRows(errors)
    return result


@transaction.atomic
def upsert_measurements(rows: Sequence[Row], *, by: Actor, only: Indicator | None = None) -> Upserted:
    """Write the rows all or nothing: new values are added, existing ones replaced.

    ``only`` refuses rows of other indicators (the API's per-indicator upsert). One audit
    entry per indicator records how many values for which periods were written.
    """
    if only is not None:
        rows = [Row(**{**r.__dict__, "indicator": only.pk}) for r in rows]
    measurements = prepare(rows, by=by)
    for start in range(0, len(measurements), BATCH):
        Measurement.objects.bulk_create(
            measurements[start : start + BATCH],
            update_conflicts=True,
            unique_fields=["indicator", "unit", "sex", "period"],
            update_fields=["value", "weight", "comment", "author", "updated_at"],
        )
    written: dict[int, tuple[Indicator, set[str], set[int], list[int]]] = {}
    for m in measurements:
        entry = written.setdefault(m.indicator_id, (m.indicator, set(), set(), [0]))
        entry[1].add(m.period)
        entry[2].add(m.unit_id)
        entry[3][0] += 1
    for indicator, codes, unit_ids, count in written.values():
        audit.record(
            actor=by,
            action=AuditAction.UPDATE,
            obj=indicator,
            unit=indicator.unit,
            changes={
                "measurements": [None, {"rows": count[0], "periods": sorted(codes), "units": len(unit_ids)}]
            },
        )
    return Upserted(
        rows=len(measurements),
        indicators=len(written),
        periods=sorted({m.period for m in measurements}),
    )


# ---- follow-up -------------------------------------------------------------------------------


def followup_period(code: str) -> periods.Period:
    """The follow-up period ``code`` names in the organisation's scheme, or 400 naming it."""
    scheme = goal_settings().period_scheme
    period = periods.parse(code, scheme)
    if period is None:
        raise field_error(
            "period",
            _("Unknown period %(period)s: follow-up uses %(scheme)s, e.g. %(example)s.")
            % {
                "period": code,
                "scheme": periods.Scheme(scheme).label,
                "example": periods.periods_of(scheme, timezone.localdate().year)[-1].code,
            },
        )
    return period


@transaction.atomic
def save_followup(
    *, by: Actor, goal: Goal, period: str, version: int | None = None, **values: Any
) -> tuple[FollowUp, bool]:
    """Write the goal's follow-up for a period; returns it and whether it was created.

    The first write creates it. Any later write must name the version it is based on:
    without it, or with an old one, it is refused (409) and the stored text stays, so two
    managers editing at once never overwrite each other unseen.
    """
    _require(by, "followup.edit", goal)
    found = followup_period(period)
    if not goal.year_from <= found.year <= goal.year_to:
        raise field_error("period", _("The goal does not run in %(year)s.") % {"year": found.year})
    for key in values:
        if key not in FOLLOWUP_FIELDS:
            raise field_error(key, _("Unknown field."))
    if "status" in values and values["status"] not in FollowUp.Status.values:
        raise field_error("status", _("Unknown status."))
    existing = FollowUp.objects.filter(goal=goal, period=found.code).values_list("pk", "version").first()
    created = existing is None
    if existing is None:
        followup = FollowUp(goal=goal, period=found.code)
        before: dict[str, Any] = {}
    else:
        if version is None:
            raise StaleWrite(existing[1])
        followup = lock(FollowUp, existing[0], version)
        before = audit.snapshot(followup, FOLLOWUP_FIELDS)
        followup.version += 1
    for key, value in values.items():
        setattr(followup, key, value)
    if followup.done and not before.get("done"):
        followup.done_at = timezone.now()
    elif not followup.done:
        followup.done_at = None
    if isinstance(by, User):
        followup.author = by
    try:
        with transaction.atomic():
            followup.save()
    except IntegrityError:
        current = (
            FollowUp.objects.filter(goal=goal, period=found.code).values_list("version", flat=True).first()
        )
        raise StaleWrite(current or 1) from None
    changes = audit.diff(before, audit.snapshot(followup, FOLLOWUP_FIELDS))
    if created:
        changes["period"] = [None, followup.period]
    action = AuditAction.CREATE if created else AuditAction.UPDATE
    audit.record(actor=by, action=action, obj=followup, unit=goal.unit, changes=changes)
    return followup, created


@transaction.atomic
def open_round(
    *, by: Actor, period: str, deadline: Any, units: Sequence[Unit], title: str = ""
) -> FollowUpRound:
    """Ask units to follow up a period by a deadline; their managers are told."""
    found = followup_period(period)
    if not units:
        raise field_error("units", _("Choose at least one unit."))
    for unit in units:
        _require(by, "followup.round", unit)
    followup_round = FollowUpRound.objects.create(
        period=found.code,
        deadline=deadline,
        title=title or _("Follow-up %(period)s") % {"period": found.label},
        created_by=by if isinstance(by, User) else None,
    )
    followup_round.units.set(units)
    audit.record(
        actor=by,
        action=AuditAction.CREATE,
        obj=followup_round,
        changes={
            "period": [None, found.code],
            "deadline": [None, deadline.isoformat()],
            "units": [None, sorted(u.pk for u in units)],
        },
    )
    notify_many(
        [u.manager for u in units],
        _("Follow up %(period)s by %(deadline)s") % {"period": found.label, "deadline": deadline.isoformat()},
        _("Write the follow-up of each of your unit's goals and mark it done."),
        by=by,
    )
    return followup_round
