"""In-app notifications with an e-mail copy sent by a background task."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from rodtrad.core.models import Notification, User


def notify(user: User, *, title: str, body: str = "", url: str = "") -> Notification:
    """Notify one person (see :func:`notify_many`)."""
    return notify_many([user], title=title, body=body, url=url)[0]


def notify_many(
    users: Iterable[User | None], title: str, body: str = "", url: str = "", *, by: Any = None
) -> list[Notification]:
    """Notify each distinct person once (never ``by``, the actor) in one insert, their e-mails in one task.

    Both are written in the caller's transaction, so they exist exactly when the change they tell
    of does: a rollback takes them along, and a crash right after commit loses none. One row and
    one task per person would make a change's cost grow with the number told (on SQLite, a write
    lock each).
    """
    from rodtrad.core.tasks import email_notifications, enqueue_with_data

    people = list({u.pk: u for u in users if u is not None and u.pk != getattr(by, "pk", None)}.values())
    notes = Notification.objects.bulk_create(
        Notification(user=user, title=title[:300], body=body, url=url[:500]) for user in people
    )
    emailed = [note.pk for note, user in zip(notes, people, strict=True) if user.email]
    if emailed:
        enqueue_with_data(email_notifications, emailed)
    return notes


def unread(user: User) -> QuerySet[Notification]:
    return Notification.objects.filter(user=user, read_at__isnull=True)


def mark_read(user: User, notification_id: int | None = None) -> int:
    """Mark one or all of the user's notifications read; returns how many changed."""
    qs = unread(user)
    if notification_id is not None:
        qs = qs.filter(pk=notification_id)
    return qs.update(read_at=timezone.now())
