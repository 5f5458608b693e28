"""The improvement services: validation, masking, access, state changes, duties, audit and notifications."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from rodtrad.core.access import SYSTEM
from rodtrad.core.errors import IllegalTransition, StaleWrite
from rodtrad.core.models import AuditEntry, Notification
from rodtrad.core.services import org
from rodtrad.improvement import services
from rodtrad.improvement.defaults import add_default_categories
from rodtrad.improvement.models import Action, Category, Cause, Duty, Event, Harm, Investigation, Proposal
from rodtrad.improvement.tests.factories import (
    category,
    hours_ago,
    make_action,
    make_complaint,
    make_proposal,
    report,
    triage,
)

pytestmark = pytest.mark.usefixtures("categories")
PNR = "19121212-1212"


def notified(user: Any) -> list[str]:
    return list(Notification.objects.filter(user=user).values_list("title", flat=True))


# ---- settings and categories ----------------------------------------------------------------


def test_settings_default_to_the_issue_deadlines(db: Any) -> None:
    settings = services.improvement_settings()
    assert (settings.complaint_days, settings.imy_hours, settings.lex_maria_days) == (28, 72, 60)


def test_quality_coordinator_of_the_top_unit_changes_the_deadlines(people: Any) -> None:
    saved = services.update_settings(by=people.quality_r, version=None, complaint_days=14)
    assert services.improvement_settings().complaint_days == 14
    with pytest.raises(StaleWrite):
        services.update_settings(by=people.quality_r, version=saved.version + 1, complaint_days=20)
    with pytest.raises(ValidationError) as error:
        services.update_settings(by=people.quality_r, version=saved.version, imy_hours=0)
    assert "imy_hours" in error.value.message_dict


def test_a_manager_below_the_top_cannot_change_the_deadlines(people: Any) -> None:
    with pytest.raises(PermissionDenied):
        services.update_settings(by=people.manager_a, version=None, complaint_days=14)


def test_default_categories_form_the_tree_once(db: Any) -> None:
    add_default_categories()
    assert Category.objects.filter(code="positiv-handelse", positive=True).exists()
    incident = category("personuppgiftsincident")
    assert incident.parent is not None and incident.parent.code == "informationssakerhet"
    assert incident.duty == Category.Duty.PERSONAL_DATA
    assert category("arbetsmiljo-olycksfall").duty == Category.Duty.WORK_INJURY
    assert Category.objects.filter(code="fall").count() == 1


# ---- reporting ---------------------------------------------------------------------------------


def test_report_masks_identity_numbers_and_reaches_the_units_handlers(
    orgtree: Any, people: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        event = report(
            people.nurse_a1,
            orgtree.a1,
            description=f"Patient {PNR} föll.",
            immediate_action="Ringde läkare om 191212121212.",
        )
    event.refresh_from_db()
    assert PNR not in event.description and "19121212-****" in event.description
    assert "1212121212" not in event.immediate_action
    assert event.status == Event.Status.NEW and event.reporter == people.nurse_a1
    for handler in (people.manager_a1, people.manager_a, people.quality_a, people.quality_r):
        assert notified(handler), handler
    assert not notified(people.manager_b) and not notified(people.nurse_a1)
    entry = AuditEntry.objects.for_object(event).get()
    assert PNR not in str(entry.changes)


def test_an_event_in_the_future_is_refused_on_its_time(orgtree: Any, people: Any) -> None:
    with pytest.raises(ValidationError) as error:
        report(people.nurse_a1, orgtree.a1, occurred_at=timezone.now() + dt.timedelta(hours=1))
    assert list(error.value.message_dict) == ["occurred_at"]
    report(people.nurse_a1, orgtree.a1, occurred_at=timezone.now() + dt.timedelta(minutes=1))


@pytest.mark.parametrize(
    ("field", "value"), [("description", "  "), ("affected", "alien"), ("description", "a\x00b")]
)
def test_a_report_without_required_values_names_the_field(
    orgtree: Any, people: Any, field: str, value: Any
) -> None:
    with pytest.raises(ValidationError) as error:
        report(people.nurse_a1, orgtree.a1, **{field: value})
    assert field in error.value.message_dict


def test_an_inactive_unit_or_category_takes_no_reports(orgtree: Any, people: Any) -> None:
    fall = category("fall")
    fall.active = False
    fall.save()
    with pytest.raises(ValidationError) as error:
        report(people.nurse_a1, orgtree.a1)
    assert "category" in error.value.message_dict
    org.update_unit(orgtree.b1.pk, by=SYSTEM, version=None, is_active=False)
    orgtree.b1.refresh_from_db()
    with pytest.raises(ValidationError) as error:
        report(people.nurse_a1, orgtree.b1, code="lakemedel")
    assert "unit" in error.value.message_dict


def test_a_positive_category_makes_a_positive_event(orgtree: Any, people: Any) -> None:
    event = report(people.nurse_a1, orgtree.a1, code="positiv-handelse")
    assert event.positive


# ---- triage and duties ---------------------------------------------------------------------


def test_triage_assesses_the_risk_and_moves_new_to_triaged(orgtree: Any, people: Any) -> None:
    event = report(people.nurse_a1, orgtree.a1)
    triaged = triage(event, people.manager_a1, probability=2, consequence=3, harm=Harm.RISK)
    assert triaged.status == Event.Status.TRIAGED and triaged.risk == 6
    assert triaged.version == event.version + 1
    with pytest.raises(StaleWrite):
        services.triage_event(event, by=people.manager_a1, version=event.version, probability=1)


@pytest.mark.parametrize(("field", "value"), [("probability", 5), ("consequence", 0), ("probability", True)])
def test_risk_outside_one_to_four_is_refused(orgtree: Any, people: Any, field: str, value: Any) -> None:
    event = report(people.nurse_a1, orgtree.a1)
    with pytest.raises(ValidationError) as error:
        triage(event, people.manager_a1, **{field: value})
    assert list(error.value.message_dict) == [field]


def test_only_handlers_of_the_events_unit_triage(orgtree: Any, people: Any) -> None:
    event = report(people.nurse_a1, orgtree.a1)
    for outsider in (people.manager_b, people.nurse_a1, people.nobody):
        with pytest.raises(PermissionDenied):
            triage(event, outsider, probability=1)
    with pytest.raises(PermissionDenied):
        triage(event, people.manager_a1, unit=orgtree.b1)


def test_serious_harm_opens_a_lex_maria_assessment_once(orgtree: Any, people: Any) -> None:
    happened = hours_ago(30)
    event = report(people.nurse_a1, orgtree.a1, occurred_at=happened)
    triage(event, people.manager_a1, harm=Harm.SERIOUS)
    triage(event, people.manager_a1, consequence=4)
    duty = Duty.objects.get(event=event)
    assert duty.kind == Duty.Kind.LEX_MARIA and duty.decision == Duty.Decision.PENDING
    assert duty.deadline - duty.started_at == dt.timedelta(days=60)
    assert duty.started_at == happened


def test_a_personal_data_breach_starts_the_72_hour_clock_at_awareness(orgtree: Any, people: Any) -> None:
    event = report(people.nurse_a1, orgtree.a1, code="personuppgiftsincident", affected="information")
    aware = hours_ago(5)
    triage(event, people.manager_a1, aware_at=aware)
    duty = Duty.objects.get(event=event, kind=Duty.Kind.PERSONAL_DATA)
    assert duty.started_at == aware and duty.deadline == aware + dt.timedelta(hours=72)


def test_a_serious_work_injury_is_flagged_for_arbetsmiljoverket(orgtree: Any, people: Any) -> None:
    event = report(people.nurse_a1, orgtree.a1, code="arbetsmiljo-olycksfall", affected="staff")
    triage(event, people.manager_a1, serious_work_injury=False)
    assert not Duty.objects.filter(event=event).exists()
    triage(event, people.manager_a1, serious_work_injury=True)
    duty = Duty.objects.get(event=event)
    assert duty.kind == Duty.Kind.WORK_INJURY
    assert duty.deadline - duty.started_at == dt.timedelta(hours=24)


def test_a_quality_coordinator_decides_a_duty_with_reasoning(orgtree: Any, people: Any) -> None:
    event = report(people.nurse_a1, orgtree.a1)
    triage(event, people.manager_a1, harm=Harm.SERIOUS)
    duty = Duty.objects.get(event=event)
    with pytest.raises(PermissionDenied):
        services.decide_duty(
            duty, by=people.manager_a1, version=duty.version, decision="reported", reasoning="x"
        )
    with pytest.raises(ValidationError) as error:
        services.decide_duty(
            duty, by=people.quality_a, version=duty.version, decision="reported", reasoning=" "
        )
    assert "reasoning" in error.value.message_dict
    with pytest.raises(ValidationError):
        services.decide_duty(
            duty, by=people.quality_a, version=duty.version, decision="pending", reasoning="x"
        )
    decided = services.decide_duty(
        duty,
        by=people.quality_a,
        version=duty.version,
        decision="reported",
        reasoning="Allvarlig.",
        reference="IVO 1",
    )
    assert decided.decision == Duty.Decision.REPORTED and decided.decided_by == people.quality_a


# ---- investigation, closing, learning --------------------------------------------------------


def test_an_investigation_records_timeline_and_causes(orgtree: Any, people: Any) -> None:
    event = report(people.nurse_a1, orgtree.a1)
    first = services.save_investigation(
        event,
        by=people.manager_a1,
        version=None,
        kind=Investigation.Kind.FULL,
        commissioner=people.manager_a,
        team=[people.manager_a1, people.quality_a],
        timeline=[(hours_ago(3), f"Patient {PNR} lades in."), (hours_ago(2), "Föll.")],
        causes=[(Cause.Category.PROCEDURES, "Rutin saknades.")],
    )
    event.refresh_from_db()
    assert event.status == Event.Status.INVESTIGATING
    assert [t.text for t in first.timeline.all()] == ["Patient 19121212-**** lades in.", "Föll."]
    assert set(first.team.all()) == {people.manager_a1, people.quality_a}
    with pytest.raises(ValidationError) as error:
        services.save_investigation(
            event, by=people.manager_a1, version=first.version, kind="short", done=True
        )
    assert "final_report" in error.value.message_dict
    done = services.save_investigation(
        event, by=people.manager_a1, version=first.version, kind="short", final_report="Klart.", done=True
    )
    assert done.status == Investigation.Status.DONE and done.completed_at is not None
    assert done.timeline.count() == 0 and done.causes.count() == 0
    with pytest.raises(StaleWrite):
        services.save_investigation(event, by=people.manager_a1, version=first.version, kind="short")


def test_closing_needs_a_comment_and_a_finished_investigation(
    orgtree: Any, people: Any, django_capture_on_commit_callbacks: Any
) -> None:
    event = report(people.nurse_a1, orgtree.a1)
    services.save_investigation(event, by=people.manager_a1, version=None, kind="short")
    event.refresh_from_db()
    with pytest.raises(IllegalTransition):
        services.close_event(event, by=people.manager_a1, version=event.version, comment="Klart")
    investigation = Investigation.objects.get(event=event)
    services.save_investigation(
        event, by=people.manager_a1, version=investigation.version, kind="short", final_report="R", done=True
    )
    event.refresh_from_db()
    with pytest.raises(ValidationError):
        services.close_event(event, by=people.manager_a1, version=event.version, comment="")
    with django_capture_on_commit_callbacks(execute=True):
        closed = services.close_event(
            event, by=people.manager_a1, version=event.version, comment="Rutin ändrad."
        )
    assert closed.status == Event.Status.CLOSED and closed.closed_at is not None
    assert any(str(closed) in t for t in notified(people.nurse_a1))
    with pytest.raises(IllegalTransition):
        triage(closed, people.manager_a1, probability=1)
    reopened = services.reopen_event(closed, by=people.manager_a1, version=closed.version)
    assert reopened.status == Event.Status.TRIAGED and reopened.closed_at is None


def test_a_learning_comes_from_a_closed_or_positive_event_and_reaches_the_reporter(
    orgtree: Any, people: Any, django_capture_on_commit_callbacks: Any
) -> None:
    event = report(people.nurse_a1, orgtree.a1)
    with pytest.raises(IllegalTransition):
        services.publish_learning(by=people.manager_a1, event=event, title="T", summary="S")
    event.refresh_from_db()
    services.close_event(event, by=people.manager_a1, version=event.version, comment="Klart.")
    with pytest.raises(PermissionDenied):
        services.publish_learning(by=people.manager_b, event=event, title="T", summary="S")
    with django_capture_on_commit_callbacks(execute=True):
        learning = services.publish_learning(
            by=people.manager_a1, event=event, title="Sänggrindar", summary=f"Gäller ej {PNR}."
        )
    assert learning.unit == orgtree.a1 and PNR not in learning.summary
    assert notified(people.nurse_a1)
    with pytest.raises(IllegalTransition):
        services.publish_learning(by=people.manager_a1, event=event, title="T", summary="S")
    positive = report(people.nurse_a1, orgtree.a1, code="positiv-handelse")
    assert services.publish_learning(
        by=people.manager_a1, event=positive, title="Bra", summary="Bra"
    ).positive


# ---- actions -----------------------------------------------------------------------------------


def test_an_action_from_an_event_reaches_its_owner(
    orgtree: Any, people: Any, django_capture_on_commit_callbacks: Any
) -> None:
    event = report(people.nurse_a1, orgtree.a1)
    with django_capture_on_commit_callbacks(execute=True):
        action = make_action(people.manager_a1, orgtree.a1, people.nurse_a1, source=event)
    assert action.source == event and action.status == Action.Status.PLANNED
    assert any(action.title in t for t in notified(people.nurse_a1))
    with pytest.raises(PermissionDenied):
        make_action(people.manager_b, orgtree.a1, people.nurse_a1)
    with pytest.raises(ValidationError) as error:
        make_action(people.manager_a1, orgtree.a1, None)
    assert "owner" in error.value.message_dict


def test_the_owner_moves_the_status_and_evaluates_the_effect_but_nothing_else(
    orgtree: Any, people: Any
) -> None:
    action = make_action(people.manager_a1, orgtree.a1, people.nurse_a1)
    with pytest.raises(PermissionDenied):
        services.update_action(action, by=people.nurse_a1, version=action.version, title="Annat")
    with pytest.raises(ValidationError) as error:
        services.update_action(action, by=people.nurse_a1, version=action.version, effect="effective")
    assert "effect" in error.value.message_dict
    done = services.update_action(action, by=people.nurse_a1, version=action.version, status="done")
    assert done.completed_on == timezone.localdate()
    evaluated = services.update_action(done, by=people.nurse_a1, version=done.version, effect="partly")
    assert evaluated.effect_evaluated_on == timezone.localdate()
    with pytest.raises(IllegalTransition):
        services.update_action(evaluated, by=people.manager_a1, version=evaluated.version, status="planned")
    reopened = services.update_action(
        evaluated, by=people.manager_a1, version=evaluated.version, status="ongoing"
    )
    assert reopened.completed_on is None and reopened.effect == ""
    with pytest.raises(PermissionDenied):
        services.update_action(reopened, by=people.manager_b, version=reopened.version, status="done")


# ---- complaints and proposals ----------------------------------------------------------------


def test_a_complaints_deadline_follows_the_settings(orgtree: Any, people: Any) -> None:
    received = timezone.localdate() - dt.timedelta(days=3)
    complaint = make_complaint(people.manager_a1, orgtree.a1, received_on=received)
    assert complaint.deadline == received + dt.timedelta(days=28)
    services.update_settings(by=people.quality_r, version=None, complaint_days=10)
    assert make_complaint(
        people.manager_a1, orgtree.a1, received_on=received
    ).deadline == received + dt.timedelta(days=10)
    with pytest.raises(ValidationError) as error:
        make_complaint(people.manager_a1, orgtree.a1, received_on=timezone.localdate() + dt.timedelta(days=1))
    assert "received_on" in error.value.message_dict
    with pytest.raises(PermissionDenied):
        make_complaint(people.nurse_a1, orgtree.a1)


def test_a_complaint_links_only_events_the_handler_sees(orgtree: Any, people: Any) -> None:
    own = report(people.nurse_a1, orgtree.a1)
    other = report(people.nurse_a1, orgtree.b1)
    complaint = make_complaint(people.manager_a1, orgtree.a1, events=[own])
    assert list(complaint.events.all()) == [own]
    with pytest.raises(ValidationError) as error:
        make_complaint(people.manager_a1, orgtree.a1, events=[other])
    assert "events" in error.value.message_dict


def test_a_complaint_is_answered_once(orgtree: Any, people: Any) -> None:
    complaint = make_complaint(people.manager_a1, orgtree.a1, description=f"Om {PNR}")
    assert PNR not in complaint.description
    with pytest.raises(ValidationError) as error:
        services.answer_complaint(
            complaint,
            by=people.manager_a1,
            version=complaint.version,
            answered_on=complaint.received_on - dt.timedelta(days=1),
            answer_summary="Svar",
        )
    assert "answered_on" in error.value.message_dict
    answered = services.answer_complaint(
        complaint,
        by=people.manager_a1,
        version=complaint.version,
        answered_on=timezone.localdate(),
        answer_summary="Svar",
    )
    assert answered.status == answered.Status.ANSWERED
    with pytest.raises(IllegalTransition):
        services.answer_complaint(
            answered,
            by=people.manager_a1,
            version=answered.version,
            answered_on=timezone.localdate(),
            answer_summary="x",
        )


def test_a_proposal_goes_from_idea_to_adopted_and_its_submitter_hears(
    orgtree: Any, people: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        proposal = make_proposal(people.nurse_a1, orgtree.a1)
    assert notified(people.manager_a1) and proposal.submitted_by == people.nurse_a1
    with pytest.raises(IllegalTransition):
        services.move_proposal(proposal, by=people.manager_a1, version=proposal.version, status="adopted")
    with pytest.raises(PermissionDenied):
        services.move_proposal(proposal, by=people.nurse_a1, version=proposal.version, status="assessing")
    with pytest.raises(IllegalTransition):
        services.add_pdsa(proposal, by=people.nurse_a1, phase="plan", text="Plan")
    proposal = services.move_proposal(
        proposal, by=people.manager_a1, version=proposal.version, status="assessing"
    )
    proposal = services.move_proposal(
        proposal, by=people.manager_a1, version=proposal.version, status="ongoing"
    )
    entry = services.add_pdsa(proposal, by=people.nurse_a1, phase="plan", text=f"Prova på {PNR}")
    assert entry.text.endswith("-****") and entry.author == people.nurse_a1
    with pytest.raises(PermissionDenied):
        services.add_pdsa(proposal, by=people.manager_b, phase="do", text="Gör")
    with django_capture_on_commit_callbacks(execute=True):
        adopted = services.move_proposal(
            proposal, by=people.manager_a1, version=proposal.version, status="adopted"
        )
    assert adopted.decided_at is not None
    assert any(adopted.title in t for t in notified(people.nurse_a1))


def test_rejecting_a_proposal_needs_a_reason(orgtree: Any, people: Any) -> None:
    proposal = make_proposal(people.nurse_a1, orgtree.a1)
    with pytest.raises(ValidationError) as error:
        services.move_proposal(proposal, by=people.manager_a1, version=proposal.version, status="rejected")
    assert "reason" in error.value.message_dict
    rejected = services.move_proposal(
        proposal, by=people.manager_a1, version=proposal.version, status="rejected", reason="Finns redan."
    )
    assert rejected.status == Proposal.Status.REJECTED
