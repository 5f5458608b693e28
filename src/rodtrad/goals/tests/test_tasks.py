"""The daily follow-up reminder: late units' managers hear once per round."""

from __future__ import annotations

import datetime as dt
from typing import Any

from rodtrad.core.access import SYSTEM
from rodtrad.core.models import Notification
from rodtrad.core.tasks import DAILY_JOBS, import_all_tasks
from rodtrad.goals import services
from rodtrad.goals.tasks import send_followup_reminders
from rodtrad.goals.tests.conftest import YEAR


def test_late_units_managers_are_reminded_once(orgtree: Any, people: Any, world: Any) -> None:
    child = services.breakdown(world.goal_a.pk, by=SYSTEM, units=[orgtree.a1]).created[0]
    deadline = dt.date(YEAR, 9, 15)
    services.open_round(by=SYSTEM, period=f"{YEAR}-T2", deadline=deadline, units=[orgtree.a1, orgtree.b1])
    assert send_followup_reminders(deadline) == 0  # not late yet
    before = Notification.objects.filter(user=people.manager_a1).count()
    assert send_followup_reminders(deadline + dt.timedelta(days=1)) == 1
    assert send_followup_reminders(deadline + dt.timedelta(days=2)) == 0
    assert Notification.objects.filter(user=people.manager_a1).count() == before + 1
    services.save_followup(by=SYSTEM, goal=child, period=f"{YEAR}-T2", status="met", done=True)
    services.open_round(by=SYSTEM, period=f"{YEAR}-T2", deadline=deadline, units=[orgtree.a1])
    assert send_followup_reminders(deadline + dt.timedelta(days=3)) == 0  # done: nobody to remind


def test_the_reminder_is_a_daily_job() -> None:
    import_all_tasks()
    assert "followup_reminders" in {name.rsplit(".", 1)[-1] for name in DAILY_JOBS}
