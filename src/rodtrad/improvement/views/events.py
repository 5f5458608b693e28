"""Event pages: the quick report, Mina rapporter, the handler's inbox, and the event page with
triage, duties, investigation, actions, closing and the published learning.

Every read goes through ``visible_to`` (another unit's event is a 404) and every write through
:mod:`rodtrad.improvement.services`, whose refusals come back as form errors with what was typed.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from rodtrad.core import access
from rodtrad.core.errors import IllegalTransition, StaleWrite
from rodtrad.core.models import Unit
from rodtrad.core.tree import in_subtree
from rodtrad.improvement import charts, services
from rodtrad.improvement.forms import (
    ActionForm,
    CloseForm,
    InboxFilterForm,
    InvestigationForm,
    LearningForm,
    ReopenForm,
    ReportForm,
    TriageForm,
)
from rodtrad.improvement.models import Action, Category, Event, Investigation
from rodtrad.improvement.views.common import (
    apply_errors,
    chosen_unit,
    colleagues_for,
    handlers_for,
    is_htmx,
    own_units,
    page_of_rows,
    paginate,
    scope_units,
    user_of,
)

MINE_PAGE = 20
STATUS_TABS = ("new", "triaged", "investigating", "closed", "all")


def active_categories() -> QuerySet[Category]:
    """The category tree for the forms (every installation starts with the default tree, migration 0005)."""
    qs: QuerySet[Category] = Category.objects.filter(active=True).order_by("position", "name")
    return qs


# ---- the quick report ---------------------------------------------------------------------------


def _report_units(request: HttpRequest) -> QuerySet[Unit]:
    """The reporter's own units, and the unit of ``?unit=ID`` when the report starts from a unit page."""
    units = own_units(user_of(request))
    raw = request.GET.get("unit", "") or request.POST.get("unit", "")
    if raw.isdigit():
        units = units | Unit.objects.filter(pk=int(raw), is_active=True)
    return units.order_by("path")


@login_required
@require_http_methods(["GET", "POST"])
def report(request: HttpRequest) -> HttpResponse:
    """The quick report: under two minutes on a phone, nothing typed is ever lost."""
    user = user_of(request)
    units, categories = _report_units(request), active_categories()
    if request.method == "GET":
        raw = request.GET.get("unit", "")
        initial = {
            "unit": int(raw) if raw.isdigit() else user.home_unit_id,
            "occurred_at": timezone.localtime().replace(second=0, microsecond=0),
        }
        form = ReportForm(units=units, categories=categories, initial=initial)
        return render(request, "improvement/report.html", {"form": form})
    form = ReportForm(request.POST, units=units, categories=categories)
    if form.is_valid():
        data = form.cleaned_data
        try:
            event = services.report_event(
                by=user,
                unit=data["unit"],
                occurred_at=data["occurred_at"],
                description=data["description"],
                category=data["category"],
                affected=data["affected"],
                immediate_action=data["immediate_action"],
                positive=data["positive"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        except PermissionDenied:
            form.add_error("unit", _("You may not report events for this unit."))
        else:
            messages.success(
                request, _("Thank you! Your report was sent as number %(number)s.") % {"number": event.pk}
            )
            return redirect(f"{reverse('improvement:mine')}?reported={event.pk}#event-{event.pk}")
    return render(request, "improvement/report.html", {"form": form}, status=400)


# ---- Mina rapporter -----------------------------------------------------------------------------


@login_required
@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    """The reporter's own reports with what came of them: status, closing comment and learning."""
    qs = (
        Event.objects.filter(reporter=user_of(request))
        .select_related("unit", "category", "learning")
        .order_by("-created_at", "-pk")
    )
    page = paginate(request, qs)
    raw = request.GET.get("reported", "")
    return render(
        request,
        "improvement/mine.html",
        {"page": page, "reported": int(raw) if raw.isdigit() else None},
    )


# ---- the inbox ----------------------------------------------------------------------------------


@login_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    """A unit subtree's events, newest first, one status at a time (new by default), with counts."""
    user = user_of(request)
    unit = chosen_unit(request, "event.view")
    if unit is None:
        return redirect("improvement:mine")  # a reporter's events are their own reports
    status = request.GET.get("status", "new")
    if status not in STATUS_TABS:
        status = "new"
    # the unit lies in the user's scope (else chosen_unit was a 404), and so does its subtree
    events = in_subtree(Event.objects.all(), unit)
    counts = {s: 0 for s in Event.Status.values}
    # One count per status, read as a range of the (unit, status, …) index, in one statement: a
    # single GROUP BY status sorts all of a förvaltning's events (three times the time).
    per_status = [events.filter(status=s).order_by().values("status").annotate(n=Count("pk")) for s in counts]
    for row in per_status[0].union(*per_status[1:], all=True):
        counts[row["status"]] = row["n"]
    listed = events if status == "all" else events.filter(status=status)
    total = sum(counts.values()) if status == "all" else counts[status]
    ids = listed.order_by("-occurred_at", "-pk").values_list("pk", flat=True)
    page = page_of_rows(request, ids, Event.objects.select_related("unit", "category"), total)
    tabs = [(value, label, counts[value]) for value, label in Event.Status.choices] + [
        ("all", _("All"), sum(counts.values()))
    ]
    context = {
        "unit": unit,
        "status": status,
        "tabs": tabs,
        "page": page,
        "query": f"unit={unit.pk}&status={status}",
        "filter_form": InboxFilterForm(
            initial={"unit": unit.pk}, units=scope_units(user, "event.view", extra=unit)
        ),
    }
    return render(request, "improvement/inbox.html", context)


# ---- the event page -----------------------------------------------------------------------------


def _event_for(request: HttpRequest, pk: int) -> Event:
    event: Event = get_object_or_404(
        Event.objects.visible_to(user_of(request)).select_related(
            "unit", "category", "reporter", "handler", "learning"
        ),
        pk=pk,
    )
    return event


def _investigation(event: Event) -> Investigation | None:
    return (
        Investigation.objects.filter(event=event)
        .select_related("commissioner")
        .prefetch_related("timeline", "causes", Prefetch("team"))
        .first()
    )


def _actions(event: Event) -> QuerySet[Action]:
    source_type = ContentType.objects.get_for_model(Event)
    qs: QuerySet[Action] = Action.objects.filter(source_type=source_type, source_id=event.pk).select_related(
        "owner"
    )
    return qs


def _event_context(request: HttpRequest, event: Event, **bound: Any) -> dict[str, Any]:
    """Everything the event page shows; forms only for those who may handle the event."""
    user = user_of(request)
    may_handle = access.can(user, "event.handle", event)
    investigation = _investigation(event)
    context: dict[str, Any] = {
        "event": event,
        "may_handle": may_handle,
        "risk_label": charts.level_label(event.risk),
        "matrix": charts.risk_matrix(event.probability, event.consequence),
        "duties": list(event.duties.all()) if may_handle else [],
        "may_decide": access.can(user, "duty.decide", event),
        "investigation": investigation,
        "actions": list(_actions(event)),
        "now": timezone.now(),
    }
    if may_handle:
        handlers = handlers_for(event.unit)
        is_closed = event.status == Event.Status.CLOSED
        context["triage_form"] = bound.pop("triage_form", None) or TriageForm(
            initial=TriageForm.initial_for(event), categories=active_categories(), handlers=handlers
        )
        if not is_closed:
            context["investigation_form"] = bound.pop("investigation_form", None) or InvestigationForm(
                initial=InvestigationForm.initial_for(investigation), handlers=handlers
            )
            context["close_form"] = bound.pop("close_form", None) or CloseForm(
                initial={"version": event.version}
            )
        else:
            context["reopen_form"] = ReopenForm(initial={"version": event.version})
        context["action_form"] = bound.pop("action_form", None) or ActionForm(
            owners=colleagues_for(event.unit)
        )
        if (is_closed or event.positive) and not hasattr(event, "learning"):
            context["learning_form"] = bound.pop("learning_form", None) or LearningForm()
    context.update(bound)
    return context


def _event_page(request: HttpRequest, event: Event, status: int = 200, **bound: Any) -> HttpResponse:
    return render(request, "improvement/event.html", _event_context(request, event, **bound), status=status)


@login_required
@require_GET
def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _event_page(request, _event_for(request, pk))


def _handled(request: HttpRequest, pk: int) -> Event:
    """The event (404 when not visible) for a handler's change (403 for anyone else)."""
    event = _event_for(request, pk)
    access.require(user_of(request), "event.handle", event)
    return event


def _done(request: HttpRequest, event: Event, text: str) -> HttpResponse:
    messages.success(request, text)
    return redirect("improvement:event", event.pk)


@login_required
@require_POST
def triage(request: HttpRequest, pk: int) -> HttpResponse:
    """Save the assessment; htmx gets the triage card and the duties back in place."""
    event = _handled(request, pk)
    form = TriageForm(request.POST, categories=active_categories(), handlers=handlers_for(event.unit))
    saved = False
    if form.is_valid():
        data = form.cleaned_data
        changes = {name: data[name] for name in TriageForm.FIELDS}
        try:
            event = services.triage_event(event, by=user_of(request), version=data["version"], **changes)
        except (ValidationError, StaleWrite, IllegalTransition) as exc:
            apply_errors(form, exc)
        else:
            saved = True
    if is_htmx(request):
        event = _event_for(request, pk)
        context = _event_context(request, event, **({} if saved else {"triage_form": form}))
        context["triage_saved"] = saved
        # htmx swaps only successful responses, so the errors come back with 200 to be seen
        return render(request, "improvement/includes/triage_swap.html", context)
    if saved:
        return _done(request, event, _("The assessment was saved."))
    return _event_page(request, _event_for(request, pk), status=400, triage_form=form)


@login_required
@require_POST
def investigation(request: HttpRequest, pk: int) -> HttpResponse:
    """Create or replace the investigation (short or full händelseanalys)."""
    event = _handled(request, pk)
    form = InvestigationForm(request.POST, handlers=handlers_for(event.unit))
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.save_investigation(
                event,
                by=user_of(request),
                version=data["version"],
                kind=data["kind"],
                commissioner=data["commissioner"],
                team=data["team"],
                conclusions=data["conclusions"],
                final_report=data["final_report"],
                timeline=data["timeline"],
                causes=data["causes"],
                done=data["done"],
            )
        except (ValidationError, StaleWrite, IllegalTransition) as exc:
            apply_errors(form, exc)
        else:
            return _done(request, event, _("The investigation was saved."))
    return _event_page(request, event, status=400, investigation_form=form)


@login_required
@require_POST
def add_action(request: HttpRequest, pk: int) -> HttpResponse:
    """An action for the event's unit, with an owner (who is told) and a due date."""
    event = _handled(request, pk)
    form = ActionForm(request.POST, owners=colleagues_for(event.unit))
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.create_action(
                by=user_of(request),
                unit=event.unit,
                title=data["title"],
                owner=data["owner"],
                due_date=data["due_date"],
                description=data["description"],
                source=event,
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            return _done(request, event, _("The action was added."))
    return _event_page(request, event, status=400, action_form=form)


@login_required
@require_POST
def close(request: HttpRequest, pk: int) -> HttpResponse:
    event = _handled(request, pk)
    form = CloseForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.close_event(event, by=user_of(request), version=data["version"], comment=data["comment"])
        except (ValidationError, StaleWrite, IllegalTransition) as exc:
            apply_errors(form, exc)
        else:
            return _done(request, event, _("The event was closed. The reporter sees your comment."))
    return _event_page(request, event, status=400, close_form=form)


@login_required
@require_POST
def reopen(request: HttpRequest, pk: int) -> HttpResponse:
    event = _handled(request, pk)
    form = ReopenForm(request.POST)
    if form.is_valid():
        try:
            services.reopen_event(event, by=user_of(request), version=form.cleaned_data["version"])
        except (ValidationError, StaleWrite, IllegalTransition) as exc:
            apply_errors(form, exc)
        else:
            return _done(request, event, _("The event was reopened."))
    messages.error(
        request, " ".join(str(e) for e in form.non_field_errors()) or _("The event was not reopened.")
    )
    return redirect("improvement:event", event.pk)


@login_required
@require_POST
def learning(request: HttpRequest, pk: int) -> HttpResponse:
    """Publish an anonymised learning of a closed or positive event; the reporter is told."""
    event = _handled(request, pk)
    form = LearningForm(request.POST)
    if form.is_valid():
        try:
            found = services.publish_learning(
                by=user_of(request),
                event=event,
                title=form.cleaned_data["title"],
                summary=form.cleaned_data["summary"],
            )
        except (ValidationError, IllegalTransition) as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The learning was published for the whole organisation."))
            return redirect("improvement:learning", found.pk)
    return _event_page(request, event, status=400, learning_form=form)
