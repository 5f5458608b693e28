"""Value dialogues: the list, recording one with its commitments, one dialogue, coverage per förvaltning."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from rodtrad.core import access
from rodtrad.core.models import Unit
from rodtrad.improvement.models import Action
from rodtrad.values import charts, services
from rodtrad.values.forms import CommitmentFormSet, CoverageForm, DialogueFilterForm, DialogueForm
from rodtrad.values.models import Dialogue
from rodtrad.values.views.common import apply_errors, page, status_of, subtree, user_of

DIALOGUES_PAGE = 50


@login_required
@require_GET
def dialogues(request: HttpRequest) -> HttpResponse:
    """The dialogues of the units the user may see, newest first, by year and unit (and below)."""
    user = user_of(request)
    form = DialogueFilterForm(request.GET)
    qs = Dialogue.objects.visible_to(user, "dialogue.view")
    query: dict[str, Any] = {}
    if form.is_valid():
        if form.cleaned_data["year"] is not None:
            qs = qs.filter(held_on__year=form.cleaned_data["year"])
            query["year"] = form.cleaned_data["year"]
        if form.cleaned_data["unit"] is not None:
            qs = qs.filter(unit__in=subtree(form.cleaned_data["unit"]))
            query["unit"] = form.cleaned_data["unit"].code
    qs = qs.select_related("unit", "facilitator").prefetch_related("value_words").order_by("-held_on", "-pk")
    found = Paginator(qs, DIALOGUES_PAGE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": found,
        "query": urlencode(query),
        "may_record": access.can_anywhere(user, "dialogue.edit"),
        "year": timezone.localdate().year,
    }
    return render(
        request, "values/dialogues.html", page(request, "dialogues", context), status=status_of(form)
    )


def _initial(request: HttpRequest) -> dict[str, Any]:
    """The unit the user manages (else their home unit), today, and the user as facilitator."""
    user = user_of(request)
    unit = Unit.objects.filter(manager=user, is_active=True).order_by("path").first()
    if unit is None and user.home_unit_id:
        unit = Unit.objects.filter(pk=user.home_unit_id).first()
    return {
        "unit": unit.code if unit else "",
        "held_on": timezone.localdate(),
        "facilitator": user.username,
    }


@login_required
@require_http_methods(["GET", "POST"])
def dialogue_new(request: HttpRequest) -> HttpResponse:
    """Record a value dialogue; each filled commitment row becomes an action. "More rows" adds one."""
    user = user_of(request)
    if not access.can_anywhere(user, "dialogue.edit"):
        raise PermissionDenied("dialogue.edit")
    status = 200
    if request.method == "GET":
        form = DialogueForm(initial=_initial(request))
        rows = CommitmentFormSet(prefix="commitment")
    elif "more" in request.POST:
        posted = request.POST.copy()
        total = posted.get("commitment-TOTAL_FORMS", "0")
        posted["commitment-TOTAL_FORMS"] = str(min(int(total) + 1 if total.isdigit() else 1, 50))
        form = DialogueForm(posted)
        rows = CommitmentFormSet(posted, prefix="commitment")
        form.errors.clear()  # nothing was sent in yet: no errors, only what was typed
    else:
        form = DialogueForm(request.POST)
        rows = CommitmentFormSet(request.POST, prefix="commitment")
        if form.is_valid() and rows.is_valid():
            data = form.cleaned_data
            commitments = [
                (r.cleaned_data["title"], r.cleaned_data["owner"], r.cleaned_data["due_date"])
                for r in rows
                if r.cleaned_data
            ]
            try:
                dialogue = services.record_dialogue(
                    by=user,
                    unit=data["unit"],
                    held_on=data["held_on"],
                    facilitator=data["facilitator"],
                    participants=data["participants"],
                    value_words=list(data["value_words"]),
                    conclusions=data["conclusions"],
                    commitments=commitments,
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            except PermissionDenied:
                form.add_error("unit", _("You may not record value dialogues for this unit."))
            else:
                messages.success(request, _("The value dialogue was recorded."))
                return redirect("values:dialogue", dialogue.pk)
        status = 400
    context = {"form": form, "rows": rows}
    return render(request, "values/dialogue_form.html", page(request, "dialogues", context), status=status)


@login_required
@require_GET
def dialogue_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A dialogue with its value words, conclusions and the actions its commitments became."""
    dialogue: Dialogue = get_object_or_404(
        Dialogue.objects.visible_to(user_of(request), "dialogue.view")
        .select_related("unit", "facilitator")
        .prefetch_related("value_words"),
        pk=pk,
    )
    actions = Action.objects.filter(
        source_type=ContentType.objects.get_for_model(Dialogue), source_id=dialogue.pk
    ).select_related("owner")
    context = {"dialogue": dialogue, "actions": list(actions)}
    return render(request, "values/dialogue.html", page(request, "dialogues", context))


@login_required
@require_GET
def coverage(request: HttpRequest) -> HttpResponse:
    """Which units held their dialogue in a year, per förvaltning, drawn and as a table; one
    förvaltning (``?unit=``) lists its units below and the workplaces without a dialogue."""
    user = user_of(request)
    this_year = timezone.localdate().year
    asked = request.GET.copy()
    asked.setdefault("year", str(this_year))
    form = CoverageForm(asked)
    year, under = this_year, None
    if form.is_valid():
        year = form.cleaned_data["year"]
        if form.cleaned_data["unit"] is not None:
            under = get_object_or_404(
                Unit.objects.visible_to(user, "dialogue.view"), pk=form.cleaned_data["unit"]
            )
    found = services.coverage(year, by=user, under=under)
    ancestors = (
        list(
            Unit.objects.filter(
                path__in=[under.path[:i] for i in range(Unit.steplen, len(under.path), Unit.steplen)]
            ).order_by("depth")
        )
        if under is not None
        else []
    )
    context = {
        "form": form,
        "year": year,
        "under": under,
        "ancestors": ancestors,
        "coverage": found,
        "rows": [(row, access.can(user, "dialogue.view", row.unit)) for row in found.rows],
        "chart": charts.coverage_bars(found),
    }
    return render(
        request, "values/coverage.html", page(request, "dialogues", context), status=status_of(form)
    )
