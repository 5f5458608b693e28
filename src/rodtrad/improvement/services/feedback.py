"""Complaints from patients and relatives, and improvement proposals from staff."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rodtrad.core import access
from rodtrad.core.access import Actor
from rodtrad.core.errors import IllegalTransition
from rodtrad.core.models import AuditAction, Unit, User
from rodtrad.core.services import audit
from rodtrad.core.services.common import field_error, lock
from rodtrad.core.services.notifications import notify_many
from rodtrad.improvement.models import Complaint, Event, PdsaEntry, Proposal
from rodtrad.improvement.services.base import (
    active_unit,
    choice,
    free_text,
    past_date,
    people_with,
    proposal_url,
    require,
)
from rodtrad.improvement.services.config import improvement_settings

COMPLAINT_FIELDS = (
    "unit",
    "received_on",
    "channel",
    "sender",
    "description",
    "deadline",
    "status",
    "answered_on",
    "answer_summary",
)
PROPOSAL_FIELDS = ("unit", "title", "idea", "status", "reason")
PStatus = Proposal.Status
#: new → assessing → ongoing → adopted or rejected; new or assessing → rejected; rejected → assessing.
PROPOSAL_TRANSITIONS: dict[str, frozenset[str]] = {
    PStatus.NEW: frozenset({PStatus.ASSESSING, PStatus.REJECTED}),
    PStatus.ASSESSING: frozenset({PStatus.ONGOING, PStatus.REJECTED}),
    PStatus.ONGOING: frozenset({PStatus.ADOPTED, PStatus.REJECTED}),
    PStatus.ADOPTED: frozenset(),
    PStatus.REJECTED: frozenset({PStatus.ASSESSING}),
}


@transaction.atomic
def register_complaint(
    *,
    by: Actor,
    unit: Unit,
    received_on: dt.date,
    channel: str,
    sender: str,
    description: str,
    events: Iterable[Event] = (),
) -> Complaint:
    """Register a complaint; the answer is due after the organisation's complaint days."""
    complaint = Complaint(
        unit=active_unit("unit", unit),
        received_on=past_date("received_on", received_on),
        channel=choice("channel", channel, Complaint.Channel.values),
        sender=choice("sender", sender, Complaint.Sender.values),
        description=free_text("description", description, required=True),
        handler=by if isinstance(by, User) else None,
    )
    require(by, "complaint.edit", complaint)
    linked = {e.pk: e for e in events}
    for event in linked.values():
        if not access.can(by, "event.view", event):
            raise field_error("events", _("No event with id %(id)s.") % {"id": event.pk})
    complaint.deadline = complaint.received_on + dt.timedelta(days=improvement_settings().complaint_days)
    complaint.save()
    complaint.events.set(list(linked.values()))
    audit.record(
        actor=by,
        action=AuditAction.CREATE,
        obj=complaint,
        unit=complaint.unit,
        changes={
            **audit.diff({}, audit.snapshot(complaint, COMPLAINT_FIELDS)),
            "events": [None, sorted(linked)],
        },
    )
    return complaint


@transaction.atomic
def answer_complaint(
    complaint: Complaint, *, by: Actor, version: int, answered_on: dt.date, answer_summary: str
) -> Complaint:
    """Record when and how the complaint was answered."""
    complaint = lock(Complaint, complaint.pk, version)
    require(by, "complaint.edit", complaint)
    if complaint.status != Complaint.Status.OPEN:
        raise IllegalTransition(_("The complaint is already answered."))
    before = audit.snapshot(complaint, COMPLAINT_FIELDS)
    complaint.answered_on = past_date("answered_on", answered_on)
    if complaint.answered_on < complaint.received_on:
        raise field_error("answered_on", _("The answer cannot come before the complaint was received."))
    complaint.answer_summary = free_text("answer_summary", answer_summary, required=True)
    complaint.status = Complaint.Status.ANSWERED
    complaint.version += 1
    complaint.save()
    audit.record(
        actor=by,
        action=AuditAction.UPDATE,
        obj=complaint,
        unit=complaint.unit,
        changes=audit.diff(before, audit.snapshot(complaint, COMPLAINT_FIELDS)),
    )
    return complaint


@transaction.atomic
def submit_proposal(*, by: Actor, unit: Unit, title: str, idea: str) -> Proposal:
    """Anyone may propose an improvement for any unit; the unit's handlers hear of it."""
    proposal = Proposal(
        unit=active_unit("unit", unit),
        title=free_text("title", title, required=True, max_length=300),
        idea=free_text("idea", idea, required=True),
        submitted_by=by if isinstance(by, User) else None,
    )
    require(by, "proposal.submit", proposal)
    proposal.save()
    audit.record(
        actor=by,
        action=AuditAction.CREATE,
        obj=proposal,
        unit=proposal.unit,
        changes=audit.diff({}, audit.snapshot(proposal, PROPOSAL_FIELDS)),
    )
    notify_many(
        people_with("proposal.handle", proposal.unit),
        _("New improvement proposal in %(unit)s: %(title)s")
        % {"unit": proposal.unit.name, "title": proposal.title},
        "",
        proposal_url(proposal.pk),
        by=by,
    )
    return proposal


@transaction.atomic
def move_proposal(proposal: Proposal, *, by: Actor, version: int, status: str, reason: str = "") -> Proposal:
    """Move the proposal along its states; not adopting it needs a reason. The submitter hears."""
    proposal = lock(Proposal, proposal.pk, version)
    require(by, "proposal.handle", proposal)
    to = choice("status", status, PStatus.values)
    if to not in PROPOSAL_TRANSITIONS[proposal.status]:
        raise IllegalTransition(
            _("A proposal that is %(status)s cannot become %(to)s.")
            % {"status": proposal.get_status_display(), "to": PStatus(to).label}
        )
    before = audit.snapshot(proposal, PROPOSAL_FIELDS)
    proposal.reason = free_text("reason", reason, required=to == PStatus.REJECTED)
    proposal.status = to
    proposal.decided_at = timezone.now() if to in (PStatus.ADOPTED, PStatus.REJECTED) else None
    proposal.version += 1
    proposal.save()
    audit.record(
        actor=by,
        action=AuditAction.UPDATE,
        obj=proposal,
        unit=proposal.unit,
        changes=audit.diff(before, audit.snapshot(proposal, PROPOSAL_FIELDS)),
    )
    notify_many(
        [proposal.submitted_by],
        _("Your proposal %(title)s: %(status)s")
        % {"title": proposal.title, "status": proposal.get_status_display()},
        proposal.reason,
        proposal_url(proposal.pk),
        by=by,
    )
    return proposal


@transaction.atomic
def add_pdsa(proposal: Proposal, *, by: Actor, phase: str, text: str) -> PdsaEntry:
    """A plan-do-study-act note while the proposal is tried, by its handlers or its submitter."""
    proposal = lock(Proposal, proposal.pk, None)
    is_submitter = proposal.submitted_by_id is not None and proposal.submitted_by_id == getattr(
        by, "pk", None
    )
    if not is_submitter:
        require(by, "proposal.handle", proposal)
    if proposal.status != PStatus.ONGOING:
        raise IllegalTransition(_("Plan-do-study-act notes are added while the proposal is being tried."))
    entry = PdsaEntry.objects.create(
        proposal=proposal,
        phase=choice("phase", phase, PdsaEntry.Phase.values),
        text=free_text("text", text, required=True),
        author=by if isinstance(by, User) else None,
    )
    audit.record(
        actor=by,
        action=AuditAction.CREATE,
        obj=entry,
        unit=proposal.unit,
        changes={"proposal": proposal.pk, "phase": entry.phase, "text": entry.text},
    )
    return entry
