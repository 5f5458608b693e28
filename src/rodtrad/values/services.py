"""Business rules for value bases, value dialogues and stories: the only code that writes them.

Each service runs in one transaction, checks the caller's rights through
:mod:`rodtrad.core.access`, writes its audit entries last and notifies people after commit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from rodtrad.core import access, pnr
from rodtrad.core.access import Actor
from rodtrad.core.errors import IllegalTransition
from rodtrad.core.models import AuditAction, Membership, Organisation, Role, Unit, User
from rodtrad.core.services import audit
from rodtrad.core.services.common import clean_text, field_error, lock
from rodtrad.core.services.notifications import notify_many
from rodtrad.goals.models import Goal
from rodtrad.improvement.models import Event
from rodtrad.values.models import (
    Behaviour,
    Dialogue,
    Perspective,
    Story,
    StoryAttachment,
    StoryLift,
    ValueBase,
    ValueWord,
)

BASE_FIELDS = ("name", "motto", "description", "primary", "position", "contact")
WORD_FIELDS = ("word", "slug", "description", "position")
STORY_FIELDS = ("unit", "title", "text", "kind", "status", "moderator", "moderator_comment", "source_event")
#: At most this many files go with one story (the request body limit allows for them).
MAX_ATTACHMENTS = 4
MAX_COMMITMENTS = 50
MAX_WORDS = 50

#: The formats a story may carry, recognised by their first bytes whatever the file is called.
#: Done by hand for these few formats rather than with a sniffing library.
_ISO_BMFF_VIDEO_BRANDS = {
    b"isom",
    b"iso2",
    b"iso4",
    b"iso5",
    b"iso6",
    b"mp41",
    b"mp42",
    b"avc1",
    b"M4V ",
    b"dash",
    b"mmp4",
    b"MSNV",
}


class TooLarge(Exception):
    """An attachment is over ``RODTRAD_STORY_ATTACHMENT_MB`` (HTTP 413)."""


class UnsupportedMedia(Exception):
    """An attachment is neither an image (JPEG, PNG, GIF, WebP) nor a video (MP4, WebM) (HTTP 415)."""


def sniff(head: bytes) -> str | None:
    """The media type the file's first bytes show, or None for anything but the accepted formats."""
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head[4:8] == b"ftyp" and head[8:12] in _ISO_BMFF_VIDEO_BRANDS:
        return "video/mp4"
    if head.startswith(b"\x1a\x45\xdf\xa3") and b"webm" in head[:64]:
        return "video/webm"
    return None


def attachment_limit() -> int:
    """The largest attachment in bytes."""
    return int(settings.RODTRAD_STORY_ATTACHMENT_MB) * 1024 * 1024


def _organisation() -> Organisation:
    organisation = Organisation.objects.order_by("pk").first()
    if organisation is None:
        organisation = Organisation.objects.create(name=_("Organisation"))
    return organisation


def _text(name: str, value: str | None, max_length: int, *, required: str | None = None) -> str:
    """Trimmed text within its column; ``required`` is the message when it is empty."""
    try:
        cleaned = clean_text(value)
    except ValueError:
        raise field_error(name, _("The text contains characters that cannot be stored.")) from None
    if required and not cleaned:
        raise field_error(name, required)
    if max_length and len(cleaned) > max_length:
        raise field_error(name, _("At most %(max)s characters.") % {"max": max_length})
    return cleaned


# ---- value bases and value words ------------------------------------------------------------


def primary_value_base() -> ValueBase | None:
    """The organisation's primary value base, the one the compass and the public page show first."""
    return ValueBase.objects.filter(
        organisation__in=Organisation.objects.order_by("pk")[:1], primary=True
    ).first()


@transaction.atomic
def save_value_base(
    *,
    by: Actor,
    value_base: ValueBase | None = None,
    version: int | None = None,
    name: str,
    motto: str = "",
    description: str = "",
    primary: bool = False,
    perspectives: Sequence[tuple[str, str]] = (),
    contact: User | None = None,
) -> ValueBase:
    """Create or change a value base with its perspectives (replaced as given, in their order).

    Making one the primary makes the organisation's former primary an ordinary one.
    """
    if value_base is None:
        base = ValueBase(organisation=_organisation())
        last = ValueBase.objects.filter(organisation=base.organisation).order_by("-position").first()
        base.position = last.position + 1 if last else 0
        before: dict[str, Any] = {}
        old_perspectives: list[list[str]] = []
    else:
        base = lock(ValueBase, value_base.pk, version)
        before = audit.snapshot(base, BASE_FIELDS)
        old_perspectives = [[p.name, p.text] for p in base.perspectives.all()]
    access.require(by, "valuebase.edit", base)
    base.name = _text("name", name, 200, required=_("The value base needs a name."))
    base.motto = _text("motto", motto, 300)
    base.description = _text("description", description, 20000)
    base.contact = contact
    cleaned = [
        [
            _text("perspectives", p_name, 120, required=_("Each perspective needs a name.")),
            _text("perspectives", p_text, 5000),
        ]
        for p_name, p_text in perspectives
    ]
    if len(cleaned) > MAX_WORDS:
        raise field_error("perspectives", _("At most %(max)s perspectives.") % {"max": MAX_WORDS})
    clash = ValueBase.objects.filter(organisation=base.organisation, name__iexact=base.name).exclude(
        pk=base.pk
    )
    if clash.exists():
        raise field_error("name", _("There is already a value base with this name."))
    if primary and not base.primary:
        ValueBase.objects.filter(organisation=base.organisation, primary=True).exclude(pk=base.pk).update(
            primary=False, version=F("version") + 1
        )
    base.primary = primary
    if base.pk:
        base.version += 1
    base.save()
    if cleaned != old_perspectives:
        base.perspectives.all().delete()
        Perspective.objects.bulk_create(
            Perspective(value_base=base, name=p_name, text=p_text, position=i)
            for i, (p_name, p_text) in enumerate(cleaned)
        )
    changes = audit.diff(before, audit.snapshot(base, BASE_FIELDS))
    if cleaned != old_perspectives:
        changes["perspectives"] = [old_perspectives, cleaned]
    audit.record(
        actor=by, action=AuditAction.UPDATE if before else AuditAction.CREATE, obj=base, changes=changes
    )
    return base


@transaction.atomic
def save_value_word(
    *,
    by: Actor,
    value_base: ValueBase,
    value_word: ValueWord | None = None,
    version: int | None = None,
    word: str,
    description: str = "",
    behaviours: Sequence[str] = (),
    position: int | None = None,
) -> ValueWord:
    """Create or change a value word with its behaviours (replaced as given, in their order)."""
    if value_word is None:
        item = ValueWord(value_base=value_base)
        before: dict[str, Any] = {}
        old_behaviours: list[str] = []
    else:
        item = lock(ValueWord, value_word.pk, version)
        if item.value_base_id != value_base.pk:
            raise field_error("value_base", _("The value word belongs to another value base."))
        before = audit.snapshot(item, WORD_FIELDS)
        old_behaviours = [b.text for b in item.behaviours.all()]
    access.require(by, "valuebase.edit", value_base)
    item.word = _text("word", word, 80, required=_("Give the value word."))
    item.slug = slugify(item.word)[:80] or "ord"
    item.description = _text("description", description, 20000)
    texts = [t for t in (_text("behaviours", b, 5000) for b in behaviours) if t]
    if len(texts) > MAX_WORDS:
        raise field_error("behaviours", _("At most %(max)s behaviours.") % {"max": MAX_WORDS})
    siblings = ValueWord.objects.filter(value_base=value_base).exclude(pk=item.pk)
    if siblings.filter(slug=item.slug).exists():
        raise field_error("word", _("The value base already has this value word."))
    if position is not None:
        item.position = position
    elif item.pk is None:
        last = siblings.order_by("-position").first()
        item.position = last.position + 1 if last else 0
    if item.pk:
        item.version += 1
    item.save()
    if texts != old_behaviours:
        item.behaviours.all().delete()
        Behaviour.objects.bulk_create(
            Behaviour(value_word=item, text=t, position=i) for i, t in enumerate(texts)
        )
    ValueBase.objects.filter(pk=value_base.pk).update(updated_at=timezone.now())
    changes = audit.diff(before, audit.snapshot(item, WORD_FIELDS))
    if texts != old_behaviours:
        changes["behaviours"] = [old_behaviours, texts]
    audit.record(
        actor=by, action=AuditAction.UPDATE if before else AuditAction.CREATE, obj=item, changes=changes
    )
    return item


@transaction.atomic
def cite_value_words(goal: Goal, *, by: Actor, words: Sequence[ValueWord]) -> Goal:
    """Set the value words a goal carries out (the red thread from values to the goal)."""
    access.require(by, "goal.edit", goal)
    before = sorted(goal.value_words.values_list("pk", flat=True))  # type: ignore[attr-defined]
    after = sorted({w.pk for w in words})
    if before != after:
        goal.value_words.set(words)  # type: ignore[attr-defined]
        audit.record(
            actor=by,
            action=AuditAction.UPDATE,
            obj=goal,
            unit=goal.unit,
            changes={"value_words": [before, after]},
        )
    return goal


# ---- value dialogues --------------------------------------------------------------------------


@transaction.atomic
def record_dialogue(
    *,
    by: Actor,
    unit: Unit,
    held_on: dt.date,
    facilitator: User | None,
    participants: int,
    value_words: Sequence[ValueWord],
    conclusions: str,
    commitments: Sequence[tuple[str, User | None, dt.date]] = (),
) -> Dialogue:
    """Record a workplace's value dialogue; each commitment becomes an improvement action."""
    from rodtrad.improvement.services import create_action

    access.require(by, "dialogue.edit", unit)
    if held_on > timezone.localdate():
        raise field_error("held_on", _("Record the dialogue once it has been held."))
    if not 1 <= participants <= 100000:
        raise field_error("participants", _("Give the number of participants (at least one)."))
    if not value_words:
        raise field_error("value_words", _("Choose the value words you discussed."))
    text = _text("conclusions", conclusions, 20000, required=_("Write what the value words mean for you."))
    if len(commitments) > MAX_COMMITMENTS:
        raise field_error("commitments", _("At most %(max)s commitments.") % {"max": MAX_COMMITMENTS})
    fallback = unit.manager or (by if isinstance(by, User) else None)
    promised: list[tuple[str, User, dt.date]] = []
    for title, owner, due in commitments:
        responsible = owner or fallback
        if responsible is None:
            raise field_error("commitments", _("Each commitment needs an owner."))
        promised.append(
            (_text("commitments", title, 300, required=_("Each commitment needs a title.")), responsible, due)
        )
    dialogue = Dialogue.objects.create(
        unit=unit,
        held_on=held_on,
        facilitator=facilitator,
        participants=participants,
        conclusions=pnr.mask(text),
    )
    dialogue.value_words.set(value_words)
    actions = [
        create_action(by=by, unit=unit, title=title, owner=owner, due_date=due, source=dialogue)
        for title, owner, due in promised
    ]
    audit.record(
        actor=by,
        action=AuditAction.CREATE,
        obj=dialogue,
        unit=unit,
        changes={
            "held_on": [None, held_on.isoformat()],
            "participants": [None, participants],
            "value_words": [None, sorted(w.pk for w in value_words)],
            "actions": [None, [a.pk for a in actions]],
        },
    )
    return dialogue


@dataclass(frozen=True)
class CoverageRow:
    """One förvaltning (or one unit right under the one asked for) and its workplaces' dialogues."""

    unit: Unit
    units: int
    held: int
    percent: float
    units_without: list[Unit] = field(default_factory=list)


@dataclass(frozen=True)
class Coverage:
    year: int
    rows: list[CoverageRow]
    units: int
    held: int
    percent: float


def _percent(part: int, whole: int) -> float:
    return round(100.0 * part / whole, 1) if whole else 0.0


def coverage(year: int, *, by: Actor, under: Unit | None = None) -> Coverage:
    """Which workplaces (active units of kind enhet) held a value dialogue in ``year``.

    Without ``under``: one row per förvaltning. With it: one row per unit right below it, each listing
    its workplaces without a dialogue. Only units where ``by`` may see dialogues count. Three queries.
    """
    if under is not None:
        access.require(by, "dialogue.view", under)
    workplaces = Unit.objects.filter(is_active=True, kind=Unit.Kind.ENHET)
    tops = Unit.objects.filter(is_active=True)
    if under is not None:
        workplaces = workplaces.filter(path__startswith=under.path)
        tops = tops.filter(path__startswith=under.path, depth=under.depth + 1)
    else:
        tops = tops.filter(kind=Unit.Kind.FORVALTNING)
    condition = access.scope(by, "dialogue.view", "path")
    if condition is not None:
        workplaces = workplaces.filter(condition)
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    held_ids = set(
        Dialogue.objects.filter(held_on__range=(start, end), unit__in=workplaces.values("pk")).values_list(
            "unit_id", flat=True
        )
    )
    rows = {top.path: top for top in tops.order_by("path")}
    lengths = sorted({len(path) for path in rows})
    counts = {path: [0, 0] for path in rows}
    without: dict[str, list[Unit]] = {path: [] for path in rows}
    total = held = 0
    listing = workplaces.order_by("path")
    if under is None:
        listing = listing.only("pk", "path")
    for unit in listing:
        total += 1
        done = unit.pk in held_ids
        held += done
        for length in lengths:
            row = counts.get(unit.path[:length])
            if row is not None:
                row[0] += 1
                row[1] += done
                if under is not None and not done:
                    without[unit.path[:length]].append(unit)
                break
    result = [
        CoverageRow(
            top, counts[path][0], counts[path][1], _percent(counts[path][1], counts[path][0]), without[path]
        )
        for path, top in rows.items()
        if counts[path][0]
    ]
    return Coverage(year, result, total, held, _percent(held, total))


# ---- stories ----------------------------------------------------------------------------------


def readable_stories(user: Any) -> QuerySet[Story]:
    """The stories ``user`` may read: every published one, their own, and those they moderate."""
    if not getattr(user, "is_authenticated", False):
        return Story.objects.none()
    condition = access.scope(user, "story.moderate", "unit__path")
    if condition is None:
        return Story.objects.all()
    return Story.objects.filter(condition | Q(status=Story.Status.PUBLISHED) | Q(author=user.pk))


def _check_attachments(files: Sequence[Any]) -> list[tuple[UploadedFile, str, str]]:
    """(file, alt text, media type) for each upload, refusing size and type before anything is stored."""
    if len(files) > MAX_ATTACHMENTS:
        raise field_error("attachments", _("At most %(max)s files per story.") % {"max": MAX_ATTACHMENTS})
    checked = []
    for item in files:
        upload, alt = item if isinstance(item, tuple) else (item, "")
        if (upload.size or 0) > attachment_limit():
            raise TooLarge(
                _("%(name)s is larger than %(max)s MB.")
                % {"name": upload.name, "max": settings.RODTRAD_STORY_ATTACHMENT_MB}
            )
        upload.seek(0)
        head = upload.read(64)
        upload.seek(0)
        media_type = sniff(head)
        if media_type is None:
            raise UnsupportedMedia(
                _("%(name)s is not an image (JPEG, PNG, GIF, WebP) or a video (MP4, WebM).")
                % {"name": upload.name}
            )
        checked.append((upload, _text("alt", alt, 300), media_type))
    return checked


def _check_story(story: Story, value_words: Sequence[ValueWord], consent: bool) -> None:
    story.title = pnr.mask(_text("title", story.title, 200, required=_("The story needs a title.")))
    story.text = pnr.mask(_text("text", story.text, 20000, required=_("Write the story.")))
    if story.kind not in Story.Kind.values:
        raise field_error("kind", _("Unknown kind of story."))
    if not value_words:
        raise field_error("value_words", _("Choose at least one value word that the story shows."))
    if len(value_words) > MAX_WORDS:
        raise field_error("value_words", _("At most %(max)s value words.") % {"max": MAX_WORDS})
    if not consent:
        raise field_error(
            "consent", _("Confirm that the story may be published, also by the colleagues you name.")
        )


def _moderators(unit: Unit) -> list[User]:
    """Editors and quality coordinators whose role reaches ``unit``."""
    paths = [unit.path[:i] for i in range(Unit.steplen, len(unit.path) + 1, Unit.steplen)]
    memberships = Membership.objects.filter(
        unit__path__in=paths, role__in=[Role.EDITOR, Role.QUALITY], user__is_active=True
    ).select_related("user")
    return list({m.user_id: m.user for m in memberships}.values())


@transaction.atomic
def write_story(
    *,
    by: Actor,
    unit: Unit,
    title: str,
    text: str,
    kind: str = Story.Kind.GOOD_EXAMPLE,
    value_words: Sequence[ValueWord],
    consent: bool,
    attachments: Sequence[UploadedFile | tuple[UploadedFile, str]] = (),
    source_event: Event | None = None,
) -> Story:
    """Send in a story for moderation; personal identity numbers in it are masked.

    Attachments are images or short videos recognised by their content, each within the size limit.
    """
    access.require(by, "story.write", unit)
    story = Story(
        unit=unit,
        author=by if isinstance(by, User) else None,
        title=title,
        text=text,
        kind=kind,
        consent=consent,
        source_event=source_event,
    )
    _check_story(story, value_words, consent)
    if source_event is not None:
        _check_event(source_event, by)
    files = _check_attachments(attachments)
    story.save()
    story.value_words.set(value_words)
    for upload, alt, media_type in files:
        StoryAttachment.objects.create(
            story=story,
            file=upload,
            name=(upload.name or "")[:255],
            content_type=media_type,
            size=upload.size or 0,
            alt=alt,
        )
    changes = audit.diff({}, audit.snapshot(story, STORY_FIELDS))
    changes["value_words"] = [None, sorted(w.pk for w in value_words)]
    audit.record(actor=by, action=AuditAction.CREATE, obj=story, unit=unit, changes=changes)
    notify_many(
        _moderators(unit),
        _("A story awaits moderation: %(title)s") % {"title": story.title},
        _("Publish it or return it to the writer with a comment."),
        by=by,
    )
    return story


def _own(story: Story, by: Actor) -> None:
    if isinstance(by, access.System):
        return
    if story.author_id is None or story.author_id != by.pk:
        raise access.PermissionDenied("story.resubmit")


@transaction.atomic
def resubmit_story(
    story: Story,
    *,
    by: Actor,
    version: int | None,
    title: str | None = None,
    text: str | None = None,
    value_words: Sequence[ValueWord] | None = None,
    kind: str | None = None,
) -> Story:
    """The writer sends a returned story in again, changed as the moderator asked."""
    story = lock(Story, story.pk, version)
    _own(story, by)
    if story.status != Story.Status.RETURNED:
        raise IllegalTransition(_("Only a returned story can be sent in again."))
    before = audit.snapshot(story, STORY_FIELDS)
    old_words = sorted(story.value_words.values_list("pk", flat=True))
    if title is not None:
        story.title = title
    if text is not None:
        story.text = text
    if kind is not None:
        story.kind = kind
    words = list(value_words) if value_words is not None else list(story.value_words.all())
    _check_story(story, words, story.consent)
    story.status = Story.Status.SUBMITTED
    story.version += 1
    story.save()
    changes = audit.diff(before, audit.snapshot(story, STORY_FIELDS))
    if value_words is not None:
        story.value_words.set(words)
        new_words = sorted(w.pk for w in words)
        if new_words != old_words:
            changes["value_words"] = [old_words, new_words]
    audit.record(actor=by, action=AuditAction.UPDATE, obj=story, unit=story.unit, changes=changes)
    notify_many(
        _moderators(story.unit),
        _("A story awaits moderation: %(title)s") % {"title": story.title},
        by=by,
    )
    return story


@transaction.atomic
def publish_story(story: Story, *, by: Actor, version: int | None) -> Story:
    """An editor or quality coordinator of the story's unit publishes it to the whole organisation."""
    story = lock(Story, story.pk, version)
    access.require(by, "story.moderate", story)
    if story.status != Story.Status.SUBMITTED:
        raise IllegalTransition(_("Only a story awaiting moderation can be published."))
    before = audit.snapshot(story, STORY_FIELDS)
    story.status = Story.Status.PUBLISHED
    story.published_at = timezone.now()
    story.moderator = by if isinstance(by, User) else None
    story.moderator_comment = ""
    story.version += 1
    story.save()
    changes = audit.diff(before, audit.snapshot(story, STORY_FIELDS))
    audit.record(actor=by, action=AuditAction.UPDATE, obj=story, unit=story.unit, changes=changes)
    notify_many([story.author], _("Your story was published: %(title)s") % {"title": story.title}, by=by)
    return story


@transaction.atomic
def return_story(story: Story, *, by: Actor, version: int | None, comment: str) -> Story:
    """Return a story to its writer with a comment; a published story is withdrawn from the feed."""
    story = lock(Story, story.pk, version)
    access.require(by, "story.moderate", story)
    comment = _text("comment", comment, 5000, required=_("Tell the writer why the story is returned."))
    if story.status == Story.Status.RETURNED:
        raise IllegalTransition(_("The story has already been returned."))
    before = audit.snapshot(story, STORY_FIELDS)
    story.status = Story.Status.RETURNED
    story.published_at = None
    story.moderator = by if isinstance(by, User) else None
    story.moderator_comment = comment
    story.version += 1
    story.save()
    changes = audit.diff(before, audit.snapshot(story, STORY_FIELDS))
    audit.record(actor=by, action=AuditAction.UPDATE, obj=story, unit=story.unit, changes=changes)
    notify_many(
        [story.author], _("Your story was returned: %(title)s") % {"title": story.title}, comment, by=by
    )
    return story


@transaction.atomic
def lift_story(story: Story, *, by: Actor) -> Story:
    """A colleague's "Lyft": counted once per person, however often they press it."""
    if not isinstance(by, User) or not by.is_authenticated:
        raise access.PermissionDenied("story.lift")
    story = lock(Story, story.pk, None)
    if story.status != Story.Status.PUBLISHED:
        raise IllegalTransition(_("Only a published story can be lifted."))
    if StoryLift.objects.filter(story=story, user=by).exists():
        return story
    StoryLift.objects.create(story=story, user=by)
    Story.objects.filter(pk=story.pk).update(lifts=F("lifts") + 1)
    story.lifts += 1
    audit.record(
        actor=by,
        action=AuditAction.UPDATE,
        obj=story,
        unit=story.unit,
        changes={"lifts": [story.lifts - 1, story.lifts]},
    )
    return story


def _check_event(event: Event, by: Actor) -> None:
    if not event.positive:
        raise field_error("source_event", _("Only a positive event can become a story."))
    if not Event.objects.visible_to(by).filter(pk=event.pk).exists():
        raise field_error("source_event", _("You cannot see this event."))


def story_draft_from_event(event: Event, *, by: Actor) -> dict[str, Any]:
    """Initial values for a story form from a positive event the user may see."""
    _check_event(event, by)
    first_line = event.description.strip().splitlines()[0] if event.description.strip() else ""
    title = first_line if len(first_line) <= 120 else first_line[:119].rstrip() + "…"
    return {
        "title": pnr.mask(title),
        "text": pnr.mask(event.description),
        "unit": event.unit,
        "kind": Story.Kind.GOOD_EXAMPLE,
        "source_event": event,
    }
