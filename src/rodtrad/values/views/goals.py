"""A goal's value words, chosen on the goal's page (the goals app shows them through a template tag)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rodtrad.goals.models import Goal
from rodtrad.values import services
from rodtrad.values.models import ValueWord
from rodtrad.values.views.common import user_of


@login_required
@require_POST
def goal_words(request: HttpRequest, pk: int) -> HttpResponse:
    """Set the words; the service checks that the person may edit the goal (403 otherwise)."""
    user = user_of(request)
    goal = get_object_or_404(Goal.objects.visible_to(user), pk=pk)
    ids = [int(v) for v in request.POST.getlist("words") if v.isdigit()]
    services.cite_value_words(goal, by=user, words=list(ValueWord.objects.filter(pk__in=ids)))
    messages.success(request, _("The goal's value words were saved."))
    return redirect("goals:goal", goal.pk)
