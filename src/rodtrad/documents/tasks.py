"""The daily review reminder: owners hear 30 days before "Revideras senast" and when it has passed."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from rodtrad.core.services.notifications import notify
from rodtrad.core.tasks import daily
from rodtrad.documents.models import REVIEW_WARNING_DAYS, Document, ReviewReminder

Threshold = ReviewReminder.Threshold


def send_review_reminders(today: dt.date | None = None) -> int:
    """Notify each owner once per document, review date and threshold; returns how many were sent."""
    day = today or timezone.localdate()
    due = (
        Document.objects.due_for_review(day, REVIEW_WARNING_DAYS)
        .filter(owner__isnull=False)
        .select_related("owner")
        .order_by("pk")
    )
    sent = ReviewReminder.objects.filter(document__in=due).values_list(
        "document_id", "threshold", "review_by"
    )
    already = set(sent)
    count = 0
    for doc in due:
        assert doc.review_by is not None and doc.owner is not None  # due_for_review filters on both
        threshold = Threshold.PASSED if doc.review_by < day else Threshold.SOON
        if (doc.pk, threshold, doc.review_by) in already:
            continue
        with transaction.atomic():
            _reminder, created = ReviewReminder.objects.get_or_create(
                document=doc, threshold=threshold, review_by=doc.review_by
            )
            if not created:
                continue  # another worker sent it
            if threshold == Threshold.PASSED:
                title = _("%(document)s should have been reviewed by %(date)s")
            else:
                title = _("%(document)s is due for review by %(date)s")
            notify(
                doc.owner,
                title=title % {"document": doc, "date": doc.review_by.isoformat()},
                body=_("You own this document. Review it and publish a new version, or withdraw it."),
            )
        count += 1
    return count


@daily
@task()
def review_reminders() -> int:
    """Daily job: review reminders to document owners."""
    return send_review_reminders()
