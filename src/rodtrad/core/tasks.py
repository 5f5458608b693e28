"""Background tasks (Django's tasks API, database backend) and the daily jobs.

Later modules add their own daily jobs with :func:`daily`; ``rodtrad worker``
claims each job once per day in :class:`DailyJobRun`, so several workers never
run the same job twice.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.mail import send_mail
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django_tasks import task
from django_tasks_db import DatabaseBackend

from rodtrad.core.models import DailyJobRun, Notification

log = logging.getLogger(__name__)

DAILY_JOBS: dict[str, Any] = {}


def daily(func: Any) -> Any:
    """Register a task to be enqueued once a day by the workers."""
    DAILY_JOBS[func.name] = func
    return func


#: Seconds between the worker's WAL checkpoints on SQLite.
CHECKPOINT_EVERY = 5.0


def checkpoint_wal() -> tuple[int, int, int]:
    """Copy SQLite's write-ahead log into the database without blocking anyone (PASSIVE).

    The worker does it every few seconds, so a request seldom pays for a checkpoint after its
    commit (SQLite's automatic one comes due after 1,000 pages). Returns SQLite's (busy, frames
    in the log, frames checkpointed).
    """
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA wal_checkpoint(PASSIVE)")
        busy, frames, done = cursor.fetchone()
    return int(busy), int(frames), int(done)


def enqueue_with_data(job: Any, *args: Any) -> None:
    """Enqueue ``job`` so that it exists exactly when the data it is about does.

    The database backend writes the task in the current transaction: it commits or rolls back
    with that data, and no worker sees it before. Any other backend is told after commit.
    """
    if isinstance(job.get_backend(), DatabaseBackend):
        job.enqueue(*args)
    else:
        transaction.on_commit(lambda: job.enqueue(*args))


@task()
def email_notifications(notification_ids: list[int]) -> int:
    """Send the e-mail copies of notifications, each once; returns how many were sent."""
    notes = Notification.objects.select_related("user").filter(
        pk__in=notification_ids, emailed_at__isnull=True
    )
    sent = 0
    for note in notes.order_by("pk"):
        if not note.user.email:
            continue
        link = f"{settings.RODTRAD_BASE_URL}{note.url}" if note.url else ""
        send_mail(note.title, "\n\n".join(p for p in (note.body, link) if p), None, [note.user.email])
        Notification.objects.filter(pk=note.pk).update(emailed_at=timezone.now())
        sent += 1
    return sent


@daily
@task()
def clear_expired_sessions() -> int:
    """Remove expired sign-in sessions."""
    deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return deleted


def claim_daily_jobs(worker_id: str, today: dt.date | None = None) -> list[str]:
    """Enqueue each daily job not yet claimed today; returns the names this worker claimed."""
    day = today or timezone.localdate()
    claimed = []
    for name, job in DAILY_JOBS.items():
        try:
            with transaction.atomic():
                DailyJobRun.objects.create(name=name, day=day, claimed_by=worker_id)
                job.enqueue()
        except IntegrityError:
            continue
        claimed.append(name)
        log.info("daily job %s claimed by %s", name, worker_id)
    return claimed


def import_all_tasks() -> None:
    """Import every app's ``tasks`` module so that all daily jobs are registered."""
    from importlib import import_module

    from django.apps import apps

    for app in apps.get_app_configs():
        if app.name.startswith("rodtrad."):
            try:
                import_module(f"{app.name}.tasks")
            except ModuleNotFoundError as exc:
                if exc.name != f"{app.name}.tasks":
                    raise
