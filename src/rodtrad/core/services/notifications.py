"""In-app notifications with an e-mail copy sent by a background task after commit."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django_tasks import task

from rodtrad.core.models import Notification, User


def notify(user: User, *, title: str, body: str = "", url: str = "") -> Notification:
    """Store the notification now; queue its e-mail once the transaction commits."""
    note = Notification.objects.create(user=user, title=title[:300], body=body, url=url[:500])
    if user.email:
        from rodtrad.core.tasks import email_notification

        transaction.on_commit(lambda: email_notification.enqueue(note.pk))
    return note


def notify_many(users: Iterable[User], *, title: str, body: str = "", url: str = "") -> list[Notification]:
    """The same notification to each of ``users`` in one insert, their e-mail copies in one task.

    A unit's handlers hear of every new event: one row and one task each would make the report's
    cost grow with the number of handlers (on SQLite, a write transaction per row).
    """
    people = list(users)
    notes = Notification.objects.bulk_create(
        Notification(user=user, title=title[:300], body=body, url=url[:500]) for user in people
    )
    emailed = [note.pk for note, user in zip(notes, people, strict=True) if user.email]
    if emailed:
        transaction.on_commit(lambda: email_notifications.enqueue(emailed))
    return notes


@task()
def email_notifications(notification_ids: list[int]) -> int:
    """Send the e-mail copies of several notifications, each once; returns how many were sent."""
    from rodtrad.core.tasks import email_notification

    return sum(email_notification.call(pk) for pk in notification_ids)


def unread(user: User) -> QuerySet[Notification]:
    return Notification.objects.filter(user=user, read_at__isnull=True)


def mark_read(user: User, notification_id: int | None = None) -> int:
    """Mark one or all of the user's notifications read; returns how many changed."""
    qs = unread(user)
    if notification_id is not None:
        qs = qs.filter(pk=notification_id)
    return qs.update(read_at=timezone.now())
