"""Notifications with e-mail copies, background tasks and once-a-day jobs."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.core import mail
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from rodtrad.core.management.commands import worker as worker_command
from rodtrad.core.models import DailyJobRun, Notification
from rodtrad.core.services import notifications, people
from rodtrad.core.tasks import DAILY_JOBS, claim_daily_jobs
from rodtrad.core.tests.factories import make_user

pytestmark = pytest.mark.django_db(transaction=True)


def test_granting_a_role_notifies_in_app_and_by_email_through_the_worker(orgtree, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    person = make_user("karin", unit=orgtree.a1, email="karin@example.org")
    admin = make_user("boss", unit=orgtree.region, role="admin")
    people.grant_role(by=admin, user=person, unit=orgtree.a1, role="editor")

    note = Notification.objects.get(user=person)
    assert "Enhet A1" in note.title
    assert list(notifications.unread(person)) == [note]
    assert DBTaskResult.objects.filter(status="READY").exists()
    assert mail.outbox == []

    call_command("worker", batch=True, interval=0)

    assert [m.to for m in mail.outbox] == [["karin@example.org"]]
    assert mail.outbox[0].subject == note.title
    note.refresh_from_db()
    assert note.emailed_at is not None


def test_marking_read_clears_the_unread_list(orgtree):
    person = make_user("olle", unit=orgtree.a1)
    first = notifications.notify(person, title="Ett")
    notifications.notify(person, title="Två")
    assert notifications.mark_read(person, first.pk) == 1
    assert [n.title for n in notifications.unread(person)] == ["Två"]
    assert notifications.mark_read(person) == 1
    assert not notifications.unread(person).exists()


def test_each_daily_job_is_claimed_once_a_day_whatever_the_number_of_workers(db):
    day = dt.date(2026, 11, 25)
    first = claim_daily_jobs("worker-1", today=day)
    second = claim_daily_jobs("worker-2", today=day)
    assert set(first) == set(DAILY_JOBS) and first
    assert second == []
    assert DailyJobRun.objects.filter(day=day).count() == len(DAILY_JOBS)
    assert DBTaskResult.objects.count() == len(DAILY_JOBS)
    assert claim_daily_jobs("worker-2", today=day + dt.timedelta(days=1)) == first


def test_a_worker_loop_runs_its_job_again_after_a_failure(db):
    """The daily claims and the WAL checkpoints keep going when one round fails."""
    calls: list[int] = []
    stop = threading.Event()

    def job() -> None:
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("the database was busy")
        stop.set()

    worker_command._loop(job, "a test job", stop, every=0)
    assert len(calls) == 2
