"""In-app notifications with an e-mail copy sent by a background task after commit."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from rodtrad.core.models import Notification, User


def notify(user: User, *, title: str, body: str = "", url: str = "") -> Notification:
    """Store the notification now; queue its e-mail once the transaction commits."""
    return notify_many([user], title=title, body=body, url=url)[0]


def notify_many(users: Iterable[User], *, title: str, body: str = "", url: str = "") -> list[Notification]:
    """The same notification to each of ``users`` in one insert, their e-mail copies in one task.

    A unit's handlers hear of every new event: one row and one task each would make the report's
    cost grow with the number of handlers (on SQLite, a write transaction per row).
    """
    from rodtrad.core.tasks import email_notifications

    people = list(users)
    notes = Notification.objects.bulk_create(
        Notification(user=user, title=title[:300], body=body, url=url[:500]) for user in people
    )
    emailed = [note.pk for note, user in zip(notes, people, strict=True) if user.email]
    if emailed:
        transaction.on_commit(lambda: email_notifications.enqueue(emailed))
    return notes


def notify_after_commit(
    users: Iterable[User | None], title: str, body: str = "", url: str = "", *, by: Any = None
) -> None:
    """Notify each distinct person once the transaction commits (nobody if it rolls back); never ``by``."""
    recipients = {u.pk: u for u in users if u is not None and u.pk != getattr(by, "pk", None)}
    if recipients:
        transaction.on_commit(lambda: notify_many(recipients.values(), title=title, body=body, url=url))


def unread(user: User) -> QuerySet[Notification]:
    return Notification.objects.filter(user=user, read_at__isnull=True)


def mark_read(user: User, notification_id: int | None = None) -> int:
    """Mark one or all of the user's notifications read; returns how many changed."""
    qs = unread(user)
    if notification_id is not None:
        qs = qs.filter(pk=notification_id)
    return qs.update(read_at=timezone.now())
