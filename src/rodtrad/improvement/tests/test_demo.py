"""The demo's improvement loop: two years of events handled through the services, every state
present, the reporting duties a quality coordinator must see, and loaded once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from rodtrad.core import pnr
from rodtrad.core.demo import loader
from rodtrad.core.models import AuditEntry, Notification, User
from rodtrad.core.services import notifications
from rodtrad.improvement.demo import load_improvement
from rodtrad.improvement.models import (
    Action,
    Complaint,
    Duty,
    Event,
    Investigation,
    Learning,
    PdsaEntry,
    Proposal,
)


@pytest.fixture
def demo() -> None:
    """The kalmar demo, which loads the improvement loop as one of its extensions."""
    assert load_improvement in loader.EXTENSIONS
    loader.load("kalmar")


def _counts() -> tuple[int, ...]:
    models = (Event, Duty, Investigation, Action, Complaint, Proposal, PdsaEntry, Learning, User, AuditEntry)
    return tuple(m.objects.count() for m in models)  # type: ignore[attr-defined]


@pytest.mark.django_db
@pytest.mark.usefixtures("demo")
def test_two_years_of_events_with_every_state_and_loading_twice_changes_nothing() -> None:
    now = timezone.now()
    events = Event.objects.all()
    assert 150 <= events.count() <= 300
    oldest = events.order_by("occurred_at").first()
    assert oldest is not None and now - oldest.occurred_at > dt.timedelta(days=600)
    assert len(set(events.values_list("unit", flat=True))) >= 20
    assert set(events.values_list("status", flat=True)) == set(Event.Status.values)
    assert events.filter(positive=True).count() >= 5
    assert set(Action.objects.values_list("status", flat=True)) == set(Action.Status.values)
    assert Action.objects.overdue(timezone.localdate()).exists()
    assert Action.objects.exclude(effect="").exists()
    assert set(Proposal.objects.values_list("status", flat=True)) == set(Proposal.Status.values)
    assert PdsaEntry.objects.filter(proposal__status=Proposal.Status.ADOPTED).count() >= 4
    assert Learning.objects.count() >= 3
    assert not any(pnr.contains(text) for text in events.values_list("description", flat=True))

    before = _counts()
    loader.load("kalmar")
    assert _counts() == before


@pytest.mark.django_db
@pytest.mark.usefixtures("demo")
def test_reporting_duties_complaints_and_the_managers_inbox() -> None:
    """Lex Maria decided both ways and pending (one with a full händelseanalys), IMY and Arbetsmiljö-
    verket; complaints answered, open and overdue; new events for the manager; outcomes for the reporter."""
    lex_maria = Duty.objects.filter(kind=Duty.Kind.LEX_MARIA)
    assert set(lex_maria.values_list("decision", flat=True)) == set(Duty.Decision.values)
    reported = lex_maria.get(decision=Duty.Decision.REPORTED)
    assert reported.reasoning and reported.reference and reported.decided_by is not None
    analysis = Investigation.objects.get(event=reported.event)
    assert analysis.kind == Investigation.Kind.FULL and analysis.status == Investigation.Status.DONE
    assert analysis.team.count() == 3 and analysis.timeline.count() >= 4 and analysis.causes.count() >= 3
    assert analysis.final_report and analysis.commissioner is not None
    running = lex_maria.get(decision=Duty.Decision.PENDING)
    assert running.event.status == Event.Status.INVESTIGATING
    breaches = Duty.objects.filter(kind=Duty.Kind.PERSONAL_DATA)
    assert breaches.filter(decision=Duty.Decision.REPORTED).exists()
    assert breaches.filter(decision=Duty.Decision.PENDING, deadline__gt=timezone.now()).exists()
    assert Duty.objects.filter(kind=Duty.Kind.WORK_INJURY, decision=Duty.Decision.REPORTED).exists()

    today = timezone.localdate()
    complaints = Complaint.objects.all()
    assert complaints.filter(status=Complaint.Status.ANSWERED).count() >= 15
    assert complaints.filter(status=Complaint.Status.OPEN, deadline__lt=today).count() == 3
    assert complaints.filter(status=Complaint.Status.OPEN, deadline__gte=today).count() == 3
    assert complaints.filter(events__isnull=False).exists()
    assert not complaints.filter(received_on__gt=today).exists()

    chef = User.objects.get(username="chef")
    assert chef.home_unit is not None
    assert Event.objects.visible_to(chef).filter(unit=chef.home_unit, status=Event.Status.NEW).count() >= 3
    elsewhere = Event.objects.visible_to(chef).exclude(unit__path__startswith=chef.home_unit.path)
    assert not elsewhere.exclude(reporter=chef).exists()  # beyond the subtree, only what chef reported
    unread = notifications.unread(chef)  # this week's events are new; the history's are read
    assert unread.exists() and unread.count() < Notification.objects.filter(user=chef).count()
    reporter = User.objects.get(username="rapportor")
    mine = Event.objects.filter(reporter=reporter)
    assert mine.filter(status=Event.Status.CLOSED).exclude(closing_comment="").exists()
    assert Learning.objects.filter(event__reporter=reporter).exists()


@pytest.mark.django_db
@pytest.mark.usefixtures("demo")
def test_a_second_profile_in_the_same_database_gets_its_own_events() -> None:
    kalmar = Event.objects.count()
    loader.load("kompass")
    assert Event.objects.filter(unit__code__startswith="RVK-").count() == kalmar
    assert Duty.objects.filter(event__unit__code__startswith="RVK-", decision=Duty.Decision.REPORTED).exists()
