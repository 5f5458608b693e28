"""Actions (one model for every module) and complaints: a unit's lists, Mina åtgärder, the overdue
complaints, registering and answering."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from rodtrad.core import access
from rodtrad.core.errors import IllegalTransition, StaleWrite
from rodtrad.core.tree import in_subtree
from rodtrad.improvement import services
from rodtrad.improvement.forms import ActionUpdateForm, AnswerForm, ComplaintForm
from rodtrad.improvement.models import Action, Complaint, Event
from rodtrad.improvement.views.common import (
    apply_errors,
    chosen_unit,
    colleagues_for,
    page_of_rows,
    paginate,
    scope_units,
    user_of,
)

ACTION_FILTERS = ("open", "overdue", "done", "all")


def _filter_actions(qs: QuerySet[Action], show: str) -> QuerySet[Action]:
    today = timezone.localdate()
    if show == "open":
        return qs.filter(status__in=Action.OPEN)
    if show == "overdue":
        return qs.overdue(today)  # type: ignore[attr-defined,no-any-return]
    if show == "done":
        return qs.exclude(status__in=Action.OPEN)
    return qs


def _show(request: HttpRequest) -> str:
    show = request.GET.get("show", "open")
    return show if show in ACTION_FILTERS else "open"


@login_required
@require_GET
def action_list(request: HttpRequest) -> HttpResponse:
    """A unit subtree's actions by due date; open ones by default, or overdue, done or all."""
    user = user_of(request)
    unit = chosen_unit(request, "action.view")
    if unit is None:
        raise PermissionDenied("action.view")
    show = _show(request)
    found = in_subtree(Action.objects.all(), unit)  # the unit lies in the user's scope
    ids = _filter_actions(found, show).order_by("due_date", "pk").values_list("pk", flat=True)
    context = {
        "unit": unit,
        "units": scope_units(user, "action.view", extra=unit),
        "show": show,
        "page": page_of_rows(request, ids, Action.objects.select_related("unit", "owner")),
        "query": f"unit={unit.pk}&show={show}",
        "today": timezone.localdate(),
        "mine": False,
    }
    return render(request, "improvement/actions.html", context)


@login_required
@require_GET
def my_actions(request: HttpRequest) -> HttpResponse:
    """Mina åtgärder: the actions I own, wherever they lie."""
    show = _show(request)
    qs = _filter_actions(Action.objects.filter(owner=user_of(request)), show)
    context = {
        "show": show,
        "page": paginate(request, qs.select_related("unit").order_by("due_date", "pk")),
        "query": f"show={show}",
        "today": timezone.localdate(),
        "mine": True,
    }
    return render(request, "improvement/actions.html", context)


def _action_form(action: Action, may_edit: bool, data: Any = None) -> ActionUpdateForm:
    owners = colleagues_for(action.unit) if may_edit else None
    initial = {name: getattr(action, name) for name in ActionUpdateForm.HANDLER_FIELDS}
    initial.update(version=action.version, owner=action.owner_id)
    return ActionUpdateForm(data, initial=initial, owners=owners)


@login_required
@require_http_methods(["GET", "POST"])
def action_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The action with its source; the owner changes status and effect, handlers everything."""
    user = user_of(request)
    action: Action = get_object_or_404(
        Action.objects.visible_to(user).select_related("unit", "owner", "source_type"), pk=pk
    )
    may_edit = access.can(user, "action.edit", action)
    may_update = may_edit or action.owner_id == user.pk
    form = _action_form(action, may_edit) if may_update else None
    status = 200
    if request.method == "POST":
        if not may_update:
            raise PermissionDenied("action.edit")
        form = _action_form(action, may_edit, request.POST)
        if form.is_valid():
            data = form.cleaned_data
            changes = {n: data[n] for n in form.names if getattr(action, n) != data[n]}
            try:
                services.update_action(action, by=user, version=data["version"], **changes)
            except (ValidationError, StaleWrite, IllegalTransition) as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("The action was saved."))
                return redirect("improvement:action", action.pk)
        status = 400
    source = action.source if action.source_type_id else None
    context = {
        "action": action,
        "form": form,
        "source": source,
        "source_is_event": isinstance(source, Event),
        "overdue": action.status in Action.OPEN and action.due_date < timezone.localdate(),
    }
    return render(request, "improvement/action.html", context, status=status)


# ---- complaints ---------------------------------------------------------------------------------


@login_required
@require_GET
def complaint_list(request: HttpRequest) -> HttpResponse:
    """A unit subtree's complaints by deadline; ``?overdue=1`` the open ones past their deadline."""
    user = user_of(request)
    unit = chosen_unit(request, "complaint.view")
    if unit is None:
        raise PermissionDenied("complaint.view")
    overdue = request.GET.get("overdue") == "1"
    today = timezone.localdate()
    qs = in_subtree(Complaint.objects.all(), unit)  # the unit lies in the user's scope
    if overdue:
        qs = qs.filter(status=Complaint.Status.OPEN, deadline__lt=today)
    context = {
        "unit": unit,
        "units": scope_units(user, "complaint.view", extra=unit),
        "overdue": overdue,
        "page": paginate(request, qs.select_related("unit").order_by("status", "deadline", "pk")),
        "query": f"unit={unit.pk}" + ("&overdue=1" if overdue else ""),
        "today": today,
        "may_register": access.can_anywhere(user, "complaint.edit"),
    }
    return render(request, "improvement/complaints.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def complaint_new(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    if not access.can_anywhere(user, "complaint.edit"):
        raise PermissionDenied("complaint.edit")
    units = scope_units(user, "complaint.edit", below=3)
    events = Event.objects.visible_to(user, "event.view")
    if request.method == "GET":
        initial = {"received_on": timezone.localdate(), "unit": user.home_unit_id}
        form = ComplaintForm(initial=initial, units=units, events=events)
        return render(request, "improvement/complaint_new.html", {"form": form})
    form = ComplaintForm(request.POST, units=units, events=events)
    if form.is_valid():
        data = form.cleaned_data
        try:
            complaint = services.register_complaint(
                by=user,
                unit=data["unit"],
                received_on=data["received_on"],
                channel=data["channel"],
                sender=data["sender"],
                description=data["description"],
                events=data["events"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        except PermissionDenied:
            form.add_error("unit", _("You may not register complaints for this unit."))
        else:
            messages.success(request, _("The complaint was registered."))
            return redirect("improvement:complaint", complaint.pk)
    return render(request, "improvement/complaint_new.html", {"form": form}, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def complaint_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_of(request)
    complaint: Complaint = get_object_or_404(
        Complaint.objects.visible_to(user).select_related("unit", "handler"), pk=pk
    )
    may_edit = access.can(user, "complaint.edit", complaint)
    form = None
    status = 200
    if request.method == "POST":
        if not may_edit:
            raise PermissionDenied("complaint.edit")
        form = AnswerForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.answer_complaint(
                    complaint,
                    by=user,
                    version=data["version"],
                    answered_on=data["answered_on"],
                    answer_summary=data["answer_summary"],
                )
            except (ValidationError, StaleWrite, IllegalTransition) as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("The answer was recorded."))
                return redirect("improvement:complaint", complaint.pk)
        status = 400
    elif may_edit and complaint.status == Complaint.Status.OPEN:
        form = AnswerForm(initial={"version": complaint.version, "answered_on": timezone.localdate()})
    context = {
        "complaint": complaint,
        "form": form,
        "events": Event.objects.visible_to(user).filter(complaints=complaint).order_by("-occurred_at"),
        "overdue": complaint.status == Complaint.Status.OPEN and complaint.deadline < timezone.localdate(),
    }
    return render(request, "improvement/complaint.html", context, status=status)
