"""In-app notifications with an e-mail copy sent by a background task after commit."""

from __future__ import annotations

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from rodtrad.core.models import Notification, User


def notify(user: User, *, title: str, body: str = "", url: str = "") -> Notification:
    """Store the notification now; queue its e-mail once the transaction commits."""
    note = Notification.objects.create(user=user, title=title[:300], body=body, url=url[:500])
    if user.email:
        from rodtrad.core.tasks import email_notification

        transaction.on_commit(lambda: email_notification.enqueue(note.pk))
    return note


def unread(user: User) -> QuerySet[Notification]:
    return Notification.objects.filter(user=user, read_at__isnull=True)


def mark_read(user: User, notification_id: int | None = None) -> int:
    """Mark one or all of the user's notifications read; returns how many changed."""
    qs = unread(user)
    if notification_id is not None:
        qs = qs.filter(pk=notification_id)
    return qs.update(read_at=timezone.now())
