"""Events: the quick report, triage with its reporting duties, investigation, closing and learnings."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rodtrad.core.access import Actor
from rodtrad.core.errors import IllegalTransition
from rodtrad.core.models import AuditAction, Unit, User
from rodtrad.core.services import audit
from rodtrad.core.services.common import field_error, lock
from rodtrad.core.services.notifications import notify_many
from rodtrad.improvement.models import (
    Affected,
    Category,
    Cause,
    Duty,
    Event,
    Harm,
    ImprovementSettings,
    Investigation,
    Learning,
    TimelineEntry,
)
from rodtrad.improvement.services.base import (
    active_unit,
    choice,
    duties_url,
    event_url,
    free_text,
    learning_url,
    past_moment,
    people_with,
    require,
)
from rodtrad.improvement.services.config import improvement_settings

Status = Event.Status

REPORT_FIELDS = ("unit", "occurred_at", "description", "immediate_action", "category", "affected", "positive")
TRIAGE_FIELDS = (
    "category",
    "unit",
    "affected",
    "positive",
    "handler",
    "probability",
    "consequence",
    "harm",
    "patient_informed",
    "patient_informed_at",
    "aware_at",
    "serious_work_injury",
)
INVESTIGATION_FIELDS = ("kind", "status", "commissioner", "conclusions", "final_report")
DUTY_FIELDS = ("decision", "reasoning", "reference")
LEARNING_FIELDS = ("event", "unit", "category", "positive", "title", "summary")


def _category(field: str, value: Any) -> Category:
    if not isinstance(value, Category):
        raise field_error(field, _("This field is required."))
    if not value.active:
        raise field_error(field, _("The category %(name)s is no longer in use.") % {"name": value.name})
    return value


def report_event(
    *,
    by: Actor,
    unit: Unit,
    occurred_at: dt.datetime,
    description: str,
    category: Category,
    affected: str,
    immediate_action: str = "",
    positive: bool = False,
) -> Event:
    """The quick report: anyone signed in may report for any unit; the unit's handlers hear of it.

    Everything that only reads (checks, the handlers) comes before the transaction: on SQLite a
    transaction holds the one write lock, and reports are what many people write at once.
    """
    event = Event(
        unit=active_unit("unit", unit),
        reporter=by if isinstance(by, User) else None,
        occurred_at=past_moment("occurred_at", occurred_at),
        description=free_text("description", description, required=True),
        immediate_action=free_text("immediate_action", immediate_action),
        category=_category("category", category),
        affected=choice("affected", affected, Affected.values),
    )
    event.positive = bool(positive) or event.category.positive
    require(by, "event.report", event)
    handlers = people_with("event.handle", event.unit)
    title = (
        _("A positive event was reported in %(unit)s")
        if event.positive
        else _("A new event was reported in %(unit)s")
    )
    body = _("%(category)s, %(time)s. Assess it in the inbox.") % {
        "category": event.category.name,
        "time": timezone.localtime(event.occurred_at).strftime("%Y-%m-%d %H:%M"),
    }
    with transaction.atomic():
        event.save()
        audit.record(
            actor=by,
            action=AuditAction.CREATE,
            obj=event,
            unit=event.unit,
            changes=audit.diff({}, audit.snapshot(event, REPORT_FIELDS)),
        )
        notify_many(handlers, title % {"unit": event.unit.name}, body, event_url(event.pk), by=by)
    return event


def _level(field: str, value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 4:
        raise field_error(field, _("Give a level from 1 to 4."))
    return int(value)


def _set_triage(event: Event, key: str, value: Any, *, by: Actor) -> None:
    if key == "category":
        event.category = _category(key, value)
    elif key == "unit":
        event.unit = active_unit(key, value)
        require(by, "event.handle", event)
    elif key == "affected":
        event.affected = choice(key, value, Affected.values)
    elif key in ("positive", "serious_work_injury"):
        setattr(event, key, bool(value))
    elif key == "patient_informed":
        event.patient_informed = None if value is None else bool(value)
    elif key == "handler":
        if value is not None and not (isinstance(value, User) and value.is_active):
            raise field_error(key, _("Choose an active person."))
        event.handler = value
    elif key in ("probability", "consequence"):
        setattr(event, key, _level(key, value))
    elif key == "harm":
        event.harm = choice(key, value or "", ["", *Harm.values])
    elif key in ("patient_informed_at", "aware_at"):
        setattr(event, key, None if value is None else past_moment(key, value))
    else:
        raise field_error(key, _("Unknown field."))


def _clock(kind: str, event: Event, settings: ImprovementSettings) -> tuple[dt.datetime, dt.timedelta]:
    """Where a duty's clock starts and how long it runs: Lex Maria from the event, the others from
    awareness (or now, when nobody has recorded it)."""
    if kind == Duty.Kind.LEX_MARIA:
        return event.occurred_at, dt.timedelta(days=settings.lex_maria_days)
    hours = settings.imy_hours if kind == Duty.Kind.PERSONAL_DATA else settings.work_injury_hours
    return event.aware_at or timezone.now(), dt.timedelta(hours=hours)


def _open_duties(event: Event, settings: ImprovementSettings) -> list[Duty]:
    """Open the reporting duties the triaged event calls for; a duty once opened stays."""
    wanted = []
    if event.harm == Harm.SERIOUS:
        wanted.append(Duty.Kind.LEX_MARIA)
    if event.category.duty == Category.Duty.PERSONAL_DATA:
        wanted.append(Duty.Kind.PERSONAL_DATA)
    if event.serious_work_injury:
        wanted.append(Duty.Kind.WORK_INJURY)
    existing = {d.kind: d for d in Duty.objects.select_for_update().filter(event=event)}
    opened = []
    for kind in wanted:
        start, span = _clock(kind, event, settings)
        duty = existing.get(kind)
        if duty is None:
            opened.append(
                Duty.objects.create(event=event, kind=kind, started_at=start, deadline=start + span)
            )
        elif (
            kind != Duty.Kind.LEX_MARIA
            and duty.decision == Duty.Decision.PENDING
            and event.aware_at
            and duty.started_at != event.aware_at
        ):  # awareness was recorded after the clock started: the clock moves with it
            duty.started_at, duty.deadline = start, start + span
            duty.version += 1
            duty.save(update_fields=["started_at", "deadline", "version", "updated_at"])
    return opened


def _record_opened(duties: list[Duty], event: Event, *, by: Actor) -> None:
    """Audit the new duties and tell the people who decide them."""
    for duty in duties:
        audit.record(
            actor=by,
            action=AuditAction.CREATE,
            obj=duty,
            unit=event.unit,
            changes=audit.diff({}, audit.snapshot(duty, ("event", "kind", "started_at", "deadline"))),
        )
        notify_many(
            people_with("duty.decide", event.unit),
            _("%(duty)s: decide by %(deadline)s")
            % {
                "duty": duty.get_kind_display(),
                "deadline": timezone.localtime(duty.deadline).strftime("%Y-%m-%d %H:%M"),
            },
            _("A reporting duty was opened for %(event)s.") % {"event": event},
            duties_url(),
            by=by,
        )


@transaction.atomic
def open_duty(event: Event, *, by: Actor, kind: str) -> Duty:
    """Open a reporting duty by hand, e.g. a Lex Maria assessment of a possible serious care injury."""
    event = lock(Event, event.pk, None)
    require(by, "event.handle", event)
    kind = choice("kind", kind, Duty.Kind.values)
    if Duty.objects.filter(event=event, kind=kind).exists():
        raise IllegalTransition(_("The event already has this reporting duty."))
    start, span = _clock(kind, event, improvement_settings())
    duty = Duty.objects.create(event=event, kind=kind, started_at=start, deadline=start + span)
    _record_opened([duty], event, by=by)
    return duty


@transaction.atomic
def triage_event(event: Event, *, by: Actor, version: int, **changes: Any) -> Event:
    """Assess an event: risk, harm, category, handler; new → triaged. Opens the reporting duties."""
    event = lock(Event, event.pk, version)
    require(by, "event.handle", event)
    if event.status == Status.CLOSED:
        raise IllegalTransition(_("The event is closed. Reopen it to change the assessment."))
    before = {**audit.snapshot(event, TRIAGE_FIELDS), "status": event.status}
    for key, value in changes.items():
        _set_triage(event, key, value, by=by)
    if event.category.positive:
        event.positive = True
    if event.status == Status.NEW:
        event.status = Status.TRIAGED
    event.version += 1
    event.save()
    opened = _open_duties(event, improvement_settings())
    after = {**audit.snapshot(event, TRIAGE_FIELDS), "status": event.status}
    audit.record(
        actor=by, action=AuditAction.UPDATE, obj=event, unit=event.unit, changes=audit.diff(before, after)
    )
    _record_opened(opened, event, by=by)
    return event


def _timeline(rows: Iterable[tuple[dt.datetime, str]]) -> list[tuple[dt.datetime, str]]:
    result = []
    for row in rows:
        at, text = row
        if not isinstance(at, dt.datetime):
            raise field_error("timeline", _("Each step needs a date and time."))
        at = timezone.make_aware(at) if timezone.is_naive(at) else at
        result.append((at, free_text("timeline", text, required=True)))
    return result


def _causes(rows: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    result = []
    for row in rows:
        category, description = row
        result.append(
            (
                choice("causes", category, Cause.Category.values),
                free_text("causes", description, required=True),
            )
        )
    return result


def _to_status(event: Event, to: str) -> dict[str, list[Any]]:
    """Move the event and bump its version; the change for the audit entry."""
    before = event.status
    event.status = to
    event.version += 1
    return {"status": [before, to]} if before != to else {}


@transaction.atomic
def save_investigation(
    event: Event,
    *,
    by: Actor,
    version: int | None,
    kind: str,
    commissioner: User | None = None,
    team: Iterable[User] = (),
    conclusions: str = "",
    final_report: str = "",
    timeline: Iterable[tuple[dt.datetime, str]] = (),
    causes: Iterable[tuple[str, str]] = (),
    done: bool = False,
) -> Investigation:
    """Create or replace the event's investigation (``version`` is the investigation's); the event moves
    to investigating. ``done`` needs the final report."""
    event = lock(Event, event.pk, None)
    require(by, "event.handle", event)
    if event.status == Status.CLOSED:
        raise IllegalTransition(_("The event is closed. Reopen it to change the investigation."))
    current = Investigation.objects.filter(event=event).first()
    investigation = lock(Investigation, current.pk, version) if current else Investigation(event=event)
    before = audit.snapshot(investigation, INVESTIGATION_FIELDS) if current else {}
    if current:
        before["team"] = sorted(investigation.team.values_list("pk", flat=True))
    investigation.kind = choice("kind", kind, Investigation.Kind.values)
    if commissioner is not None and not isinstance(commissioner, User):
        raise field_error("commissioner", _("Choose a person."))
    investigation.commissioner = commissioner
    investigation.conclusions = free_text("conclusions", conclusions)
    investigation.final_report = free_text("final_report", final_report, required=done)
    steps, found = _timeline(timeline), _causes(causes)
    if done:
        if investigation.status != Investigation.Status.DONE:
            investigation.completed_at = timezone.now()
        investigation.status = Investigation.Status.DONE
    else:
        investigation.status, investigation.completed_at = Investigation.Status.ONGOING, None
    if current:
        investigation.version += 1
    investigation.save()
    members = {u.pk: u for u in team}
    investigation.team.set(list(members.values()))
    investigation.timeline.all().delete()
    TimelineEntry.objects.bulk_create(
        [TimelineEntry(investigation=investigation, at=a, text=t) for a, t in steps]
    )
    investigation.causes.all().delete()
    Cause.objects.bulk_create(
        [Cause(investigation=investigation, category=c, description=d) for c, d in found]
    )
    event_change = _to_status(event, Status.INVESTIGATING) if event.status != Status.INVESTIGATING else {}
    if event_change:
        event.save(update_fields=["status", "version", "updated_at"])
    after = {**audit.snapshot(investigation, INVESTIGATION_FIELDS), "team": sorted(members)}
    changes = audit.diff(before, after)
    changes["timeline"] = [None, [[a.isoformat(), t] for a, t in steps]]
    changes["causes"] = [None, [[c, d] for c, d in found]]
    audit.record(
        actor=by,
        action=AuditAction.UPDATE if current else AuditAction.CREATE,
        obj=investigation,
        unit=event.unit,
        changes=changes,
    )
    if event_change:
        audit.record(actor=by, action=AuditAction.UPDATE, obj=event, unit=event.unit, changes=event_change)
    return investigation


@transaction.atomic
def close_event(event: Event, *, by: Actor, version: int, comment: str) -> Event:
    """Close with a comment the reporter will read; an investigation under way must be done first."""
    event = lock(Event, event.pk, version)
    require(by, "event.handle", event)
    if event.status not in Event.OPEN:
        raise IllegalTransition(_("The event is already closed."))
    investigation = Investigation.objects.filter(event=event).first()
    if investigation is not None and investigation.status != Investigation.Status.DONE:
        raise IllegalTransition(_("Finish the investigation before closing the event."))
    event.closing_comment = free_text("comment", comment, required=True)
    event.closed_at = timezone.now()
    changes = _to_status(event, Status.CLOSED)
    event.save()
    audit.record(
        actor=by,
        action=AuditAction.UPDATE,
        obj=event,
        unit=event.unit,
        changes={**changes, "closing_comment": [None, event.closing_comment]},
    )
    notify_many(
        [event.reporter],
        _("Your report %(event)s is closed") % {"event": event},
        event.closing_comment,
        event_url(event.pk),
        by=by,
    )
    return event


@transaction.atomic
def reopen_event(event: Event, *, by: Actor, version: int) -> Event:
    """closed → triaged, so the assessment and investigation can go on."""
    event = lock(Event, event.pk, version)
    require(by, "event.handle", event)
    if event.status != Status.CLOSED:
        raise IllegalTransition(_("Only a closed event can be reopened."))
    comment = event.closing_comment
    event.closing_comment, event.closed_at = "", None
    changes = _to_status(event, Status.TRIAGED)
    event.save()
    audit.record(
        actor=by,
        action=AuditAction.UPDATE,
        obj=event,
        unit=event.unit,
        changes={**changes, "closing_comment": [comment, ""]},
    )
    return event


@transaction.atomic
def decide_duty(
    duty: Duty, *, by: Actor, version: int, decision: str, reasoning: str, reference: str = ""
) -> Duty:
    """Record whether the duty was reported, with the reasoning; a later decision corrects it."""
    duty = lock(Duty, duty.pk, version)
    event = Event.objects.select_related("unit").get(pk=duty.event_id)
    require(by, "duty.decide", event)
    before = audit.snapshot(duty, DUTY_FIELDS)
    duty.decision = choice("decision", decision, [Duty.Decision.REPORTED, Duty.Decision.NOT_REPORTED])
    duty.reasoning = free_text("reasoning", reasoning, required=True)
    duty.reference = free_text("reference", reference, max_length=100)
    duty.decided_by = by if isinstance(by, User) else None
    duty.decided_at = timezone.now()
    duty.version += 1
    duty.save()
    audit.record(
        actor=by,
        action=AuditAction.UPDATE,
        obj=duty,
        unit=event.unit,
        changes=audit.diff(before, audit.snapshot(duty, DUTY_FIELDS)),
    )
    return duty


@transaction.atomic
def publish_learning(*, by: Actor, event: Event, title: str, summary: str) -> Learning:
    """Publish an anonymised summary of a closed or positive event for everyone; the reporter hears of it."""
    event = lock(Event, event.pk, None)
    require(by, "event.handle", event)
    if event.status != Status.CLOSED and not event.positive:
        raise IllegalTransition(_("Only a closed or a positive event can become a learning."))
    if Learning.objects.filter(event=event).exists():
        raise IllegalTransition(_("A learning is already published for this event."))
    learning = Learning.objects.create(
        event=event,
        unit=event.unit,
        category=event.category,
        positive=event.positive,
        title=free_text("title", title, required=True, max_length=300),
        summary=free_text("summary", summary, required=True),
        published_by=by if isinstance(by, User) else None,
        published_at=timezone.now(),
    )
    audit.record(
        actor=by,
        action=AuditAction.PUBLISH,
        obj=learning,
        unit=event.unit,
        changes=audit.diff({}, audit.snapshot(learning, LEARNING_FIELDS)),
    )
    notify_many(
        [event.reporter],
        _("Something was learned from your report: %(title)s") % {"title": learning.title},
        _("Thank you for reporting. The learning is now shared with the whole organisation."),
        learning_url(learning.pk),
        by=by,
    )
    return learning
