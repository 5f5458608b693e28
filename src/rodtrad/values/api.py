"""REST API for value bases, value words, value dialogues, stories and the public vision page."""

import datetime as dt
import json
from typing import Annotated, Any

import pydantic
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import SuspiciousOperation, ValidationError
from django.db.models import F, Prefetch
from django.http import HttpRequest
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.errors import ValidationError as InvalidRequest
from ninja.pagination import paginate
from pydantic import StrictBool

from rodtrad.core.models import Organisation, Unit, User
from rodtrad.core.schemas import (
    BodyIn,
    ErrorOut,
    Id,
    Pagination,
    UnitRef,
    Version,
    caller,
    errors,
    inline_choices,
    resolve_id,
    resolve_ids,
)
from rodtrad.core.schemas import text as bounded
from rodtrad.core.services import feedback
from rodtrad.core.services.common import field_error
from rodtrad.improvement.models import Action, Event
from rodtrad.values import services
from rodtrad.values.models import Dialogue, Story, ValueBase, ValueWord

router = Router(tags=["values"])
Year = Annotated[int, Field(ge=2000, le=2100)]
StoryKind = Annotated[Story.Kind, inline_choices(Story.Kind, "StoryKind")]
StoryStatus = Annotated[Story.Status, inline_choices(Story.Status, "StoryStatus")]
MEDIA_ERRORS: dict[int, Any] = {413: ErrorOut, 415: ErrorOut}


# ---- value bases and words ---------------------------------------------------------------------


class PersonOut(Schema):
    id: int
    name: str
    title: str

    @staticmethod
    def resolve_name(obj: User) -> str:
        return str(obj)


class PerspectiveOut(Schema):
    name: str
    text: str


class PerspectiveIn(BodyIn):
    name: bounded(120, 1)  # type: ignore[valid-type]
    text: bounded(5000) = ""  # type: ignore[valid-type]


class WordOut(Schema):
    id: int
    value_base: int = Field(alias="value_base_id")
    word: str
    slug: str
    description: str
    position: int
    behaviours: list[str]
    goals: list[int] = Field(description="The goals that cite the word.")
    version: int

    @staticmethod
    def resolve_behaviours(obj: ValueWord) -> list[str]:
        return [b.text for b in obj.behaviours.all()]

    @staticmethod
    def resolve_goals(obj: ValueWord) -> list[int]:
        return sorted(g.pk for g in obj.goals.all())


class ValueBaseOut(Schema):
    id: int
    name: str
    motto: str
    description: str
    primary: bool
    position: int
    contact: PersonOut | None
    perspectives: list[PerspectiveOut]
    words: list[WordOut]
    updated_at: dt.datetime = Field(description="Senast uppdaterad.")
    version: int

    @staticmethod
    def resolve_perspectives(obj: ValueBase) -> list[Any]:
        return list(obj.perspectives.all())

    @staticmethod
    def resolve_words(obj: ValueBase) -> list[Any]:
        return list(obj.words.all())


class ValueBaseIn(BodyIn):
    name: bounded(200, 1)  # type: ignore[valid-type]
    motto: bounded(300) = ""  # type: ignore[valid-type]
    description: bounded(20000) = ""  # type: ignore[valid-type]
    primary: StrictBool = False
    perspectives: list[PerspectiveIn] = Field(default_factory=list, max_length=50)
    contact: Id | None = None


class WordIn(BodyIn):
    value_base: Id
    word: bounded(80, 1)  # type: ignore[valid-type]
    description: bounded(20000) = ""  # type: ignore[valid-type]
    behaviours: list[bounded(5000)] = Field(default_factory=list, max_length=50)  # type: ignore[valid-type]
    position: int | None = Field(None, ge=0, le=1000, description="Last when left out.")


def _bases() -> Any:
    return ValueBase.objects.select_related("contact").prefetch_related(
        "perspectives", "words__behaviours", "words__goals"
    )


@router.get("/value-bases", response={200: list[ValueBaseOut]})
@paginate(Pagination)
def list_value_bases(request: HttpRequest) -> Any:
    """The organisation's value bases, the primary first, with perspectives, words and behaviours."""
    return _bases()


@router.post("/value-bases", response={201: ValueBaseOut, **errors(400, 403)})
def create_value_base(request: HttpRequest, payload: ValueBaseIn) -> Any:
    """Add a value base (administrators and quality coordinators of the top unit); a new primary
    makes the former primary an ordinary one."""
    data = payload.dict()
    base = services.save_value_base(
        by=caller(request),
        name=data["name"],
        motto=data["motto"],
        description=data["description"],
        primary=data["primary"],
        perspectives=[(p["name"], p["text"]) for p in data["perspectives"]],
        contact=resolve_id(User, data["contact"], "contact"),
    )
    return Status(201, _bases().get(pk=base.pk))


class WordFilter(Schema):
    value_base: Id | None = None


def _words() -> Any:
    return ValueWord.objects.prefetch_related("behaviours", "goals")


@router.get("/value-words", response={200: list[WordOut]})
@paginate(Pagination)
def list_value_words(request: HttpRequest, filters: Query[WordFilter]) -> Any:
    """Value words in their order, optionally of one value base."""
    qs = _words().order_by("-value_base__primary", "value_base__position", "value_base", "position", "pk")
    if filters.value_base is not None:
        qs = qs.filter(value_base_id=filters.value_base)
    return qs


@router.post("/value-words", response={201: WordOut, **errors(400, 403)})
def create_value_word(request: HttpRequest, payload: WordIn) -> Any:
    """Add a value word with its behaviours to a value base."""
    data = payload.dict()
    word = services.save_value_word(
        by=caller(request),
        value_base=resolve_id(ValueBase, data["value_base"], "value_base"),
        word=data["word"],
        description=data["description"],
        behaviours=data["behaviours"],
        position=data["position"],
    )
    return Status(201, _words().get(pk=word.pk))


class GoalWordsIn(BodyIn):
    words: list[Id] = Field(max_length=200, description="Every value word the goal carries out.")


class GoalWordsOut(Schema):
    goal: int
    words: list[int]


@router.put("/goals/{goal_id}/value-words", response={200: GoalWordsOut, **errors(400, 403, 404)})
def cite_value_words(request: HttpRequest, goal_id: Id, payload: GoalWordsIn) -> Any:
    """The value words a goal carries out: the red thread from the value base to the goal."""
    from rodtrad.goals.models import Goal

    user = caller(request)
    goal = get_object_or_404(Goal.objects.visible_to(user), pk=goal_id)
    words = list(ValueWord.objects.filter(pk__in=payload.words))
    missing = sorted(set(payload.words) - {w.pk for w in words})
    if missing:
        raise field_error("words", _("No value word with id %(id)s.") % {"id": missing[0]})
    services.cite_value_words(goal, by=user, words=words)
    return {"goal": goal.pk, "words": sorted(w.pk for w in words)}


# ---- dialogues -----------------------------------------------------------------------------------


class DialogueOut(Schema):
    id: int
    unit: UnitRef
    held_on: dt.date
    facilitator: int | None = Field(None, alias="facilitator_id")
    participants: int
    value_words: list[int]
    conclusions: str
    version: int

    @staticmethod
    def resolve_value_words(obj: Dialogue) -> list[int]:
        return sorted(w.pk for w in obj.value_words.all())


class DialogueDetailOut(DialogueOut):
    actions: list[int] = Field(alias="action_ids", description="The improvement actions it committed to.")


class CommitmentIn(BodyIn):
    title: bounded(300, 1)  # type: ignore[valid-type]
    owner: Id | None = Field(None, description="Defaults to the unit's manager.")
    due_date: dt.date


class DialogueIn(BodyIn):
    unit: Id
    held_on: dt.date
    facilitator: Id | None = None
    participants: int = Field(ge=1, le=100000)
    value_words: list[Id] = Field(max_length=50)
    conclusions: bounded(20000)  # type: ignore[valid-type]
    commitments: list[CommitmentIn] = Field(default_factory=list, max_length=50)


class DialogueFilter(Schema):
    unit: Id | None = Field(None, description="Dialogues of this unit and every unit below it.")
    year: Year | None = None
    word: Id | None = Field(None, description="Dialogues that discussed this value word.")


def _dialogues(request: HttpRequest) -> Any:
    return Dialogue.objects.visible_to(caller(request), "dialogue.view")


def _dialogue_detail(request: HttpRequest, dialogue_id: int) -> Dialogue:
    found: Dialogue = get_object_or_404(
        _dialogues(request).select_related("unit").prefetch_related("value_words"), pk=dialogue_id
    )
    found.action_ids = list(  # type: ignore[attr-defined]
        Action.objects.filter(
            source_type=ContentType.objects.get_for_model(Dialogue), source_id=found.pk
        ).values_list("pk", flat=True)
    )
    return found


@router.get("/dialogues", response={200: list[DialogueOut], **errors(404)})
@paginate(Pagination)
def list_dialogues(request: HttpRequest, filters: Query[DialogueFilter]) -> Any:
    """Value dialogues in units where the caller holds a role, newest first; an unknown unit is a 404."""
    qs = _dialogues(request).select_related("unit").prefetch_related("value_words")
    if filters.unit is not None:
        qs = qs.filter(unit__path__startswith=get_object_or_404(Unit, pk=filters.unit).path)
    if filters.year is not None:
        qs = qs.filter(held_on__range=(dt.date(filters.year, 1, 1), dt.date(filters.year, 12, 31)))
    if filters.word is not None:
        qs = qs.filter(value_words=filters.word)
    return qs.order_by("-held_on", "-pk")


@router.post("/dialogues", response={201: DialogueDetailOut, **errors(400, 403)})
def create_dialogue(request: HttpRequest, payload: DialogueIn) -> Any:
    """Record a unit's value dialogue (its managers and quality coordinators); each commitment becomes
    an improvement action owned by the person named, or by the unit's manager."""
    data = payload.dict()
    dialogue = services.record_dialogue(
        by=caller(request),
        unit=resolve_id(Unit, data["unit"], "unit"),
        held_on=data["held_on"],
        facilitator=resolve_id(User, data["facilitator"], "facilitator"),
        participants=data["participants"],
        value_words=resolve_ids(ValueWord, data["value_words"], "value_words"),
        conclusions=data["conclusions"],
        commitments=[
            (c["title"], resolve_id(User, c["owner"], "commitments"), c["due_date"])
            for c in data["commitments"]
        ],
    )
    return Status(201, _dialogue_detail(request, dialogue.pk))


class CoverageRowOut(Schema):
    unit: UnitRef
    units: int = Field(description="Workplaces (units of kind enhet) below it.")
    held: int = Field(description="Workplaces that held a dialogue in the year.")
    percent: float
    units_without: list[UnitRef] = Field(description="Only when one unit is asked for.")


class CoverageOut(Schema):
    year: int
    rows: list[CoverageRowOut]
    units: int
    held: int
    percent: float


class CoverageFilter(Schema):
    year: Year
    unit: Id | None = Field(None, description="Rows for the units right below it; else one per förvaltning.")


@router.get("/dialogues/coverage", response={200: CoverageOut, **errors(403, 404)})
def dialogue_coverage(request: HttpRequest, filters: Query[CoverageFilter]) -> Any:
    """Which workplaces held a value dialogue in the year, per förvaltning (or below one unit)."""
    under = get_object_or_404(Unit, pk=filters.unit) if filters.unit is not None else None
    return services.coverage(filters.year, by=caller(request), under=under)


@router.get("/dialogues/{dialogue_id}", response={200: DialogueDetailOut, **errors(404)})
def get_dialogue(request: HttpRequest, dialogue_id: Id) -> Any:
    return _dialogue_detail(request, dialogue_id)


# ---- stories ----------------------------------------------------------------------------------------


class AttachmentOut(Schema):
    id: int
    name: str
    content_type: str
    size: int
    alt: str
    url: str

    @staticmethod
    def resolve_url(obj: Any) -> str:
        return str(obj.file.url)


class StoryOut(Schema):
    id: int
    unit: UnitRef
    author: int | None = Field(None, alias="author_id")
    title: str
    text: str
    kind: StoryKind
    value_words: list[int]
    status: StoryStatus
    moderator_comment: str
    published_at: dt.datetime | None
    lifts: int
    attachments: list[AttachmentOut]
    source_event: int | None = Field(None, alias="source_event_id")
    version: int

    @staticmethod
    def resolve_value_words(obj: Story) -> list[int]:
        return sorted(w.pk for w in obj.word_list)  # type: ignore[attr-defined]

    @staticmethod
    def resolve_attachments(obj: Story) -> list[Any]:
        return obj.attachment_list  # type: ignore[attr-defined,no-any-return]


class StoryIn(BodyIn):
    unit: Id
    title: bounded(200, 1)  # type: ignore[valid-type]
    text: bounded(20000, 1)  # type: ignore[valid-type]
    kind: StoryKind = Story.Kind.GOOD_EXAMPLE
    value_words: list[Id] = Field(max_length=50, description="At least one, else 400.")
    consent: StrictBool = Field(
        description="Consent to publish, also from the colleagues named; false is a 400."
    )
    source_event: Id | None = Field(None, description="The positive event the story tells of.")


class StoryForm(StoryIn):
    """The multipart form: the story's fields, its files and each file's description (in order)."""

    consent: bool = Field(description="true or false; false is a 400.")  # a form sends it as text

    alt: list[bounded(300)] = Field(default_factory=list, max_length=services.MAX_ATTACHMENTS)  # type: ignore[valid-type]


def _story_body_schema() -> dict[str, Any]:
    """Both request bodies POST /stories takes: JSON, or a multipart form with up to four files."""
    form = StoryForm.model_json_schema()
    form["properties"]["attachments"] = {
        "type": "array",
        "items": {"type": "string", "format": "binary"},
        "maxItems": services.MAX_ATTACHMENTS,
        "description": "Images (JPEG, PNG, GIF, WebP) or short videos (MP4, WebM), recognised by content.",
    }
    return {
        "required": True,
        "content": {
            "application/json": {"schema": StoryIn.model_json_schema()},
            "multipart/form-data": {"schema": form},
        },
    }


class StoryFilter(Schema):
    word: Id | None = Field(None, description="Stories that show this value word.")
    unit: Id | None = Field(None, description="Stories of this unit and every unit below it.")
    year: Year | None = Field(None, description="Published (or, if unpublished, written) in this year.")
    status: StoryStatus | None = None
    mine: bool = Field(False, description="Only the caller's own stories.")


def _stories(request: HttpRequest, *, published: bool = False) -> Any:
    """Stories the caller may read; only published ones (which every signed-in person may) go straight
    to the feed index instead of through the writer-or-moderator condition."""
    qs = Story.objects.published() if published else services.readable_stories(caller(request))
    # Prefetched into plain lists: a page of 50 then costs no queryset clones per story.
    return qs.select_related("unit").prefetch_related(
        Prefetch("value_words", ValueWord.objects.only("pk"), to_attr="word_list"),
        Prefetch("attachments", to_attr="attachment_list"),
    )


def _story(request: HttpRequest, story_id: int) -> Story:
    found: Story = get_object_or_404(_stories(request), pk=story_id)
    return found


@router.get("/stories", response={200: list[StoryOut], **errors(404)})
@paginate(Pagination)
def list_stories(request: HttpRequest, filters: Query[StoryFilter]) -> Any:
    """Stories the caller may read (every published one, their own, those they moderate), newest first."""
    qs = _stories(request, published=filters.status == Story.Status.PUBLISHED)
    if filters.word is not None:
        qs = qs.filter(value_words=filters.word)
    if filters.unit is not None:
        qs = qs.filter(unit__path__startswith=get_object_or_404(Unit, pk=filters.unit).path)
    if filters.status not in (None, Story.Status.PUBLISHED):
        qs = qs.filter(status=filters.status)
    if filters.mine:
        qs = qs.filter(author=caller(request))
    if filters.year is not None:
        local = timezone.get_current_timezone()
        start = dt.datetime(filters.year, 1, 1, tzinfo=local)
        end = dt.datetime(filters.year + 1, 1, 1, tzinfo=local)
        qs = qs.filter(published_at__gte=start, published_at__lt=end)
    if filters.status == Story.Status.PUBLISHED:
        return qs.order_by("-published_at", "-pk")  # the feed index's order
    # Unpublished stories last on every database (PostgreSQL would put the empty dates first).
    return qs.order_by(F("published_at").desc(nulls_last=True), "-pk")


def _story_data(request: HttpRequest) -> tuple[dict[str, Any], list[Any]]:
    """The story's fields and files from a JSON body or a multipart form."""
    if request.content_type == "multipart/form-data":
        try:
            form, files = request.POST, request.FILES
        except (MultiPartParserError, SuspiciousOperation):  # malformed, or too many fields or files
            raise ValidationError(_("The form could not be read.")) from None
        lists = {"value_words", "alt"}
        data: dict[str, Any] = {k: form.getlist(k) if k in lists else form.get(k) for k in form}
        data.setdefault("value_words", [])
        return data, files.getlist("attachments")
    try:
        body = json.loads(request.body or b"null")
    except (ValueError, UnicodeDecodeError):
        raise HttpError(400, "The request body is not valid JSON.") from None
    return body, []


@router.post(
    "/stories",
    response={201: StoryOut, **errors(400, 403), **MEDIA_ERRORS},
    openapi_extra={"requestBody": _story_body_schema()},
)
def create_story(request: HttpRequest) -> Any:
    """Send in a story for moderation, as JSON or as a multipart form with up to four files.

    400 without a value word or consent; 413 for a file over ``RODTRAD_STORY_ATTACHMENT_MB``;
    415 for a file that is not an image or a short video.
    """
    data, files = _story_data(request)
    schema = StoryForm if files or request.content_type == "multipart/form-data" else StoryIn
    try:
        payload = schema.model_validate(data)
    except pydantic.ValidationError as exc:
        raise InvalidRequest(
            [{**e, "loc": ["body", "payload", *e["loc"]]} for e in exc.errors(include_url=False)]
        ) from None
    values = payload.dict()
    alts = values.pop("alt", [])
    event = resolve_id(Event, values["source_event"], "source_event")
    try:
        story = services.write_story(
            by=caller(request),
            unit=resolve_id(Unit, values["unit"], "unit"),
            title=values["title"],
            text=values["text"],
            kind=values["kind"],
            value_words=resolve_ids(ValueWord, values["value_words"], "value_words"),
            consent=values["consent"],
            attachments=[(f, alts[i] if i < len(alts) else "") for i, f in enumerate(files)],
            source_event=event,
        )
    except services.TooLarge as exc:
        return Status(413, {"detail": str(exc)})
    except services.UnsupportedMedia as exc:
        return Status(415, {"detail": str(exc)})
    return Status(201, _story(request, story.pk))


@router.get("/stories/{story_id}", response={200: StoryOut, **errors(404)})
def get_story(request: HttpRequest, story_id: Id) -> Any:
    """A story; unpublished ones only for their writer and the unit's moderators (else 404)."""
    return _story(request, story_id)


class VersionIn(BodyIn):
    version: Version


class ReturnIn(BodyIn):
    version: Version
    comment: bounded(5000) = Field(description="Why it is returned; required (400 when empty).")  # type: ignore[valid-type]


class ResubmitIn(BodyIn):
    version: Version
    title: bounded(200, 1) | None = None  # type: ignore[valid-type]
    text: bounded(20000, 1) | None = None  # type: ignore[valid-type]
    kind: StoryKind | None = None
    value_words: list[Id] | None = Field(None, max_length=50)


@router.post("/stories/{story_id}/publish", response={200: StoryOut, **errors(403, 404, 409)})
def publish_story(request: HttpRequest, story_id: Id, payload: VersionIn) -> Any:
    """Publish a story awaiting moderation (editors and quality coordinators of its unit)."""
    story = services.publish_story(_story(request, story_id), by=caller(request), version=payload.version)
    return _story(request, story.pk)


@router.post("/stories/{story_id}/return", response={200: StoryOut, **errors(400, 403, 404, 409)})
def return_story(request: HttpRequest, story_id: Id, payload: ReturnIn) -> Any:
    """Return a story to its writer with a comment; a published story leaves the feed."""
    story = services.return_story(
        _story(request, story_id), by=caller(request), version=payload.version, comment=payload.comment
    )
    return _story(request, story.pk)


@router.post("/stories/{story_id}/resubmit", response={200: StoryOut, **errors(400, 403, 404, 409)})
def resubmit_story(request: HttpRequest, story_id: Id, payload: ResubmitIn) -> Any:
    """The writer sends a returned story in again, with the changes the moderator asked for."""
    data = payload.dict()
    words = data["value_words"]
    story = services.resubmit_story(
        _story(request, story_id),
        by=caller(request),
        version=data["version"],
        title=data["title"],
        text=data["text"],
        kind=data["kind"],
        value_words=resolve_ids(ValueWord, words, "value_words") if words is not None else None,
    )
    return _story(request, story.pk)


@router.post("/stories/{story_id}/lift", response={200: StoryOut, **errors(404, 409)})
def lift_story(request: HttpRequest, story_id: Id) -> Any:
    """Lift a published story; lifting it again changes nothing."""
    story = services.lift_story(_story(request, story_id), by=caller(request))
    return _story(request, story.pk)


# ---- public -------------------------------------------------------------------------------------


class PublicWordOut(Schema):
    id: int
    word: str
    slug: str
    description: str
    behaviours: list[str]

    @staticmethod
    def resolve_behaviours(obj: ValueWord) -> list[str]:
        return [b.text for b in obj.behaviours.all()]


class PublicContactOut(Schema):
    name: str
    title: str

    @staticmethod
    def resolve_name(obj: User) -> str:
        return str(obj)


class PublicValueBaseOut(Schema):
    id: int
    name: str
    motto: str
    description: str
    primary: bool
    contact: PublicContactOut | None
    perspectives: list[PerspectiveOut]
    words: list[PublicWordOut]
    updated_at: dt.datetime = Field(description="Senast uppdaterad.")
    feedback_token: str = Field(description="For POST /feedback (Hade du nytta av innehållet?).")

    @staticmethod
    def resolve_perspectives(obj: ValueBase) -> list[Any]:
        return list(obj.perspectives.all())

    @staticmethod
    def resolve_words(obj: ValueBase) -> list[Any]:
        return list(obj.words.all())

    @staticmethod
    def resolve_feedback_token(obj: ValueBase) -> str:
        return feedback.token(obj)


class PublicValuesOut(Schema):
    organisation: str
    vision: str
    motto: str
    value_bases: list[PublicValueBaseOut]


@router.get("/public/values", auth=None, response={200: PublicValuesOut}, tags=["public"])
def public_values(request: HttpRequest) -> Any:
    """Vision och värdegrund, for anyone: the vision, the motto and every value base, the primary first."""
    found = Organisation.objects.order_by("pk").first()
    bases = ValueBase.objects.select_related("contact").prefetch_related("perspectives", "words__behaviours")
    return {
        "organisation": found.name if found else "",
        "vision": found.vision if found else "",
        "motto": found.motto if found else "",
        "value_bases": list(bases),
    }
