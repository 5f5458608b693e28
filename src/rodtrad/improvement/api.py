"""REST API for events, reporting duties, investigations, actions, complaints, proposals and learnings.

Lists and details go through ``visible_to``: another unit's event is a 404, not a 403. The reporter's
identity is shown only to people who may handle the event (and to the reporter).
"""

import datetime as dt
from typing import Annotated, Any, Literal, TypeVar

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import BeforeValidator, StrictBool

from rodtrad.core import access
from rodtrad.core.models import Unit, User
from rodtrad.core.schemas import (
    BodyIn,
    Id,
    Moment,
    Pagination,
    UnitRef,
    Version,
    caller,
    errors,
    inline_choices,
    resolve_id,
    text,
)
from rodtrad.core.services.common import field_error
from rodtrad.core.tree import in_subtree
from rodtrad.improvement import services, stats
from rodtrad.improvement.models import (
    Action,
    ActionQuerySet,
    Affected,
    Category,
    Cause,
    Complaint,
    Duty,
    Event,
    Harm,
    Investigation,
    Learning,
    PdsaEntry,
    Proposal,
)

router = Router(tags=["improvement"])
Q_ = TypeVar("Q_", bound=QuerySet[Any])

AffectedChoice = Annotated[Affected, inline_choices(Affected, "EventAffected")]
EventStatus = Annotated[Event.Status, inline_choices(Event.Status, "EventStatus")]
HarmChoice = Annotated[Harm, inline_choices(Harm, "Harm")]
DutyKind = Annotated[Duty.Kind, inline_choices(Duty.Kind, "DutyKind")]
DutyDecision = Annotated[Duty.Decision, inline_choices(Duty.Decision, "DutyDecision")]
InvestigationKind = Annotated[Investigation.Kind, inline_choices(Investigation.Kind, "InvestigationKind")]
InvestigationStatus = Annotated[
    Investigation.Status, inline_choices(Investigation.Status, "InvestigationStatus")
]
CauseCategory = Annotated[Cause.Category, inline_choices(Cause.Category, "CauseCategory")]
ActionStatus = Annotated[Action.Status, inline_choices(Action.Status, "ActionStatus")]
ActionEffect = Annotated[Action.Effect, inline_choices(Action.Effect, "ActionEffect")]
Channel = Annotated[Complaint.Channel, inline_choices(Complaint.Channel, "ComplaintChannel")]
Sender = Annotated[Complaint.Sender, inline_choices(Complaint.Sender, "ComplaintSender")]
ComplaintStatus = Annotated[Complaint.Status, inline_choices(Complaint.Status, "ComplaintStatus")]
ProposalStatus = Annotated[Proposal.Status, inline_choices(Proposal.Status, "ProposalStatus")]
Phase = Annotated[PdsaEntry.Phase, inline_choices(PdsaEntry.Phase, "PdsaPhase")]


def _iso_day(value: Any) -> Any:
    """Only ISO 8601 text, as the schema says; pydantic alone would read ``to=0`` as a Unix time."""
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise ValueError("Expected an ISO 8601 date, e.g. 2026-01-31")


#: Dates a filter accepts: wide, but within what every database and the month arithmetic can hold.
FilterDate = Annotated[
    dt.date, BeforeValidator(_iso_day), Field(ge=dt.date(1900, 1, 1), le=dt.date(2999, 12, 31))
]
LongText = text(50000)


def _not_null(data: dict[str, Any], *fields: str) -> None:
    for name in fields:
        if name in data and data[name] is None:
            raise field_error(name, _("This field may not be null."))


def _subtree(qs: Q_, unit_id: int | None, unit_field: str = "unit") -> Q_:
    """Narrow to a unit's subtree; an unknown unit is a 404."""
    if unit_id is None:
        return qs
    return in_subtree(qs, get_object_or_404(Unit, pk=unit_id), unit_field)


class _TwoStepPage:
    """Pages of a long list in two steps: the ids in order straight from an index, then only the page's
    rows with what the schema reads. Sorting whole rows would carry every column of a förvaltning's
    tens of thousands of events through the sort."""

    def __init__(self, qs: QuerySet[Any], order: tuple[str, ...], related: tuple[str, ...]) -> None:
        self.qs, self.order, self.related = qs, order, related

    def count(self) -> int:
        return self.qs.count()

    def __getitem__(self, window: slice) -> list[Any]:
        ids = list(self.qs.order_by(*self.order).values_list("pk", flat=True)[window])
        rows = self.qs.model._default_manager.select_related(*self.related).in_bulk(ids)
        return [rows[pk] for pk in ids]


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


class PersonRef(Schema):
    id: int
    name: str


def _person(user: User | None) -> dict[str, Any] | None:
    return None if user is None else {"id": user.pk, "name": str(user)}


class CategoryOut(Schema):
    id: int
    code: str
    name: str
    parent: int | None = Field(None, alias="parent_id")
    duty: str = Field(
        description="The reporting duty the category triggers: personal_data, work_injury or empty."
    )
    positive: bool


@router.get("/event-categories", response={200: list[CategoryOut]})
def list_categories(request: HttpRequest) -> Any:
    """The active categories of the configurable tree, in their order."""
    return Category.objects.filter(active=True).order_by("position", "name")


# ---- events -----------------------------------------------------------------------------------


class EventIn(BodyIn):
    unit: Id
    occurred_at: Moment = Field(description="When it happened; a time in the future gets 400.")
    description: LongText = Field(description="What happened. Personal identity numbers are masked.")  # type: ignore[valid-type]
    category: Id
    affected: AffectedChoice
    immediate_action: LongText = Field("", description="What was done at once.")  # type: ignore[valid-type]
    positive: StrictBool = False


class EventOut(Schema):
    id: int
    unit: UnitRef
    occurred_at: dt.datetime
    description: str
    immediate_action: str
    category: CategoryOut
    affected: AffectedChoice
    positive: bool
    status: EventStatus
    reporter: PersonRef | None = Field(None, description="Shown only to those who handle the event.")
    handler: int | None = Field(None, alias="handler_id")
    probability: int | None
    consequence: int | None
    risk: int | None = Field(description="Probability × consequence, 1–16.")
    harm: str = Field(description="none, risk, injury, serious, or empty before assessment.")
    patient_informed: bool | None
    patient_informed_at: dt.datetime | None
    aware_at: dt.datetime | None
    serious_work_injury: bool
    closing_comment: str
    closed_at: dt.datetime | None
    created_at: dt.datetime
    version: int

    @staticmethod
    def resolve_reporter(obj: Event, context: Any) -> dict[str, Any] | None:
        user = context["request"].user
        if obj.reporter_id is None:
            return None
        if obj.reporter_id == user.pk or access.can(user, "event.handle", obj):
            return _person(obj.reporter)
        return None


class DutyOut(Schema):
    id: int
    event: int = Field(alias="event_id")
    unit: UnitRef
    kind: DutyKind
    started_at: dt.datetime
    deadline: dt.datetime
    decision: DutyDecision
    reasoning: str
    reference: str
    decided_by: int | None = Field(None, alias="decided_by_id")
    decided_at: dt.datetime | None
    overdue: bool = Field(description="Not decided and past its deadline.")
    days_since_event: int
    version: int

    @staticmethod
    def resolve_unit(obj: Duty) -> Unit:
        return obj.event.unit

    @staticmethod
    def resolve_overdue(obj: Duty) -> bool:
        return obj.decision == Duty.Decision.PENDING and obj.deadline < timezone.now()

    @staticmethod
    def resolve_days_since_event(obj: Duty) -> int:
        return max((timezone.now() - obj.event.occurred_at).days, 0)


class EventDetailOut(EventOut):
    duties: list[DutyOut] = Field(
        alias="duties_list", description="Reporting duties, for those who handle it."
    )
    investigation: int | None = Field(
        None, alias="investigation_id", description="The investigation's id, for those who handle the event."
    )


class EventFilter(Schema):
    unit: Id | None = Field(None, description="Events of this unit and every unit below it.")
    status: EventStatus | None = None
    open: bool = Field(False, description="Only new, assessed and investigated events: the handler's inbox.")
    category: Id | None = None
    mine: bool = Field(False, description="Only the events I reported (Mina rapporter).")
    from_: FilterDate | None = Field(None, alias="from", description="Happened on or after this day.")
    to: FilterDate | None = Field(None, description="Happened on or before this day.")


EVENT_RELATED = ("unit", "category", "reporter")


def _events(request: HttpRequest) -> QuerySet[Event]:
    return Event.objects.visible_to(caller(request)).select_related(*EVENT_RELATED)


def _event_detail(request: HttpRequest, event_id: int) -> Event:
    event: Event = get_object_or_404(_events(request), pk=event_id)
    user = caller(request)
    handles = access.can(user, "event.view", event)
    duties = (
        Duty.objects.filter(event=event).select_related("event__unit") if handles else Duty.objects.none()
    )
    event.duties_list = list(duties)  # type: ignore[attr-defined]
    found = (
        Investigation.objects.filter(event=event).values_list("pk", flat=True).first() if handles else None
    )
    event.investigation_id = found  # type: ignore[attr-defined]
    return event


@router.post("/events", response={201: EventOut, **errors(400)})
def report_event(request: HttpRequest, payload: EventIn) -> Any:
    """The quick report. The unit's handlers are notified; a time in the future gets 400."""
    data = payload.dict()
    event = services.report_event(
        by=caller(request),
        unit=resolve_id(Unit, data.pop("unit"), "unit"),
        category=resolve_id(Category, data.pop("category"), "category"),
        **data,
    )
    return Status(201, event)


@router.get("/events", response={200: list[EventOut], **errors(404)})
@paginate(Pagination)
def list_events(request: HttpRequest, filters: Query[EventFilter]) -> Any:
    """Events the caller may see, newest first: handlers see their subtree, everyone their own reports."""
    qs = _subtree(_events(request), filters.unit)
    if filters.status is not None:
        qs = qs.filter(status=filters.status)
    if filters.open:
        qs = qs.filter(status__in=Event.OPEN)
    if filters.category is not None:
        qs = qs.filter(category_id=filters.category)
    if filters.mine:
        qs = qs.filter(reporter_id=caller(request).pk)
    if filters.from_ is not None:
        qs = qs.filter(occurred_at__gte=_day_start(filters.from_))
    if filters.to is not None:
        qs = qs.filter(occurred_at__lt=_day_start(filters.to + dt.timedelta(days=1)))
    return _TwoStepPage(qs, ("-occurred_at", "-pk"), EVENT_RELATED)


class StatsFilter(Schema):
    unit: Id | None = Field(
        None, description="Events of this unit's subtree; default all the caller handles."
    )
    months: int = Field(12, ge=1, le=120)
    by: Literal["category", "unit", "month"] = "category"
    until: FilterDate | None = Field(None, description="The last month (any day of it); default this month.")


class TrendRowOut(Schema):
    key: str
    label: str
    counts: list[int]
    total: int


class StatsOut(Schema):
    months: list[dt.date] = Field(description="The first day of each month, oldest first.")
    rows: list[TrendRowOut]
    total: int
    causes: list[TrendRowOut] = Field(description="Cause categories of the period's investigated events.")


@router.get("/events/stats", response={200: StatsOut, **errors(404)})
def event_stats(request: HttpRequest, filters: Query[StatsFilter]) -> Any:
    """Events per month by category, unit or in all, and the most frequent causes, for the handler's scope."""
    events = _subtree(Event.objects.visible_to(caller(request), "event.view"), filters.unit)
    found = stats.trend(events, months=filters.months, until=filters.until, by=filters.by)
    first, last = found.months[0], found.months[-1]
    end = dt.date(last.year + last.month // 12, last.month % 12 + 1, 1)
    period = events.filter(occurred_at__gte=_day_start(first), occurred_at__lt=_day_start(end))
    return {
        "months": found.months,
        "rows": found.rows,
        "total": found.total,
        "causes": stats.top_causes(period),
    }


@router.get("/events/{event_id}", response={200: EventDetailOut, **errors(404)})
def get_event(request: HttpRequest, event_id: Id) -> Any:
    return _event_detail(request, event_id)


class TriageIn(BodyIn):
    version: Version
    category: Id | None = None
    unit: Id | None = None
    affected: AffectedChoice | None = None
    positive: StrictBool | None = None
    handler: Id | None = Field(None, description="null: nobody.")
    probability: int | None = Field(None, description="1–4; anything else gets 400.")
    consequence: int | None = Field(None, description="1–4; anything else gets 400.")
    harm: HarmChoice | None = Field(None, description="null: not assessed.")
    patient_informed: StrictBool | None = None
    patient_informed_at: Moment | None = None
    aware_at: Moment | None = Field(None, description="Starts the 72-hour clock of a personal data breach.")
    serious_work_injury: StrictBool | None = None


@router.patch("/events/{event_id}", response={200: EventDetailOut, **errors(400, 403, 404, 409)})
def triage_event(request: HttpRequest, event_id: Id, payload: TriageIn) -> Any:
    """Triage: risk, harm, category, handler. Opens reporting duties; a stale version gets 409."""
    event = get_object_or_404(_events(request), pk=event_id)
    data = payload.dict(exclude_unset=True)
    version = data.pop("version")
    _not_null(data, "category", "unit", "affected", "positive", "serious_work_injury")
    for key, model in (("category", Category), ("unit", Unit), ("handler", User)):
        if key in data:
            data[key] = resolve_id(model, data[key], key)
    services.triage_event(event, by=caller(request), version=version, **data)
    return _event_detail(request, event_id)


class CloseIn(BodyIn):
    version: Version
    comment: LongText = Field(description="What came of it; the reporter reads it.")  # type: ignore[valid-type]


@router.post("/events/{event_id}/close", response={200: EventDetailOut, **errors(400, 403, 404, 409)})
def close_event(request: HttpRequest, event_id: Id, payload: CloseIn) -> Any:
    event = get_object_or_404(_events(request), pk=event_id)
    services.close_event(event, by=caller(request), version=payload.version, comment=payload.comment)
    return _event_detail(request, event_id)


class ReopenIn(BodyIn):
    version: Version


@router.post("/events/{event_id}/reopen", response={200: EventDetailOut, **errors(403, 404, 409)})
def reopen_event(request: HttpRequest, event_id: Id, payload: ReopenIn) -> Any:
    event = get_object_or_404(_events(request), pk=event_id)
    services.reopen_event(event, by=caller(request), version=payload.version)
    return _event_detail(request, event_id)


# ---- investigation ---------------------------------------------------------------------------


class TimelineIn(BodyIn):
    at: Moment
    text: text(5000, 1)  # type: ignore[valid-type]


class CauseIn(BodyIn):
    category: CauseCategory
    description: text(5000, 1)  # type: ignore[valid-type]


class InvestigationIn(BodyIn):
    version: Version | None = Field(None, description="The investigation's version; leave out to start one.")
    kind: InvestigationKind = Investigation.Kind.SHORT
    commissioner: Id | None = None
    team: list[Id] = Field(default_factory=list, max_length=50)
    conclusions: LongText = ""  # type: ignore[valid-type]
    final_report: LongText = Field("", description="Needed when done.")  # type: ignore[valid-type]
    timeline: list[TimelineIn] = Field(default_factory=list, max_length=500)
    causes: list[CauseIn] = Field(default_factory=list, max_length=200)
    done: StrictBool = False


class TimelineOut(Schema):
    at: dt.datetime
    text: str


class CauseOut(Schema):
    category: CauseCategory
    description: str


class InvestigationOut(Schema):
    id: int
    event: int = Field(alias="event_id")
    kind: InvestigationKind
    status: InvestigationStatus
    commissioner: int | None = Field(None, alias="commissioner_id")
    team: list[int]
    conclusions: str
    final_report: str
    completed_at: dt.datetime | None
    timeline: list[TimelineOut]
    causes: list[CauseOut]
    version: int

    @staticmethod
    def resolve_team(obj: Investigation) -> list[int]:
        return sorted(u.pk for u in obj.team.all())

    @staticmethod
    def resolve_timeline(obj: Investigation) -> list[Any]:
        return list(obj.timeline.all())

    @staticmethod
    def resolve_causes(obj: Investigation) -> list[Any]:
        return list(obj.causes.all())


def _investigation(request: HttpRequest, event_id: int) -> Investigation:
    qs = Investigation.objects.visible_to(caller(request)).prefetch_related("team", "timeline", "causes")
    found: Investigation = get_object_or_404(qs, event_id=event_id)
    return found


def _users(pks: list[int], field: str) -> list[User]:
    found = {u.pk: u for u in User.objects.filter(pk__in=pks)}
    for pk in pks:
        if pk not in found:
            raise field_error(
                field, _("No %(model)s with id %(id)s.") % {"model": User._meta.verbose_name, "id": pk}
            )
    return [found[pk] for pk in dict.fromkeys(pks)]


@router.get("/events/{event_id}/investigation", response={200: InvestigationOut, **errors(404)})
def get_investigation(request: HttpRequest, event_id: Id) -> Any:
    """The event's investigation (404 when none is started), for those who handle the event."""
    return _investigation(request, event_id)


@router.put(
    "/events/{event_id}/investigation", response={200: InvestigationOut, **errors(400, 403, 404, 409)}
)
def save_investigation(request: HttpRequest, event_id: Id, payload: InvestigationIn) -> Any:
    """Start or replace the investigation; the event goes to investigating. done needs the final report."""
    event = get_object_or_404(Event.objects.visible_to(caller(request)), pk=event_id)
    data = payload.dict()
    services.save_investigation(
        event,
        by=caller(request),
        version=data["version"],
        kind=data["kind"],
        commissioner=resolve_id(User, data["commissioner"], "commissioner"),
        team=_users(data["team"], "team"),
        conclusions=data["conclusions"],
        final_report=data["final_report"],
        timeline=[(step["at"], step["text"]) for step in data["timeline"]],
        causes=[(cause["category"], cause["description"]) for cause in data["causes"]],
        done=data["done"],
    )
    return _investigation(request, event_id)


# ---- learnings -------------------------------------------------------------------------------


class LearningIn(BodyIn):
    title: text(300)  # type: ignore[valid-type]
    summary: LongText = Field(description="Anonymised: no names, no identity numbers.")  # type: ignore[valid-type]


class LearningOut(Schema):
    id: int
    event: int | None = Field(None, alias="event_id")
    unit: UnitRef
    category: CategoryOut | None
    positive: bool
    title: str
    summary: str
    published_at: dt.datetime
    version: int


class LearningFilter(Schema):
    q: text(200) | None = Field(None, description="Words in the title or summary.")  # type: ignore[valid-type]
    unit: Id | None = Field(None, description="Learnings of this unit and every unit below it.")
    category: Id | None = None
    positive: bool | None = None


@router.post("/events/{event_id}/learning", response={201: LearningOut, **errors(400, 403, 404, 409)})
def publish_learning(request: HttpRequest, event_id: Id, payload: LearningIn) -> Any:
    """Publish a closed or positive event's learning for the whole organisation; the reporter hears of it."""
    event = get_object_or_404(Event.objects.visible_to(caller(request)), pk=event_id)
    learning = services.publish_learning(
        by=caller(request), event=event, title=payload.title, summary=payload.summary
    )
    return Status(201, learning)


@router.get("/learnings", response={200: list[LearningOut], **errors(404)})
@paginate(Pagination)
def list_learnings(request: HttpRequest, filters: Query[LearningFilter]) -> Any:
    """Published learnings, newest first; everyone signed in reads them."""
    qs = _subtree(Learning.objects.select_related("unit", "category"), filters.unit)
    for word in (filters.q or "").split()[:10]:
        qs = qs.filter(Q(title__icontains=word) | Q(summary__icontains=word))
    if filters.category is not None:
        qs = qs.filter(category_id=filters.category)
    if filters.positive is not None:
        qs = qs.filter(positive=filters.positive)
    return qs.order_by("-published_at", "-pk")


@router.get("/learnings/{learning_id}", response={200: LearningOut, **errors(404)})
def get_learning(request: HttpRequest, learning_id: Id) -> Any:
    return get_object_or_404(Learning.objects.select_related("unit", "category"), pk=learning_id)


# ---- duties ----------------------------------------------------------------------------------


class DutyIn(BodyIn):
    event: Id
    kind: DutyKind


class DecideIn(BodyIn):
    version: Version
    decision: DutyDecision = Field(description="reported or not_reported.")
    reasoning: LongText  # type: ignore[valid-type]
    reference: text(100) = Field("", description="The authority's case number.")  # type: ignore[valid-type]


class DutyFilter(Schema):
    unit: Id | None = Field(None, description="Duties of events in this unit's subtree.")
    kind: DutyKind | None = None
    decision: DutyDecision | None = None
    overdue: bool = Field(False, description="Only undecided duties past their deadline.")


def _duties(request: HttpRequest) -> QuerySet[Duty]:
    return Duty.objects.visible_to(caller(request)).select_related("event__unit")


@router.get("/duties", response={200: list[DutyOut], **errors(404)})
@paginate(Pagination)
def list_duties(request: HttpRequest, filters: Query[DutyFilter]) -> Any:
    """Reporting duties of the events the caller handles, the nearest deadline first."""
    qs = _subtree(_duties(request), filters.unit, "event__unit")
    if filters.kind is not None:
        qs = qs.filter(kind=filters.kind)
    if filters.decision is not None:
        qs = qs.filter(decision=filters.decision)
    if filters.overdue:
        qs = qs.filter(decision=Duty.Decision.PENDING, deadline__lt=timezone.now())
    return qs.order_by("deadline", "pk")


@router.post("/duties", response={201: DutyOut, **errors(400, 403, 409)})
def open_duty(request: HttpRequest, payload: DutyIn) -> Any:
    """Open a reporting duty by hand, e.g. a Lex Maria assessment of a possible serious care injury."""
    event = Event.objects.visible_to(caller(request), "event.view").filter(pk=payload.event).first()
    if event is None:
        raise field_error(
            "event",
            _("No %(model)s with id %(id)s.") % {"model": Event._meta.verbose_name, "id": payload.event},
        )
    duty = services.open_duty(event, by=caller(request), kind=payload.kind)
    return Status(201, _duties(request).get(pk=duty.pk))


@router.get("/duties/{duty_id}", response={200: DutyOut, **errors(404)})
def get_duty(request: HttpRequest, duty_id: Id) -> Any:
    return get_object_or_404(_duties(request), pk=duty_id)


@router.post("/duties/{duty_id}/decide", response={200: DutyOut, **errors(400, 403, 404, 409)})
def decide_duty(request: HttpRequest, duty_id: Id, payload: DecideIn) -> Any:
    """Record whether the duty was reported, with the reasoning (quality coordinators)."""
    duty = get_object_or_404(_duties(request), pk=duty_id)
    services.decide_duty(
        duty,
        by=caller(request),
        version=payload.version,
        decision=payload.decision,
        reasoning=payload.reasoning,
        reference=payload.reference,
    )
    return _duties(request).get(pk=duty_id)


# ---- actions ---------------------------------------------------------------------------------


class SourceRef(Schema):
    type: str = Field(description="What the action came from, e.g. improvement.event.")
    id: int


class ActionOut(Schema):
    id: int
    unit: UnitRef
    title: str
    description: str
    owner: PersonRef | None
    due_date: dt.date
    status: ActionStatus
    completed_on: dt.date | None
    source: SourceRef | None
    effect: ActionEffect
    effect_evaluated_on: dt.date | None
    effect_comment: str
    overdue: bool = Field(description="Planned or ongoing past its due date.")
    version: int

    @staticmethod
    def resolve_owner(obj: Action) -> dict[str, Any] | None:
        return _person(obj.owner)

    @staticmethod
    def resolve_source(obj: Action) -> dict[str, Any] | None:
        if obj.source_type_id is None or obj.source_id is None:
            return None
        kind = ContentType.objects.get_for_id(obj.source_type_id)
        return {"type": f"{kind.app_label}.{kind.model}", "id": obj.source_id}

    @staticmethod
    def resolve_overdue(obj: Action) -> bool:
        return obj.status in Action.OPEN and obj.due_date < timezone.localdate()


class ActionIn(BodyIn):
    unit: Id
    title: text(300)  # type: ignore[valid-type]
    owner: Id
    due_date: dt.date
    description: LongText = ""  # type: ignore[valid-type]
    event: Id | None = Field(None, description="The event the action comes from.")


class ActionPatch(BodyIn):
    version: Version
    title: text(300) | None = None  # type: ignore[valid-type]
    description: LongText | None = None  # type: ignore[valid-type]
    owner: Id | None = None
    due_date: dt.date | None = None
    status: ActionStatus | None = None
    effect: ActionEffect | None = None
    effect_evaluated_on: dt.date | None = None
    effect_comment: LongText | None = None  # type: ignore[valid-type]


class ActionFilter(Schema):
    unit: Id | None = Field(None, description="Actions of this unit and every unit below it.")
    status: ActionStatus | None = None
    mine: bool = Field(False, description="Only the actions I own (Mina åtgärder).")
    overdue: bool = Field(False, description="Only planned or ongoing actions past their due date.")
    event: Id | None = Field(None, description="Only the actions from this event.")


def _actions(request: HttpRequest) -> ActionQuerySet:
    return Action.objects.visible_to(caller(request)).select_related("unit", "owner")


@router.get("/actions", response={200: list[ActionOut], **errors(404)})
@paginate(Pagination)
def list_actions(request: HttpRequest, filters: Query[ActionFilter]) -> Any:
    """Actions the caller may see, the nearest due date first: handlers their subtree's, owners their own."""
    qs = _subtree(_actions(request), filters.unit)
    if filters.status is not None:
        qs = qs.filter(status=filters.status)
    if filters.mine:
        qs = qs.filter(owner_id=caller(request).pk)
    if filters.overdue:
        qs = qs.overdue(timezone.localdate())
    if filters.event is not None:
        qs = qs.filter(source_type=ContentType.objects.get_for_model(Event), source_id=filters.event)
    return qs.order_by("due_date", "pk")


@router.post("/actions", response={201: ActionOut, **errors(400, 403)})
def create_action(request: HttpRequest, payload: ActionIn) -> Any:
    """Create an action with an owner and a due date; the owner is notified."""
    source = None
    if payload.event is not None:
        source = Event.objects.visible_to(caller(request), "event.view").filter(pk=payload.event).first()
        if source is None:
            raise field_error(
                "event",
                _("No %(model)s with id %(id)s.") % {"model": Event._meta.verbose_name, "id": payload.event},
            )
    action = services.create_action(
        by=caller(request),
        unit=resolve_id(Unit, payload.unit, "unit"),
        title=payload.title,
        owner=resolve_id(User, payload.owner, "owner"),
        due_date=payload.due_date,
        description=payload.description,
        source=source,
    )
    return Status(201, _actions(request).get(pk=action.pk))


@router.get("/actions/{action_id}", response={200: ActionOut, **errors(404)})
def get_action(request: HttpRequest, action_id: Id) -> Any:
    return get_object_or_404(_actions(request), pk=action_id)


@router.patch("/actions/{action_id}", response={200: ActionOut, **errors(400, 403, 404, 409)})
def update_action(request: HttpRequest, action_id: Id, payload: ActionPatch) -> Any:
    """Handlers change anything; the owner moves the status and evaluates the effect."""
    action = get_object_or_404(_actions(request), pk=action_id)
    data = payload.dict(exclude_unset=True)
    version = data.pop("version")
    _not_null(data, "title", "description", "owner", "due_date", "status", "effect_comment")
    if "owner" in data:
        data["owner"] = resolve_id(User, data["owner"], "owner")
    services.update_action(action, by=caller(request), version=version, **data)
    return _actions(request).get(pk=action_id)


# ---- complaints ------------------------------------------------------------------------------


class ComplaintOut(Schema):
    id: int
    unit: UnitRef
    received_on: dt.date
    channel: Channel
    sender: Sender
    description: str
    deadline: dt.date
    status: ComplaintStatus
    answered_on: dt.date | None
    answer_summary: str
    handler: int | None = Field(None, alias="handler_id")
    events: list[int]
    overdue: bool = Field(description="Not answered and past its deadline.")
    version: int

    @staticmethod
    def resolve_events(obj: Complaint) -> list[int]:
        return sorted(e.pk for e in obj.events.all())

    @staticmethod
    def resolve_overdue(obj: Complaint) -> bool:
        return obj.status == Complaint.Status.OPEN and obj.deadline < timezone.localdate()


class ComplaintIn(BodyIn):
    unit: Id
    received_on: dt.date = Field(description="Not in the future; the deadline counts from it.")
    channel: Channel
    sender: Sender
    description: LongText  # type: ignore[valid-type]
    events: list[Id] = Field(default_factory=list, max_length=50, description="Events it concerns.")


class ComplaintPatch(BodyIn):
    version: Version
    answered_on: dt.date
    answer_summary: LongText  # type: ignore[valid-type]


class ComplaintFilter(Schema):
    unit: Id | None = Field(None, description="Complaints of this unit and every unit below it.")
    status: ComplaintStatus | None = None
    overdue: bool = Field(False, description="Only unanswered complaints past their deadline.")


def _complaints(request: HttpRequest) -> QuerySet[Complaint]:
    return Complaint.objects.visible_to(caller(request)).select_related("unit").prefetch_related("events")


@router.get("/complaints", response={200: list[ComplaintOut], **errors(404)})
@paginate(Pagination)
def list_complaints(request: HttpRequest, filters: Query[ComplaintFilter]) -> Any:
    """Complaints of the caller's subtree, the nearest deadline first."""
    qs = _subtree(_complaints(request), filters.unit)
    if filters.status is not None:
        qs = qs.filter(status=filters.status)
    if filters.overdue:
        qs = qs.filter(status=Complaint.Status.OPEN, deadline__lt=timezone.localdate())
    return qs.order_by("deadline", "pk")


@router.post("/complaints", response={201: ComplaintOut, **errors(400, 403)})
def register_complaint(request: HttpRequest, payload: ComplaintIn) -> Any:
    """Register a complaint; the answer is due after the organisation's complaint days (default 28)."""
    pks = list(dict.fromkeys(payload.events))
    events = list(Event.objects.visible_to(caller(request), "event.view").filter(pk__in=pks))
    missing = sorted(set(pks) - {e.pk for e in events})
    if missing:
        raise field_error(
            "events",
            _("No %(model)s with id %(id)s.") % {"model": Event._meta.verbose_name, "id": missing[0]},
        )
    complaint = services.register_complaint(
        by=caller(request),
        unit=resolve_id(Unit, payload.unit, "unit"),
        received_on=payload.received_on,
        channel=payload.channel,
        sender=payload.sender,
        description=payload.description,
        events=events,
    )
    return Status(201, _complaints(request).get(pk=complaint.pk))


@router.get("/complaints/{complaint_id}", response={200: ComplaintOut, **errors(404)})
def get_complaint(request: HttpRequest, complaint_id: Id) -> Any:
    return get_object_or_404(_complaints(request), pk=complaint_id)


@router.patch("/complaints/{complaint_id}", response={200: ComplaintOut, **errors(400, 403, 404, 409)})
def answer_complaint(request: HttpRequest, complaint_id: Id, payload: ComplaintPatch) -> Any:
    """Record the answer: its date and a summary."""
    complaint = get_object_or_404(_complaints(request), pk=complaint_id)
    services.answer_complaint(
        complaint,
        by=caller(request),
        version=payload.version,
        answered_on=payload.answered_on,
        answer_summary=payload.answer_summary,
    )
    return _complaints(request).get(pk=complaint_id)


# ---- proposals -------------------------------------------------------------------------------


class PdsaOut(Schema):
    id: int
    phase: Phase
    text: str
    author: PersonRef | None
    created_at: dt.datetime

    @staticmethod
    def resolve_author(obj: PdsaEntry) -> dict[str, Any] | None:
        return _person(obj.author)


class ProposalOut(Schema):
    id: int
    unit: UnitRef
    title: str
    idea: str
    submitted_by: PersonRef | None
    status: ProposalStatus
    reason: str
    decided_at: dt.datetime | None
    created_at: dt.datetime
    version: int

    @staticmethod
    def resolve_submitted_by(obj: Proposal) -> dict[str, Any] | None:
        return _person(obj.submitted_by)


class ProposalDetailOut(ProposalOut):
    pdsa: list[PdsaOut]

    @staticmethod
    def resolve_pdsa(obj: Proposal) -> list[Any]:
        return list(obj.pdsa.select_related("author"))


class ProposalIn(BodyIn):
    unit: Id
    title: text(300)  # type: ignore[valid-type]
    idea: LongText  # type: ignore[valid-type]


class ProposalPatch(BodyIn):
    version: Version
    status: ProposalStatus
    reason: LongText = Field("", description="Needed when the proposal is not adopted.")  # type: ignore[valid-type]


class PdsaIn(BodyIn):
    phase: Phase
    text: LongText  # type: ignore[valid-type]


class ProposalFilter(Schema):
    unit: Id | None = Field(None, description="Proposals of this unit and every unit below it.")
    status: ProposalStatus | None = None
    mine: bool = Field(False, description="Only the proposals I submitted.")


def _proposals(request: HttpRequest) -> QuerySet[Proposal]:
    return Proposal.objects.visible_to(caller(request)).select_related("unit", "submitted_by")


@router.get("/proposals", response={200: list[ProposalOut], **errors(404)})
@paginate(Pagination)
def list_proposals(request: HttpRequest, filters: Query[ProposalFilter]) -> Any:
    """Proposals of the caller's units and the caller's own, newest first."""
    qs = _subtree(_proposals(request), filters.unit)
    if filters.status is not None:
        qs = qs.filter(status=filters.status)
    if filters.mine:
        qs = qs.filter(submitted_by_id=caller(request).pk)
    return qs.order_by("-created_at", "-pk")


@router.post("/proposals", response={201: ProposalDetailOut, **errors(400)})
def submit_proposal(request: HttpRequest, payload: ProposalIn) -> Any:
    """Anyone signed in proposes an improvement for any unit; its handlers are notified."""
    proposal = services.submit_proposal(
        by=caller(request),
        unit=resolve_id(Unit, payload.unit, "unit"),
        title=payload.title,
        idea=payload.idea,
    )
    return Status(201, _proposals(request).get(pk=proposal.pk))


@router.get("/proposals/{proposal_id}", response={200: ProposalDetailOut, **errors(404)})
def get_proposal(request: HttpRequest, proposal_id: Id) -> Any:
    return get_object_or_404(_proposals(request), pk=proposal_id)


@router.patch("/proposals/{proposal_id}", response={200: ProposalDetailOut, **errors(400, 403, 404, 409)})
def move_proposal(request: HttpRequest, proposal_id: Id, payload: ProposalPatch) -> Any:
    """new → assessing → ongoing → adopted or rejected (with a reason); rejected → assessing."""
    proposal = get_object_or_404(_proposals(request), pk=proposal_id)
    services.move_proposal(
        proposal, by=caller(request), version=payload.version, status=payload.status, reason=payload.reason
    )
    return _proposals(request).get(pk=proposal_id)


@router.post("/proposals/{proposal_id}/pdsa", response={201: PdsaOut, **errors(400, 403, 404, 409)})
def add_pdsa(request: HttpRequest, proposal_id: Id, payload: PdsaIn) -> Any:
    """A plan-do-study-act note while the proposal is tried (its handlers and its submitter)."""
    proposal = get_object_or_404(_proposals(request), pk=proposal_id)
    entry = services.add_pdsa(proposal, by=caller(request), phase=payload.phase, text=payload.text)
    return Status(201, entry)
