"""The same notification to many people at once: one row each, one background task for the e-mails."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django_tasks_db.models import DBTaskResult

from rodtrad.core.models import Notification
from rodtrad.core.services import notifications
from rodtrad.core.tests.factories import make_user

pytestmark = pytest.mark.django_db(transaction=True)


def test_notify_many_reaches_everyone_and_mails_those_with_an_address_through_the_worker(
    orgtree: Any, settings: Any
) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    karin = make_user("karin", unit=orgtree.a1, email="karin@example.org")
    olle = make_user("olle", unit=orgtree.a1, email="")
    sara = make_user("sara", unit=orgtree.a1, email="sara@example.org")

    notes = notifications.notify_many([karin, olle, sara], title="Ny händelse", body="Fall", url="/events/1/")

    assert [n.user for n in notes] == [karin, olle, sara]
    assert all(n.pk for n in notes)
    for person in (karin, olle, sara):
        assert [(n.title, n.url) for n in notifications.unread(person)] == [("Ny händelse", "/events/1/")]
    assert DBTaskResult.objects.filter(status="READY").count() == 1
    assert mail.outbox == []

    call_command("worker", batch=True, interval=0)

    assert sorted(m.to[0] for m in mail.outbox) == ["karin@example.org", "sara@example.org"]
    assert {m.subject for m in mail.outbox} == {"Ny händelse"}
    emailed = Notification.objects.filter(emailed_at__isnull=False).values_list("user__username", flat=True)
    assert sorted(emailed) == ["karin", "sara"]


def test_notify_many_costs_the_same_queries_for_two_people_or_twenty(orgtree: Any) -> None:
    def count(n: int) -> int:
        people = [make_user(unit=orgtree.a1, email=f"p{i}-{n}@example.org") for i in range(n)]
        with CaptureQueriesContext(connection) as queries:
            notifications.notify_many(people, title="Ny händelse")
        return len(queries)

    assert count(2) == count(20)
    assert DBTaskResult.objects.count() == 2


def test_nothing_is_mailed_when_the_transaction_rolls_back(orgtree: Any) -> None:
    karin = make_user("karin", unit=orgtree.a1, email="karin@example.org")
    with pytest.raises(RuntimeError), transaction.atomic():
        notifications.notify_many([karin], title="Ny händelse")
        raise RuntimeError("refused")
    assert not Notification.objects.exists()
    assert not DBTaskResult.objects.exists()


def test_the_notifications_and_their_email_task_are_written_with_the_change(orgtree: Any) -> None:
    """Committed together: a crash right after the change's commit cannot lose them."""
    karin = make_user("karin", unit=orgtree.a1, email="karin@example.org")
    with transaction.atomic():
        notifications.notify(karin, title="Ny händelse")
        assert Notification.objects.count() == DBTaskResult.objects.count() == 1


def test_each_person_is_told_once_and_never_the_one_who_acted(orgtree: Any) -> None:
    karin = make_user("karin", unit=orgtree.a1)
    olle = make_user("olle", unit=orgtree.a1)
    notes = notifications.notify_many([karin, None, olle, karin], title="Ny händelse", by=olle)
    assert [n.user for n in notes] == [karin]
