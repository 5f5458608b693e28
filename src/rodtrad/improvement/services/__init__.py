"""Business rules for the improvement loop: the only code that writes events, duties, investigations,
actions, complaints, proposals and learnings.

Each service runs in one transaction, checks the caller's rights through :mod:`rodtrad.core.access`,
masks personal identity numbers in free text, writes its audit entries last and notifies people
after commit.
"""

from rodtrad.improvement.services.actions import create_action, update_action
from rodtrad.improvement.services.config import (
    improvement_settings,
    update_settings,
)
from rodtrad.improvement.services.events import (
    close_event,
    decide_duty,
    open_duty,
    publish_learning,
    reopen_event,
    report_event,
    save_investigation,
    triage_event,
)
from rodtrad.improvement.services.feedback import (
    add_pdsa,
    answer_complaint,
    move_proposal,
    register_complaint,
    submit_proposal,
)

__all__ = [
    "add_pdsa",
    "answer_complaint",
    "close_event",
    "create_action",
    "decide_duty",
    "improvement_settings",
    "move_proposal",
    "open_duty",
    "publish_learning",
    "register_complaint",
    "reopen_event",
    "report_event",
    "save_investigation",
    "submit_proposal",
    "triage_event",
    "update_action",
    "update_settings",
]
