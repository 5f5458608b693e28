"""Pages of the shell: Min sida, the unit tree, unit and user pages."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from rodtrad.core.models import Unit, User


@login_required
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/home.html", {})


@login_required
def unit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    unit = get_object_or_404(Unit.objects.visible_to(request.user, "unit.view"), pk=pk)
    return render(request, "core/unit.html", {"unit": unit})


@login_required
def user_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(User.objects.visible_to(request.user, "user.view"), pk=pk)
    return render(request, "core/user.html", {"person": person})
