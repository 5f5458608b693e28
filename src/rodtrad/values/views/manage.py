"""Editing value bases, their perspectives, value words and behaviours (admins and quality coordinators
of the whole organisation), through the services; a stale or refused write keeps what was typed."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from rodtrad.core.errors import StaleWrite
from rodtrad.values import services
from rodtrad.values.forms import PerspectiveFormSet, ValueBaseForm, ValueWordForm
from rodtrad.values.models import ValueBase, ValueWord
from rodtrad.values.views.common import apply_errors, may_manage, page, user_of


def _require(request: HttpRequest) -> None:
    if not may_manage(request):
        raise PermissionDenied("valuebase.edit")


def _base_initial(base: ValueBase) -> dict[str, Any]:
    return {
        "version": base.version,
        "name": base.name,
        "motto": base.motto,
        "description": base.description,
        "primary": base.primary,
        "contact": base.contact.username if base.contact else "",
    }


def _save_base(
    request: HttpRequest, base: ValueBase | None, form: ValueBaseForm, rows: Any
) -> ValueBase | None:
    """Save through the service; None (with the refusal on the form) when it did not."""
    if not (form.is_valid() and rows.is_valid()):
        return None
    data = form.cleaned_data
    try:
        return services.save_value_base(
            by=user_of(request),
            value_base=base,
            version=data["version"],
            name=data["name"],
            motto=data["motto"],
            description=data["description"],
            primary=data["primary"],
            perspectives=[(r.cleaned_data["name"], r.cleaned_data["text"]) for r in rows if r.cleaned_data],
            contact=data["contact"],
        )
    except (ValidationError, StaleWrite) as exc:
        apply_errors(form, exc)
        return None


@login_required
@require_http_methods(["GET", "POST"])
def manage(request: HttpRequest) -> HttpResponse:
    """The value bases with their words, and a form for a new value base."""
    _require(request)
    status = 200
    if request.method == "POST":
        form = ValueBaseForm(request.POST)
        rows = PerspectiveFormSet(request.POST, prefix="perspective")
        saved = _save_base(request, None, form, rows)
        if saved is not None:
            messages.success(request, _("The value base %(name)s was created.") % {"name": saved.name})
            return redirect("values:manage_base", saved.pk)
        status = 400
    else:
        form = ValueBaseForm()
        rows = PerspectiveFormSet(prefix="perspective")
    bases = ValueBase.objects.prefetch_related("words")
    context = {"bases": bases, "form": form, "rows": rows}
    return render(request, "values/manage.html", page(request, "manage", context), status=status)


def _base_page(
    request: HttpRequest,
    base: ValueBase,
    form: ValueBaseForm,
    rows: Any,
    word_form: ValueWordForm,
    status: int,
) -> HttpResponse:
    words = ValueWord.objects.filter(value_base=base).prefetch_related("behaviours")
    context = {"base": base, "form": form, "rows": rows, "words": words, "word_form": word_form}
    return render(request, "values/manage_base.html", page(request, "manage", context), status=status)


@login_required
@require_http_methods(["GET", "POST"])
def manage_base(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a value base and its perspectives; its words are listed with a form for a new one."""
    _require(request)
    base = get_object_or_404(ValueBase.objects.select_related("contact"), pk=pk)
    if request.method == "POST":
        form = ValueBaseForm(request.POST)
        rows = PerspectiveFormSet(request.POST, prefix="perspective")
        saved = _save_base(request, base, form, rows)
        if saved is not None:
            messages.success(request, _("The value base %(name)s was saved.") % {"name": saved.name})
            return redirect("values:manage_base", saved.pk)
        return _base_page(request, base, form, rows, ValueWordForm(), 400)
    initial = [{"name": p.name, "text": p.text} for p in base.perspectives.all()]
    rows = PerspectiveFormSet(prefix="perspective", initial=initial)
    return _base_page(request, base, ValueBaseForm(initial=_base_initial(base)), rows, ValueWordForm(), 200)


def _save_word(
    request: HttpRequest, base: ValueBase, word: ValueWord | None, form: ValueWordForm
) -> ValueWord | None:
    if not form.is_valid():
        return None
    data = form.cleaned_data
    try:
        return services.save_value_word(
            by=user_of(request),
            value_base=base,
            value_word=word,
            version=data["version"],
            word=data["word"],
            description=data["description"],
            behaviours=form.behaviour_list(),
            position=data["position"],
        )
    except (ValidationError, StaleWrite) as exc:
        apply_errors(form, exc)
        return None


@login_required
@require_POST
def word_new(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a value word to a value base."""
    _require(request)
    base = get_object_or_404(ValueBase.objects.select_related("contact"), pk=pk)
    form = ValueWordForm(request.POST)
    saved = _save_word(request, base, None, form)
    if saved is not None:
        messages.success(request, _("The value word %(word)s was added.") % {"word": saved.word})
        return redirect("values:manage_base", base.pk)
    initial = [{"name": p.name, "text": p.text} for p in base.perspectives.all()]
    rows = PerspectiveFormSet(prefix="perspective", initial=initial)
    return _base_page(request, base, ValueBaseForm(initial=_base_initial(base)), rows, form, 400)


@login_required
@require_http_methods(["GET", "POST"])
def word_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a value word and its behaviours."""
    _require(request)
    word = get_object_or_404(ValueWord.objects.select_related("value_base"), pk=pk)
    status = 200
    if request.method == "POST":
        form = ValueWordForm(request.POST)
        saved = _save_word(request, word.value_base, word, form)
        if saved is not None:
            messages.success(request, _("The value word %(word)s was saved.") % {"word": saved.word})
            return redirect("values:manage_base", word.value_base_id)
        status = 400
    else:
        form = ValueWordForm(
            initial={
                "version": word.version,
                "word": word.word,
                "description": word.description,
                "behaviours": "\n".join(b.text for b in word.behaviours.all()),
                "position": word.position,
            }
        )
    context = {"word": word, "form": form}
    return render(request, "values/manage_word.html", page(request, "manage", context), status=status)
