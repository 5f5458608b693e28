"""Varjedag-berättelser: the feed, writing and sending in again, moderation, and "Lyft".

Who reads what comes from the services (``readable_stories``) and ``visible_to``: published
stories are for every signed-in person, unpublished ones for their writer and the moderators
of the unit; anyone else gets 404, as if the story did not exist.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from rodtrad.core import access
from rodtrad.core.errors import IllegalTransition, StaleWrite
from rodtrad.core.models import Unit
from rodtrad.core.views import Section
from rodtrad.improvement.models import Event
from rodtrad.values import services
from rodtrad.values.forms import FeedFilterForm, ModerateForm, ResubmitForm, StoryForm
from rodtrad.values.models import Story, StoryAttachment, StoryLift, ValueWord
from rodtrad.values.views.common import apply_errors, is_htmx, page, safe_next, status_of, subtree, user_of

FEED_PAGE = 50
MODERATION_PAGE = 50
MINE_PAGE = 50


def _with_lift(qs: QuerySet[Story], request: HttpRequest) -> QuerySet[Story]:
    """Each story knows whether the reader has lifted it, in the same query."""
    mine = StoryLift.objects.filter(story=OuterRef("pk"), user=user_of(request))
    return qs.annotate(lifted=Exists(mine))


def _readable(request: HttpRequest, pk: int) -> Story:
    qs = services.readable_stories(user_of(request)).select_related("unit", "author", "moderator")
    story: Story = get_object_or_404(
        _with_lift(qs, request).prefetch_related("value_words", "attachments"), pk=pk
    )
    return story


# ---- the feed ----------------------------------------------------------------------------------


def _address(name: str) -> Callable[[int], str]:
    """``reverse(name, args=[pk])`` for a page of objects at the cost of one reverse()."""
    marker = "2147483647"
    head, tail = reverse(name, args=[int(marker)]).split(marker)
    return lambda pk: f"{head}{pk}{tail}"


@dataclass
class Card:
    """A story as the feed shows it, its addresses, date and words worked out once, not per template tag."""

    story: Story
    url: str
    lift_url: str
    kind: str
    published: dt.date
    words: list[tuple[str, str]]
    media: list[tuple[str, StoryAttachment]]


def _feed_rows(qs: QuerySet[Story]) -> QuerySet[Story]:
    """Only the columns a card shows, and its words and media as plain lists (no manager per story)."""
    words = Prefetch("value_words", queryset=ValueWord.objects.only("id", "word"), to_attr="card_words")
    media = Prefetch(
        "attachments",
        queryset=StoryAttachment.objects.only("id", "story_id", "content_type", "alt"),
        to_attr="card_media",
    )
    return (
        qs.select_related("unit")
        .only("id", "title", "text", "kind", "status", "published_at", "lifts", "unit__name")
        .prefetch_related(words, media)
    )


def _cards(stories: Iterable[Story]) -> list[Card]:
    story_url, lift_url = _address("values:story"), _address("values:lift")
    feed_url = reverse("values:stories")
    kinds = dict(Story.Kind.choices)
    return [
        Card(
            story=s,
            url=story_url(s.pk),
            lift_url=lift_url(s.pk),
            kind=str(kinds.get(s.kind, s.kind)),
            published=timezone.localdate(s.published_at),
            words=[(w.word, f"{feed_url}?word={w.pk}") for w in s.card_words],  # type: ignore[attr-defined]
            media=[
                (reverse("values:attachment", args=[s.pk, f.pk]), f)
                for f in s.card_media  # type: ignore[attr-defined]
            ],
        )
        for s in stories
    ]


@login_required
@require_GET
def feed(request: HttpRequest) -> HttpResponse:
    """Published stories, newest first, filtered by value word, unit (and below) and year; 50 a page."""
    form = FeedFilterForm(request.GET)
    qs: QuerySet[Story] = Story.objects.published()
    query: dict[str, Any] = {}
    if form.is_valid():
        data = form.cleaned_data
        if data["word"] is not None:
            qs = qs.filter(value_words=data["word"])
            query["word"] = data["word"].pk
        if data["unit"] is not None:
            qs = qs.filter(unit__in=subtree(data["unit"]))
            query["unit"] = data["unit"].code
        if data["year"] is not None:
            zone = timezone.get_current_timezone()
            start = dt.datetime(data["year"], 1, 1, tzinfo=zone)
            qs = qs.filter(published_at__gte=start, published_at__lt=start.replace(year=data["year"] + 1))
            query["year"] = data["year"]
    qs = _with_lift(_feed_rows(qs), request)
    stories = Paginator(qs.order_by("-published_at", "-pk"), FEED_PAGE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": stories,
        "cards": _cards(stories),
        "query": urlencode(query),
        "filtered": bool(query),
    }
    return render(request, "values/feed.html", page(request, "stories", context), status=status_of(form))


@login_required
@require_POST
def lift(request: HttpRequest, pk: int) -> HttpResponse:
    """ "Lyft": htmx gets the button back with the new count; without JavaScript, back to the page."""
    story = _readable(request, pk)
    try:
        story = services.lift_story(story, by=user_of(request))
    except IllegalTransition as exc:
        return HttpResponse(str(exc), status=409, content_type="text/plain; charset=utf-8")
    story.lifted = True  # type: ignore[attr-defined]
    if is_htmx(request):
        context = {"story": story, "lift_url": reverse("values:lift", args=[story.pk])}
        return render(request, "values/includes/lift.html", context)
    messages.success(request, _("You lifted the story."))
    return redirect(safe_next(request, reverse("values:story", args=[story.pk])))


# ---- a story -----------------------------------------------------------------------------------


def _story_page(
    request: HttpRequest, story: Story, form: ModerateForm | None = None, status: int = 200
) -> HttpResponse:
    user = user_of(request)
    may_moderate = story.status != Story.Status.RETURNED and access.can(user, "story.moderate", story)
    if form is None and may_moderate:
        form = ModerateForm(initial={"version": story.version}, auto_id=f"moderate{story.pk}_%s")
    context = {
        "story": story,
        "form": form if may_moderate else None,
        "is_writer": story.author_id == user.pk,
    }
    return render(request, "values/story.html", page(request, "stories", context), status=status)


@login_required
@require_GET
def story_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _story_page(request, _readable(request, pk))


@login_required
@require_GET
def attachment(request: HttpRequest, pk: int, file_pk: int) -> FileResponse:
    """An image or video of a story, shown in the page, under the story's own access rule."""
    story = get_object_or_404(services.readable_stories(user_of(request)), pk=pk)
    found = get_object_or_404(StoryAttachment, story=story, pk=file_pk)
    response = FileResponse(found.file.open("rb"), content_type=found.content_type)
    response["Content-Disposition"] = "inline"
    response["Cache-Control"] = "private, max-age=3600"
    return response


# ---- writing -----------------------------------------------------------------------------------


def _initial(request: HttpRequest) -> dict[str, Any]:
    """A new story's starting values: the writer's unit, or the positive event named by ``?event=``."""
    user = user_of(request)
    home = Unit.objects.filter(pk=user.home_unit_id).values_list("code", flat=True).first()
    initial: dict[str, Any] = {"unit": home or "", "kind": Story.Kind.GOOD_EXAMPLE}
    event_id = request.GET.get("event", "")
    if event_id.isdigit():
        event = Event.objects.filter(pk=int(event_id)).select_related("unit").first()
        if event is None:
            raise Http404
        try:
            draft = services.story_draft_from_event(event, by=user)
        except ValidationError as exc:
            raise Http404 from exc
        initial.update(
            title=draft["title"],
            text=draft["text"],
            unit=draft["unit"].code,
            kind=draft["kind"],
            source_event=event.pk,
        )
    return initial


def _write_page(request: HttpRequest, form: StoryForm, status: int = 200) -> HttpResponse:
    return render(request, "values/story_form.html", page(request, "mine", {"form": form}), status=status)


@login_required
@require_http_methods(["GET", "POST"])
def story_new(request: HttpRequest) -> HttpResponse:
    """Write a story: the text is checked for identity numbers as it is typed and masked when saved."""
    if request.method == "GET":
        return _write_page(request, StoryForm(initial=_initial(request)))
    form = StoryForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        event = None
        if data["source_event"] is not None:
            event = Event.objects.filter(pk=data["source_event"]).first()
        try:
            story = services.write_story(
                by=user_of(request),
                unit=data["unit"],
                title=data["title"],
                text=data["text"],
                kind=data["kind"],
                value_words=list(data["value_words"]),
                consent=data["consent"],
                attachments=[(upload, data["attachments_alt"]) for upload in data["attachments"]],
                source_event=event,
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        except services.TooLarge as exc:
            form.add_error("attachments", str(exc))
            return _write_page(request, form, status=413)
        except services.UnsupportedMedia as exc:
            form.add_error("attachments", str(exc))
            return _write_page(request, form, status=415)
        else:
            messages.success(
                request, _("Thank you! Your story was sent in; an editor reads it before it is published.")
            )
            return redirect("values:story", story.pk)
    return _write_page(request, form, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def story_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The writer changes a returned story and sends it in again."""
    story = _readable(request, pk)
    if story.author_id != user_of(request).pk:
        raise PermissionDenied("story.resubmit")
    if story.status != Story.Status.RETURNED:
        messages.error(request, _("Only a returned story can be changed and sent in again."))
        return redirect("values:story", story.pk)
    if request.method == "GET":
        initial = {
            "version": story.version,
            "title": story.title,
            "text": story.text,
            "kind": story.kind,
            "value_words": list(story.value_words.all()),
        }
        form = ResubmitForm(initial=initial)
    else:
        form = ResubmitForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.resubmit_story(
                    story,
                    by=user_of(request),
                    version=data["version"],
                    title=data["title"],
                    text=data["text"],
                    kind=data["kind"],
                    value_words=list(data["value_words"]),
                )
            except (ValidationError, StaleWrite) as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("Your story was sent in again."))
                return redirect("values:story", story.pk)
    context = {"form": form, "story": story}
    return render(request, "values/story_edit.html", page(request, "mine", context), status=status_of(form))


# ---- moderation --------------------------------------------------------------------------------


def _moderation_page(
    request: HttpRequest, bound: tuple[int, ModerateForm] | None = None, status: int = 200
) -> HttpResponse:
    user = user_of(request)
    if not access.can_anywhere(user, "story.moderate"):
        raise PermissionDenied("story.moderate")
    qs = (
        Story.objects.visible_to(user, "story.moderate")
        .filter(status=Story.Status.SUBMITTED)
        .select_related("unit", "author")
        .prefetch_related("value_words", "attachments")
        .order_by("created_at", "pk")
    )
    waiting = Paginator(qs, MODERATION_PAGE).get_page(request.GET.get("page"))
    rows = []
    for story in waiting:
        if bound is not None and bound[0] == story.pk:
            form = bound[1]
        else:
            form = ModerateForm(initial={"version": story.version}, auto_id=f"moderate{story.pk}_%s")
        rows.append((story, form))
    context = {"page": waiting, "rows": rows, "query": ""}
    return render(request, "values/moderation.html", page(request, "moderation", context), status=status)


@login_required
@require_GET
def moderation(request: HttpRequest) -> HttpResponse:
    """Stories awaiting moderation in the units where the user is an editor or quality coordinator."""
    return _moderation_page(request)


@login_required
@require_POST
def moderate(request: HttpRequest, pk: int, decision: str) -> HttpResponse:
    """Publish a story or return it with a comment; a refusal shows on the page it came from."""
    user = user_of(request)
    story = get_object_or_404(Story.objects.visible_to(user, "story.moderate").select_related("unit"), pk=pk)
    form = ModerateForm(request.POST, auto_id=f"moderate{story.pk}_%s")
    if form.is_valid():
        data = form.cleaned_data
        try:
            if decision == "publish":
                services.publish_story(story, by=user, version=data["version"])
                text = _("The story %(title)s was published.")
            else:
                services.return_story(story, by=user, version=data["version"], comment=data["comment"])
                text = _("The story %(title)s was returned to the writer.")
        except (ValidationError, StaleWrite) as exc:
            apply_errors(form, exc)
        except IllegalTransition as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, text % {"title": story.title})
            return redirect(safe_next(request, reverse("values:moderation")))
    if request.POST.get("from") == "story":
        return _story_page(request, _readable(request, pk), form, status=400)
    return _moderation_page(request, (story.pk, form), status=400)


@login_required
@require_GET
def my_stories(request: HttpRequest) -> HttpResponse:
    """The writer's own stories with their status and the moderator's comment."""
    qs = (
        Story.objects.filter(author=user_of(request))
        .select_related("unit", "moderator")
        .prefetch_related("value_words")
        .order_by("-created_at", "-pk")
    )
    mine = Paginator(qs, MINE_PAGE).get_page(request.GET.get("page"))
    return render(request, "values/my_stories.html", page(request, "mine", {"page": mine, "query": ""}))


# ---- Min sida ----------------------------------------------------------------------------------


def _stories_section(request: HttpRequest) -> dict[str, Any]:
    """Stories the user may moderate that wait, and the user's own stories returned to them."""
    user = user_of(request)
    waiting = None
    if access.can_anywhere(user, "story.moderate"):
        waiting = (
            Story.objects.visible_to(user, "story.moderate").filter(status=Story.Status.SUBMITTED).count()
        )
    returned = list(
        Story.objects.filter(author=user, status=Story.Status.RETURNED).order_by("-updated_at")[:10]
    )
    return {"waiting": waiting, "returned": returned}


SECTIONS = [Section("values/sections/stories.html", _stories_section)]
