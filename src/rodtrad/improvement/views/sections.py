"""Min sida: Mina rapporter, Mina åtgärder and, for handlers, how many new events wait."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone

from rodtrad.core import access
from rodtrad.core.views import Section
from rodtrad.improvement.models import Action, Event
from rodtrad.improvement.views.common import user_of

SECTION_LIMIT = 5


def _reports_section(request: HttpRequest) -> dict[str, Any]:
    """My latest reports with their status, and the new events in my scope when I handle events."""
    user = user_of(request)
    reports = list(
        Event.objects.filter(reporter=user)
        .select_related("category", "learning")
        .order_by("-created_at", "-pk")[: SECTION_LIMIT + 1]
    )
    inbox = None
    if access.can_anywhere(user, "event.handle"):
        inbox = Event.objects.filter(status=Event.Status.NEW).visible_to(user, "event.handle").count()
    return {"reports": reports[:SECTION_LIMIT], "more": len(reports) > SECTION_LIMIT, "inbox": inbox}


def _actions_section(request: HttpRequest) -> dict[str, Any]:
    """My open actions by due date; the overdue ones are marked."""
    user = user_of(request)
    actions = list(
        Action.objects.filter(Q(owner=user), status__in=Action.OPEN)
        .select_related("unit")
        .order_by("due_date", "pk")[: SECTION_LIMIT + 1]
    )
    return {
        "actions": actions[:SECTION_LIMIT],
        "more": len(actions) > SECTION_LIMIT,
        "today": timezone.localdate(),
    }


SECTIONS = [
    Section("improvement/sections/reports.html", _reports_section),
    Section("improvement/sections/actions.html", _actions_section),
]
