"""Vision och värdegrund and each value word's page: readable without login, a fixed few queries each.

Signed-in people also see, on a word's page, the goals and dialogues that cite the word: the
red thread from the value base to daily work. Published stories are shown to everyone.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from rodtrad.core.context_processors import organisation
from rodtrad.core.services import feedback
from rodtrad.goals.models import Goal
from rodtrad.values import compass
from rodtrad.values.models import Dialogue, Story, ValueBase, ValueWord
from rodtrad.values.views.common import page

STORIES_SHOWN = 10
CITED_SHOWN = 50


def _updated(*stamps: dt.datetime) -> dt.date:
    """Senast uppdaterad: the latest change among the page's parts, as a local date."""
    return timezone.localdate(max(stamps))


@require_GET
def vision(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """The vision, the value base (the primary one unless ``pk`` names another) drawn as the compass,
    its words with their behaviours and its perspectives, and the other value bases."""
    bases = list(ValueBase.objects.select_related("contact"))
    if pk is None:
        shown = bases[0] if bases else None
    else:
        shown = next((b for b in bases if b.pk == pk), None)
        if shown is None:
            raise Http404
    context: dict[str, Any] = {
        "vision": organisation(request).vision,
        "value_base": shown,
        "others": [b for b in bases if b is not shown],
        "is_primary_page": pk is None,
    }
    if shown is not None:
        words = list(ValueWord.objects.filter(value_base=shown).prefetch_related("behaviours"))
        perspectives = list(shown.perspectives.all())
        context.update(
            words=words,
            perspectives=perspectives,
            compass=compass.draw(shown, words, perspectives),
            footer=feedback.page_footer(
                shown,
                next_url=request.path,
                contacts=[shown.contact],
                updated=_updated(shown.updated_at, *(w.updated_at for w in words)),
            ),
        )
    return render(request, "values/vision.html", page(request, "vision", context))


@require_GET
def word(request: HttpRequest, pk: int) -> HttpResponse:
    """A value word: its description and behaviours, the published stories that tell it and, for
    signed-in people, the goals and dialogues that cite it."""
    found: ValueWord = get_object_or_404(
        ValueWord.objects.select_related("value_base", "value_base__contact").prefetch_related("behaviours"),
        pk=pk,
    )
    user = request.user
    stories = list(
        Story.objects.published()
        .filter(value_words=found)
        .select_related("unit")
        .order_by("-published_at", "-pk")[:STORIES_SHOWN]
    )
    context: dict[str, Any] = {
        "word": found,
        "value_base": found.value_base,
        "stories": stories,
        "footer": feedback.page_footer(
            found,
            next_url=request.path,
            contacts=[found.value_base.contact],
            updated=_updated(found.updated_at),
        ),
    }
    if user.is_authenticated:
        context["goals"] = list(
            Goal.objects.visible_to(user, "goal.view")
            .filter(value_words=found)
            .select_related("unit")
            .order_by("unit__path", "title")[:CITED_SHOWN]
        )
        context["dialogues"] = list(
            Dialogue.objects.visible_to(user, "dialogue.view")
            .filter(value_words=found)
            .select_related("unit")
            .order_by("-held_on", "-pk")[:CITED_SHOWN]
        )
    return render(request, "values/word.html", page(request, "vision", context))
