"""REST API for goal areas, goals, indicators, measurements, follow-ups, rounds and the overview."""

import datetime as dt
from typing import Annotated, Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from rodtrad.core.models import Unit, User
from rodtrad.core.schemas import (
    BodyIn,
    Id,
    Pagination,
    UnitRef,
    Version,
    caller,
    errors,
    inline_choices,
    resolve_id,
    resolve_ids,
    text,
)
from rodtrad.core.services.common import field_error
from rodtrad.goals import periods, rollup, services
from rodtrad.goals.models import (
    Activity,
    FollowUp,
    FollowUpRound,
    Goal,
    GoalArea,
    Indicator,
    Measurement,
    Sex,
)

router = Router(tags=["goals"])
Year = Annotated[int, Field(ge=periods.MIN_YEAR, le=periods.MAX_YEAR)]
Number = Annotated[float, Field(allow_inf_nan=False, ge=-1e15, le=1e15)]
Direction = Annotated[Indicator.Direction, inline_choices(Indicator.Direction, "IndicatorDirection")]
Aggregation = Annotated[Indicator.Aggregation, inline_choices(Indicator.Aggregation, "IndicatorAggregation")]
Source = Annotated[Indicator.Source, inline_choices(Indicator.Source, "IndicatorSource")]
Frequency = Annotated[periods.Scheme, inline_choices(periods.Scheme, "PeriodScheme")]
SexChoice = Annotated[Sex, inline_choices(Sex, "Sex")]
FollowUpStatus = Annotated[FollowUp.Status, inline_choices(FollowUp.Status, "FollowUpStatus")]
ActivityStatus = Annotated[Activity.Status, inline_choices(Activity.Status, "ActivityStatus")]
LightChoice = Annotated[rollup.Light, inline_choices(rollup.Light, "Light")]


class StatusOut(Schema):
    light: LightChoice
    reason: str = Field(description="Why: the indicator or sub-goal that decided it, in the user's language.")


# ---- goal areas -------------------------------------------------------------------------------


class AreaOut(Schema):
    id: int
    name: str
    description: str
    colour: str
    position: int
    version: int


class AreaIn(BodyIn):
    name: text(120, 1)  # type: ignore[valid-type]
    description: text(5000) = ""  # type: ignore[valid-type]
    colour: text(7) = Field("#5b6770", description="#rrggbb")  # type: ignore[valid-type]
    position: int | None = Field(None, ge=0, le=1000, description="Last when left out.")


@router.get("/goal-areas", response={200: list[AreaOut]})
@paginate(Pagination)
def list_areas(request: HttpRequest) -> Any:
    """The organisation's goal areas in their order."""
    return GoalArea.objects.order_by("position", "pk")


@router.post("/goal-areas", response={201: AreaOut, **errors(400, 403)})
def create_area(request: HttpRequest, payload: AreaIn) -> Any:
    """Add a goal area (administrators and quality coordinators of the top unit)."""
    data = payload.dict(exclude_none=True)
    return Status(201, services.create_area(by=caller(request), **data))


# ---- goals ---------------------------------------------------------------------------------------


class GoalOut(Schema):
    id: int
    area: int = Field(alias="area_id")
    unit: UnitRef
    parent: int | None = Field(None, alias="parent_id")
    title: str
    description: str
    owner: int | None = Field(None, alias="owner_id")
    year_from: int
    year_to: int
    indicators: list[int]
    version: int

    @staticmethod
    def resolve_indicators(obj: Goal) -> list[int]:
        return sorted(i.pk for i in obj.indicators.all())


class ActivityOut(Schema):
    id: int
    title: str
    description: str
    responsible: int | None = Field(None, alias="responsible_id")
    start: dt.date | None
    end: dt.date | None
    status: ActivityStatus
    progress: int
    version: int


class IndicatorValueOut(Schema):
    indicator: int = Field(alias="indicator_id")
    code: str
    name: str
    measure: str
    direction: Direction
    period: str | None
    value: float | None
    target: float | None
    green: float | None
    yellow: float | None
    aggregated: bool = Field(
        description="True when the goal's unit has no value of its own: the value aggregates the units below."
    )
    status: StatusOut


class GoalDetailOut(GoalOut):
    year: int = Field(description="The year the status is computed for.")
    status: StatusOut
    values: list[IndicatorValueOut] = Field(description="Each linked indicator's latest value in the year.")
    children: list[int] = Field(alias="child_ids")
    activities: list[ActivityOut] = Field(alias="activity_list")


class GoalIn(BodyIn):
    area: Id | None = Field(None, description="Defaults to the parent's goal area.")
    unit: Id
    parent: Id | None = None
    title: text(300, 1)  # type: ignore[valid-type]
    description: text(20000) = ""  # type: ignore[valid-type]
    owner: Id | None = None
    year_from: Year
    year_to: Year | None = Field(None, description="Defaults to year_from.")
    indicators: list[Id] = Field(default_factory=list, max_length=100)


class GoalPatch(BodyIn):
    version: Version
    area: Id | None = None
    unit: Id | None = None
    parent: Id | None = None
    title: text(300, 1) | None = None  # type: ignore[valid-type]
    description: text(20000) | None = None  # type: ignore[valid-type]
    owner: Id | None = None
    year_from: Year | None = None
    year_to: Year | None = None
    indicators: list[Id] | None = Field(None, max_length=100)


class GoalFilter(Schema):
    unit: Id | None = Field(None, description="Goals of this unit only.")
    subtree: Id | None = Field(None, description="Goals of this unit and every unit below it.")
    area: Id | None = None
    year: Year | None = Field(None, description="Goals running in this year.")
    parent: Id | None = None


def _goals(request: HttpRequest) -> Any:
    return Goal.objects.visible_to(caller(request), "goal.view")


@router.get("/goals", response={200: list[GoalOut], **errors(404)})
@paginate(Pagination)
def list_goals(request: HttpRequest, filters: Query[GoalFilter]) -> Any:
    """Goals, filtered by unit, subtree, goal area, year or parent; an unknown unit is a 404."""
    qs = _goals(request).select_related("unit").prefetch_related("indicators")
    if filters.unit is not None:
        qs = qs.filter(unit=get_object_or_404(Unit, pk=filters.unit))
    if filters.subtree is not None:
        qs = qs.in_subtree(get_object_or_404(Unit, pk=filters.subtree))
    if filters.area is not None:
        qs = qs.filter(area_id=filters.area)
    if filters.parent is not None:
        qs = qs.filter(parent_id=filters.parent)
    if filters.year is not None:
        qs = qs.for_year(filters.year)
    return qs.order_by("unit__path", "area__position", "title", "pk")


def _detail(request: HttpRequest, goal_id: int, year: int | None = None) -> Goal:
    """The goal with its status, values, children and activities attached for GoalDetailOut."""
    goal: Goal = get_object_or_404(_goals(request).select_related("unit", "area"), pk=goal_id)
    found = rollup.chain(goal, by=caller(request), year=year)
    goal.year = found.year  # type: ignore[attr-defined]
    goal.status = found.status.status  # type: ignore[attr-defined]
    goal.values = found.status.indicators  # type: ignore[attr-defined]
    goal.child_ids = found.status.children  # type: ignore[attr-defined]
    goal.activity_list = found.activities  # type: ignore[attr-defined]
    return goal


def _goal_values(data: dict[str, Any]) -> dict[str, Any]:
    values = dict(data)
    for key, model in (("area", GoalArea), ("unit", Unit), ("parent", Goal), ("owner", User)):
        if key in values:
            values[key] = resolve_id(model, values[key], key)
    if values.get("indicators") is not None:
        values["indicators"] = resolve_ids(Indicator, values["indicators"], "indicators")
    return values


@router.post("/goals", response={201: GoalDetailOut, **errors(400, 403)})
def create_goal(request: HttpRequest, payload: GoalIn) -> Any:
    """Create a goal; a parent must belong to the same unit or one above it (else 400 naming ``parent``)."""
    goal = services.create_goal(by=caller(request), **_goal_values(payload.dict()))
    return Status(201, _detail(request, goal.pk))


@router.get("/goals/{goal_id}", response={200: GoalDetailOut, **errors(404)})
def get_goal(request: HttpRequest, goal_id: Id, year: Year | None = None) -> Any:
    """The goal with its rolled-up status for ``year`` (default: this year, within the goal's years)."""
    return _detail(request, goal_id, year)


@router.patch("/goals/{goal_id}", response={200: GoalDetailOut, **errors(400, 403, 404, 409)})
def update_goal(request: HttpRequest, goal_id: Id, payload: GoalPatch) -> Any:
    get_object_or_404(_goals(request), pk=goal_id)
    data = payload.dict(exclude_unset=True)
    version = data.pop("version")
    for required in ("area", "unit", "title", "year_from", "year_to", "indicators"):
        if required in data and data[required] is None:
            raise field_error(required, _("This field may not be null."))
    services.update_goal(goal_id, by=caller(request), version=version, **_goal_values(data))
    return _detail(request, goal_id)


class BreakdownIn(BodyIn):
    units: list[Id] = Field(min_length=1, max_length=500, description="Units below the goal's unit.")
    title: text(300, 1) | None = Field(None, description="Defaults to the goal's title.")  # type: ignore[valid-type]
    description: text(20000) | None = Field(None, description="Defaults to the goal's description.")  # type: ignore[valid-type]


class BreakdownOut(Schema):
    created: list[GoalOut]
    skipped: list[UnitRef] = Field(description="Units that already had a goal broken down from this one.")


@router.post("/goals/{goal_id}/breakdown", response={201: BreakdownOut, **errors(400, 403, 404)})
def breakdown(request: HttpRequest, goal_id: Id, payload: BreakdownIn) -> Any:
    """ "Bryt ned": child goals for the chosen units in one step; their managers are told."""
    get_object_or_404(_goals(request), pk=goal_id)
    units = resolve_ids(Unit, payload.units, "units")
    done = services.breakdown(
        goal_id, by=caller(request), units=units, title=payload.title, description=payload.description
    )
    return Status(201, {"created": done.created, "skipped": done.skipped})


class ChainGoalOut(Schema):
    id: int
    title: str
    unit: UnitRef
    year_from: int
    year_to: int


class ChildOut(Schema):
    id: int
    title: str
    unit: UnitRef
    status: StatusOut

    @staticmethod
    def resolve_unit(obj: rollup.GoalStatus) -> dict[str, Any]:
        return {"id": obj.unit_id, "code": obj.unit_code, "name": obj.unit_name}


class ChainOut(Schema):
    vision: str
    area: AreaOut
    ancestors: list[ChainGoalOut] = Field(description="The goals above, from the top down.")
    goal: ChainGoalOut
    year: int
    status: StatusOut
    values: list[IndicatorValueOut]
    children: list[ChildOut]
    activities: list[ActivityOut]


@router.get("/goals/{goal_id}/chain", response={200: ChainOut, **errors(404)})
def goal_chain(request: HttpRequest, goal_id: Id, year: Year | None = None) -> Any:
    """The red thread through the goal: vision, goal area, goals above, and below it its sub-goals,
    activities and indicators with their statuses."""
    goal = get_object_or_404(_goals(request).select_related("unit", "area"), pk=goal_id)
    found = rollup.chain(goal, by=caller(request), year=year)
    return {
        "vision": found.vision,
        "area": found.area,
        "ancestors": found.ancestors,
        "goal": found.goal,
        "year": found.year,
        "status": found.status.status,
        "values": found.status.indicators,
        "children": found.children,
        "activities": found.activities,
    }


# ---- indicators and measurements -------------------------------------------------------------


class TargetSchema(Schema):
    year: Year
    target: Number
    green: Number | None = Field(None, description="Green from here; defaults to the target.")
    yellow: Number | None = Field(None, description="Yellow from here; defaults to 10 % short of green.")


class TargetIn(BodyIn, TargetSchema):
    """A target as a client sends it: a JSON object whose numbers are numbers."""


class IndicatorOut(Schema):
    id: int
    code: str
    name: str
    description: str
    unit: UnitRef
    measure: str
    direction: Direction
    frequency: Frequency
    aggregation: Aggregation
    by_sex: bool
    source: Source
    targets: list[TargetSchema]
    version: int

    @staticmethod
    def resolve_targets(obj: Indicator) -> list[Any]:
        return list(obj.targets.all())


class IndicatorIn(BodyIn):
    code: text(40, 1)  # type: ignore[valid-type]
    name: text(200, 1)  # type: ignore[valid-type]
    description: text(20000) = ""  # type: ignore[valid-type]
    unit: Id = Field(description="The owning unit.")
    measure: text(40) = Field("", description="e.g. %, dagar")  # type: ignore[valid-type]
    direction: Direction = Indicator.Direction.HIGHER
    frequency: Frequency = periods.Scheme.TERTIAL
    aggregation: Aggregation = Indicator.Aggregation.MEAN
    by_sex: bool = False
    source: Source = Indicator.Source.MANUAL
    targets: list[TargetIn] = Field(default_factory=list, max_length=50)


class IndicatorFilter(Schema):
    q: text(100) | None = Field(None, description="Part of the code or name.")  # type: ignore[valid-type]
    goal: Id | None = None


@router.get("/indicators", response={200: list[IndicatorOut]})
@paginate(Pagination)
def list_indicators(request: HttpRequest, filters: Query[IndicatorFilter]) -> Any:
    qs = Indicator.objects.visible_to(caller(request), "goal.view").select_related("unit")
    if filters.q:
        qs = qs.filter(code__icontains=filters.q) | qs.filter(name__icontains=filters.q)
    if filters.goal is not None:
        qs = qs.filter(goals=filters.goal)
    return qs.prefetch_related("targets").order_by("code")


@router.post("/indicators", response={201: IndicatorOut, **errors(400, 403)})
def create_indicator(request: HttpRequest, payload: IndicatorIn) -> Any:
    """Create an indicator with its targets; thresholds that contradict the direction get 400."""
    data = payload.dict()
    targets = [services.TargetIn(**t) for t in data.pop("targets")]
    data["unit"] = resolve_id(Unit, data["unit"], "unit")
    indicator = services.create_indicator(by=caller(request), targets=targets, **data)
    return Status(201, indicator)


class MeasurementOut(Schema):
    unit: int = Field(alias="unit_id")
    period: str
    sex: SexChoice
    value: float
    weight: float | None
    comment: str
    author: int | None = Field(None, alias="author_id")
    updated_at: dt.datetime


class MeasurementFilter(Schema):
    unit: Id | None = None
    subtree: Id | None = Field(None, description="Values of this unit and every unit below it.")
    period: text(8) | None = None  # type: ignore[valid-type]
    year: Year | None = None
    sex: SexChoice | None = None


@router.get("/indicators/{indicator_id}/measurements", response={200: list[MeasurementOut], **errors(404)})
@paginate(Pagination)
def list_measurements(request: HttpRequest, indicator_id: Id, filters: Query[MeasurementFilter]) -> Any:
    indicator = get_object_or_404(Indicator.objects.visible_to(caller(request), "goal.view"), pk=indicator_id)
    qs = Measurement.objects.filter(indicator=indicator)
    if filters.unit is not None:
        qs = qs.filter(unit_id=filters.unit)
    if filters.subtree is not None:
        qs = qs.filter(unit__path__startswith=get_object_or_404(Unit, pk=filters.subtree).path)
    if filters.period:
        qs = qs.filter(period=filters.period)
    if filters.year is not None:
        qs = qs.for_year(filters.year)
    if filters.sex:
        qs = qs.filter(sex=filters.sex)
    return qs.order_by("period", "unit_id", "sex")


class MeasurementIn(BodyIn):
    unit: Id
    period: text(8, 1) = Field(description="e.g. 2026-T2, 2026-Q3, 2026-07 or 2026, by the frequency.")  # type: ignore[valid-type]
    sex: SexChoice = Sex.TOTAL
    value: Number
    weight: Number | None = None
    comment: text(5000) = ""  # type: ignore[valid-type]


class MeasurementsIn(BodyIn):
    items: list[MeasurementIn] = Field(min_length=1, max_length=10000)


class UpsertOut(Schema):
    rows: int
    periods: list[str]


@router.put("/indicators/{indicator_id}/measurements", response={200: UpsertOut, **errors(400, 403, 404)})
def put_measurements(request: HttpRequest, indicator_id: Id, payload: MeasurementsIn) -> Any:
    """Add or replace values, all or nothing: any bad item (unknown unit or period, a sex the indicator
    does not break down by, a unit the caller may not report for) gets 400 listing every one."""
    indicator = get_object_or_404(Indicator.objects.visible_to(caller(request), "goal.view"), pk=indicator_id)
    rows = [
        services.Row(
            line=i,
            unit=m.unit,
            indicator=indicator.pk,
            period=m.period,
            value=m.value,
            sex=m.sex,
            comment=m.comment,
            weight=m.weight,
        )
        for i, m in enumerate(payload.items)
    ]
    try:
        done = services.upsert_measurements(rows, by=caller(request), only=indicator)
    except services.InvalidRows as exc:
        return Status(
            400,
            {"detail": [{"loc": ["body", "items", e.line, e.field], "msg": e.message} for e in exc.errors]},
        )
    return {"rows": done.rows, "periods": done.periods}


# ---- follow-up -------------------------------------------------------------------------------------


class FollowUpOut(Schema):
    id: int
    goal: int = Field(alias="goal_id")
    period: str
    status: FollowUpStatus
    analysis: str
    next_steps: str
    done: bool
    done_at: dt.datetime | None
    author: int | None = Field(None, alias="author_id")
    updated_at: dt.datetime
    version: int


class FollowUpIn(BodyIn):
    goal: Id
    period: text(8, 1) = Field(description="In the organisation's follow-up periods, e.g. 2026-T2.")  # type: ignore[valid-type]
    version: Version | None = Field(None, description="Required when the follow-up exists (else 409).")
    status: FollowUpStatus | None = None
    analysis: text(20000) | None = None  # type: ignore[valid-type]
    next_steps: text(20000) | None = None  # type: ignore[valid-type]
    done: bool | None = Field(None, description="Klarmarkerad.")


class FollowUpFilter(Schema):
    goal: Id | None = None
    unit: Id | None = None
    subtree: Id | None = None
    period: text(8) | None = None  # type: ignore[valid-type]
    done: bool | None = None


@router.get("/followups", response={200: list[FollowUpOut], **errors(404)})
@paginate(Pagination)
def list_followups(request: HttpRequest, filters: Query[FollowUpFilter]) -> Any:
    qs = FollowUp.objects.visible_to(caller(request), "goal.view")
    if filters.goal is not None:
        qs = qs.filter(goal_id=filters.goal)
    if filters.unit is not None:
        qs = qs.filter(goal__unit=get_object_or_404(Unit, pk=filters.unit))
    if filters.subtree is not None:
        qs = qs.filter(goal__unit__path__startswith=get_object_or_404(Unit, pk=filters.subtree).path)
    if filters.period:
        qs = qs.filter(period=filters.period)
    if filters.done is not None:
        qs = qs.filter(done=filters.done)
    return qs.order_by("period", "goal_id")


@router.post("/followups", response={200: FollowUpOut, 201: FollowUpOut, **errors(400, 403, 404, 409)})
def save_followup(request: HttpRequest, payload: FollowUpIn) -> Any:
    """Write a goal's follow-up for a period: 201 when created, 200 when changed. A change must carry the
    version it is based on; a stale or missing one gets 409 with the current version, and nothing is lost."""
    goal = get_object_or_404(_goals(request).select_related("unit"), pk=payload.goal)
    values = payload.dict(exclude_none=True, exclude={"goal", "period", "version"})
    followup, created = services.save_followup(
        by=caller(request), goal=goal, period=payload.period, version=payload.version, **values
    )
    return Status(201 if created else 200, followup)


class RoundUnitOut(Schema):
    unit: UnitRef
    goals: int
    done: int
    is_done: bool


class RoundOut(Schema):
    id: int
    title: str
    period: str
    deadline: dt.date
    created_by: int | None = Field(None, alias="created_by_id")
    units: list[RoundUnitOut]
    done: int = Field(description="How many of the units are done.")
    version: int


class RoundIn(BodyIn):
    period: text(8, 1)  # type: ignore[valid-type]
    deadline: dt.date
    units: list[Id] = Field(min_length=1, max_length=2000)
    title: text(200) = ""  # type: ignore[valid-type]


def _round_out(followup_round: FollowUpRound) -> dict[str, Any]:
    progress = rollup.round_progress(followup_round)
    return {
        "id": followup_round.pk,
        "title": followup_round.title,
        "period": followup_round.period,
        "deadline": followup_round.deadline,
        "created_by_id": followup_round.created_by_id,
        "units": [{"unit": p.unit, "goals": p.goals, "done": p.done, "is_done": p.is_done} for p in progress],
        "done": sum(1 for p in progress if p.is_done),
        "version": followup_round.version,
    }


class RoundPage(Schema):
    items: list[RoundOut]
    count: int


class RoundFilter(Pagination.Input):
    period: text(8) | None = None  # type: ignore[valid-type]


@router.get("/followup-rounds", response={200: RoundPage})
def list_rounds(request: HttpRequest, filters: Query[RoundFilter]) -> Any:
    """Rounds, latest deadline first, each with which of its units are done (paged like every list)."""
    qs = FollowUpRound.objects.order_by("-deadline", "-pk")
    if filters.period:
        qs = qs.filter(period=filters.period)
    page = qs[filters.offset : filters.offset + filters.limit]
    return {"items": [_round_out(r) for r in page], "count": qs.count()}


@router.post("/followup-rounds", response={201: RoundOut, **errors(400, 403)})
def open_round(request: HttpRequest, payload: RoundIn) -> Any:
    """Open a round (quality coordinators, for units in their subtree); managers of its units are told."""
    units = resolve_ids(Unit, payload.units, "units")
    opened = services.open_round(
        by=caller(request), period=payload.period, deadline=payload.deadline, units=units, title=payload.title
    )
    return Status(201, _round_out(opened))


# ---- overview -------------------------------------------------------------------------------------


class OverviewGoalOut(Schema):
    id: int
    title: str
    unit: UnitRef
    status: StatusOut
    children: int

    @staticmethod
    def resolve_unit(obj: rollup.GoalStatus) -> dict[str, Any]:
        return {"id": obj.unit_id, "code": obj.unit_code, "name": obj.unit_name}

    @staticmethod
    def resolve_children(obj: rollup.GoalStatus) -> int:
        return len(obj.children)


class OverviewAreaOut(Schema):
    area: AreaOut
    status: StatusOut
    goals: list[OverviewGoalOut]


class OverviewOut(Schema):
    year: int
    unit: UnitRef | None
    rule: str = Field(description="The roll-up rule: worst or majority.")
    areas: list[OverviewAreaOut]


AS_OF = "As of a follow-up period of the year, e.g. 2026-T2: only values up to its end count."


@router.get("/overview", response={200: OverviewOut, **errors(400, 404)})
def get_overview(
    request: HttpRequest,
    year: Year,
    unit: Id | None = None,
    period: Annotated[text(8) | None, Field(description=AS_OF)] = None,  # type: ignore[valid-type]
) -> Any:
    """Each goal area's rolled-up status and its top goals with theirs; ``unit`` drills down to a subtree,
    ``period`` judges each indicator on its latest value up to the end of that period."""
    until = None
    if period:
        until = periods.parse(period, services.goal_settings().period_scheme)
        if until is None or until.year != year:
            raise field_error(
                "period",
                _("%(period)s is not a follow-up period of %(year)s.") % {"period": period, "year": year},
            )
    found = get_object_or_404(Unit, pk=unit) if unit is not None else None
    return rollup.overview(year, by=caller(request), unit=found, until=until)
