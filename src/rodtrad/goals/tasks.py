"""The daily follow-up reminder: managers of units that are late with a round hear once."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from rodtrad.core.services.notifications import notify
from rodtrad.core.tasks import daily
from rodtrad.goals.models import FollowUpReminder, FollowUpRound
from rodtrad.goals.rollup import round_progress


def send_followup_reminders(today: dt.date | None = None) -> int:
    """Remind the manager of each unit not done when its round's deadline has passed; once per round and
    unit (a unit without a manager is recorded as reminded, so it is not looked at again). Returns how many
    were sent."""
    day = today or timezone.localdate()
    sent = 0
    for followup_round in FollowUpRound.objects.filter(deadline__lt=day).order_by("pk"):
        reminded = set(followup_round.reminders.values_list("unit_id", flat=True))
        for progress in round_progress(followup_round):
            unit = progress.unit
            if progress.is_done or unit.pk in reminded:
                continue
            with transaction.atomic():
                _reminder, created = FollowUpReminder.objects.get_or_create(round=followup_round, unit=unit)
                if not created or unit.manager is None:
                    continue  # another worker sent it, or nobody to tell
                notify(
                    unit.manager,
                    title=_("%(unit)s is late with %(round)s") % {"unit": unit.name, "round": followup_round},
                    body=_(
                        "The deadline was %(deadline)s; %(done)s of %(goals)s goals are followed up and done."
                    )
                    % {
                        "deadline": followup_round.deadline.isoformat(),
                        "done": progress.done,
                        "goals": progress.goals,
                    },
                )
            sent += 1
    return sent


@daily
@task()
def followup_reminders() -> int:
    """Daily job: reminders to managers of units late with a follow-up round."""
    return send_followup_reminders()
