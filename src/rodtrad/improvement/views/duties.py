"""Reporting duties: every open Lex Maria, IMY and Arbetsmiljöverket clock with the days since the
event, the decision with its reasoning, and the Lex Maria summary to paste into IVO's e-service."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from rodtrad.core import access
from rodtrad.core.context_processors import organisation
from rodtrad.core.errors import StaleWrite
from rodtrad.core.models import Unit
from rodtrad.improvement import charts, services
from rodtrad.improvement.forms import DutyForm
from rodtrad.improvement.models import Duty
from rodtrad.improvement.views.common import ancestor_paths, apply_errors, paginate, user_of
from rodtrad.improvement.views.events import _actions, _investigation


@dataclass
class Clock:
    """A duty as the list shows it: days since the event and how the deadline stands."""

    duty: Duty
    days_since_event: int
    overdue: bool
    hours_left: int


def clock(duty: Duty, now: Any) -> Clock:
    since = (timezone.localdate(now) - timezone.localdate(duty.event.occurred_at)).days
    pending = duty.decision == Duty.Decision.PENDING
    left = int((duty.deadline - now).total_seconds() // 3600)
    return Clock(duty, since, pending and duty.deadline < now, left)


@login_required
@require_GET
def duty_list(request: HttpRequest) -> HttpResponse:
    """Undecided duties first, by deadline (overdue ones on top), then the decided ones (?decided=1)."""
    user = user_of(request)
    if not access.can_anywhere(user, "event.view"):
        raise PermissionDenied("event.view")
    decided = request.GET.get("decided") == "1"
    qs = Duty.objects.visible_to(user).select_related("event", "event__unit", "event__category", "decided_by")
    if decided:
        qs = qs.exclude(decision=Duty.Decision.PENDING).order_by("-decided_at", "-pk")
    else:
        qs = qs.filter(decision=Duty.Decision.PENDING).order_by("deadline", "pk")
    page = paginate(request, qs)
    now = timezone.now()
    clocks = [clock(d, now) for d in page.object_list]
    context = {
        "page": page,
        "clocks": clocks,
        "decided": decided,
        "query": "decided=1" if decided else "",
        "overdue": sum(1 for c in clocks if c.overdue),
    }
    return render(request, "improvement/duties.html", context)


def _duty_for(request: HttpRequest, pk: int) -> Duty:
    duty: Duty = get_object_or_404(
        Duty.objects.visible_to(user_of(request)).select_related(
            "event", "event__unit", "event__category", "event__handler", "decided_by"
        ),
        pk=pk,
    )
    return duty


@login_required
@require_http_methods(["GET", "POST"])
def duty_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The duty's clock and decision; a quality coordinator records the decision with its reasoning."""
    duty = _duty_for(request, pk)
    user = user_of(request)
    may_decide = access.can(user, "duty.decide", duty.event)
    form = None
    status = 200
    if request.method == "POST":
        if not may_decide:
            raise PermissionDenied("duty.decide")
        form = DutyForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.decide_duty(
                    duty,
                    by=user,
                    version=data["version"],
                    decision=data["decision"],
                    reasoning=data["reasoning"],
                    reference=data["reference"],
                )
            except (ValidationError, StaleWrite) as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("The decision was recorded."))
                return redirect("improvement:duty", duty.pk)
        status = 400
    elif may_decide:
        initial = {"version": duty.version, "reasoning": duty.reasoning, "reference": duty.reference}
        if duty.decision != Duty.Decision.PENDING:
            initial["decision"] = duty.decision
        form = DutyForm(initial=initial)
    context = {"duty": duty, "clock": clock(duty, timezone.now()), "form": form}
    return render(request, "improvement/duty.html", context, status=status)


@login_required
@require_GET
def ivo_summary(request: HttpRequest, pk: int) -> HttpResponse:
    """The Lex Maria report's content in the order of IVO's e-service, as a page or as plain text."""
    duty = _duty_for(request, pk)
    if duty.kind != Duty.Kind.LEX_MARIA:
        raise Http404(_("Only a Lex Maria duty has an IVO summary."))
    access.require(user_of(request), "event.handle", duty.event)
    event = duty.event
    context = {
        "duty": duty,
        "event": event,
        "organisation": organisation(request),
        "units": list(Unit.objects.filter(path__in=ancestor_paths(event.unit.path)).order_by("depth")),
        "risk_label": charts.level_label(event.risk),
        "investigation": _investigation(event),
        "actions": list(_actions(event)),
    }
    text = render_to_string("improvement/ivo.txt", context, request=request)
    if request.GET.get("format") == "txt":
        response = HttpResponse(text, content_type="text/plain; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="lex-maria-{event.pk}.txt"'
        return response
    return render(request, "improvement/ivo.html", {**context, "text": text})
