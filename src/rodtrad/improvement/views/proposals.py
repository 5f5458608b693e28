"""Improvement proposals ("kraften hos många": figures per unit and state), their PDSA trials, and
the published learnings the whole organisation can search."""

from __future__ import annotations

from collections import defaultdict
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from rodtrad.core import access
from rodtrad.core.errors import IllegalTransition, StaleWrite
from rodtrad.core.tree import in_subtree
from rodtrad.improvement import services
from rodtrad.improvement.forms import MoveProposalForm, PdsaForm, ProposalForm
from rodtrad.improvement.models import Learning, Proposal
from rodtrad.improvement.views.common import (
    apply_errors,
    chosen_unit,
    own_units,
    paginate,
    scope_units,
    user_of,
)

FIGURE_UNITS = 30


def _figures(unit: Any) -> tuple[list[dict[str, Any]], dict[str, int]]:
    """Proposals per unit and state below ``unit``, in one aggregate query: the power of many."""
    rows: dict[int, dict[str, Any]] = {}
    totals: dict[str, int] = defaultdict(int)
    grouped = (
        in_subtree(Proposal.objects.all(), unit)  # the unit lies in the user's scope
        .order_by()
        .values("unit_id", "unit__name", "status")
        .annotate(n=Count("pk"))
    )
    for r in grouped:
        row = rows.setdefault(r["unit_id"], {"name": r["unit__name"], "counts": defaultdict(int), "total": 0})
        row["counts"][r["status"]] += r["n"]
        row["total"] += r["n"]
        totals[r["status"]] += r["n"]
    ordered = sorted(rows.values(), key=lambda row: (-row["total"], row["name"]))[:FIGURE_UNITS]
    for row in ordered:
        row["cells"] = [row["counts"][s] for s in Proposal.Status.values]
    return ordered, totals


@login_required
@require_GET
def proposal_list(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    unit = chosen_unit(request, "proposal.view")
    status = request.GET.get("status", "")
    qs = Proposal.objects.visible_to(user).select_related("unit", "submitted_by")
    context: dict[str, Any] = {"unit": unit, "status": status, "statuses": Proposal.Status.choices}
    if unit is not None:
        qs = qs.filter(Q(unit__path__startswith=unit.path) | Q(submitted_by=user))
        figures, totals = _figures(unit)
        context.update(
            figures=figures,
            totals=[totals[s] for s in Proposal.Status.values],
            total=sum(totals.values()),
            units=scope_units(user, "proposal.view", extra=unit),
        )
    if status in Proposal.Status.values:
        qs = qs.filter(status=status)
    context["page"] = paginate(request, qs.order_by("-created_at", "-pk"))
    context["query"] = "&".join(
        p for p in (f"unit={unit.pk}" if unit else "", f"status={status}" if status else "") if p
    )
    return render(request, "improvement/proposals.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def proposal_new(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    units = own_units(user)
    if request.method == "GET":
        form = ProposalForm(initial={"unit": user.home_unit_id}, units=units)
        return render(request, "improvement/proposal_new.html", {"form": form})
    form = ProposalForm(request.POST, units=units)
    if form.is_valid():
        data = form.cleaned_data
        try:
            proposal = services.submit_proposal(
                by=user, unit=data["unit"], title=data["title"], idea=data["idea"]
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Thank you for your proposal!"))
            return redirect("improvement:proposal", proposal.pk)
    return render(request, "improvement/proposal_new.html", {"form": form}, status=400)


def _proposal_for(request: HttpRequest, pk: int) -> Proposal:
    proposal: Proposal = get_object_or_404(
        Proposal.objects.visible_to(user_of(request)).select_related("unit", "submitted_by"), pk=pk
    )
    return proposal


def _proposal_page(request: HttpRequest, proposal: Proposal, status: int = 200, **bound: Any) -> HttpResponse:
    user = user_of(request)
    may_handle = access.can(user, "proposal.handle", proposal)
    context: dict[str, Any] = {
        "proposal": proposal,
        "may_handle": may_handle,
        "entries": proposal.pdsa.select_related("author"),
    }
    if may_handle:
        context["move_form"] = bound.pop("move_form", None) or MoveProposalForm(
            initial={"version": proposal.version}
        )
    trying = proposal.status == Proposal.Status.ONGOING
    if trying and (may_handle or proposal.submitted_by_id == user.pk) or "pdsa_form" in bound:
        context["pdsa_form"] = bound.pop("pdsa_form", None) or PdsaForm()
    context.update(bound)
    return render(request, "improvement/proposal.html", context, status=status)


@login_required
@require_GET
def proposal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _proposal_page(request, _proposal_for(request, pk))


@login_required
@require_POST
def proposal_move(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = _proposal_for(request, pk)
    access.require(user_of(request), "proposal.handle", proposal)
    form = MoveProposalForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.move_proposal(
                proposal,
                by=user_of(request),
                version=data["version"],
                status=data["status"],
                reason=data["reason"],
            )
        except (ValidationError, StaleWrite, IllegalTransition) as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The proposal was moved."))
            return redirect("improvement:proposal", proposal.pk)
    return _proposal_page(request, proposal, status=400, move_form=form)


@login_required
@require_POST
def proposal_pdsa(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = _proposal_for(request, pk)  # the service lets handlers and the submitter write
    form = PdsaForm(request.POST)
    if form.is_valid():
        try:
            services.add_pdsa(
                proposal,
                by=user_of(request),
                phase=form.cleaned_data["phase"],
                text=form.cleaned_data["text"],
            )
        except (ValidationError, IllegalTransition) as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The PDSA note was added."))
            return redirect("improvement:proposal", proposal.pk)
    return _proposal_page(request, proposal, status=400, pdsa_form=form)


# ---- learnings ----------------------------------------------------------------------------------


@login_required
@require_GET
def learning_list(request: HttpRequest) -> HttpResponse:
    """Every published learning, newest first; ``?q=`` searches titles and summaries."""
    if not access.can_anywhere(user_of(request), "learning.view"):
        raise PermissionDenied("learning.view")
    q = request.GET.get("q", "").strip()[:100]
    qs = Learning.objects.select_related("unit", "category").order_by("-published_at", "-pk")
    for word in q.split():
        qs = qs.filter(Q(title__icontains=word) | Q(summary__icontains=word))
    context = {"page": paginate(request, qs), "q": q, "query": urlencode({"q": q}) if q else ""}
    return render(request, "improvement/learnings.html", context)


@login_required
@require_GET
def learning_detail(request: HttpRequest, pk: int) -> HttpResponse:
    if not access.can_anywhere(user_of(request), "learning.view"):
        raise PermissionDenied("learning.view")
    found = get_object_or_404(Learning.objects.select_related("unit", "category", "published_by"), pk=pk)
    return render(request, "improvement/learning.html", {"learning": found})
