"""Benchmark stories and value dialogues on a generated organisation (``rodtrad generate --stories N``).

Written in bulk like the rest of ``rodtrad generate``: a value base with five words (through the
services, once), this year's value dialogues at three workplaces in five, and ``N`` stories over
three years, most of them published, a few awaiting moderation or returned, some lifted.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from rodtrad.core.access import SYSTEM
from rodtrad.core.models import AuditAction, Unit, User
from rodtrad.core.services import audit
from rodtrad.values import services
from rodtrad.values.models import Dialogue, Story, StoryLift, ValueWord

BATCH = 5000
WORDS = (
    ("Öppet", "Vi delar med oss och säger till när något inte fungerar."),
    ("Engagerat", "Vi tar ansvar för helheten och gör det lilla extra."),
    ("Kunnigt", "Vi lär av varandra och av dem vi är till för."),
    ("Respekt", "Vi möter alla med respekt för människors lika värde."),
    ("Samarbete", "Vi hjälper varandra över gränserna."),
)
DEEDS = (
    "satt kvar hos en orolig patient efter passet",
    "ringde hälsocentralen innan patienten skrevs ut",
    "hittade ett fel i läkemedelslistan och sa till direkt",
    "lånade ut en kollega till akuten en hektisk natt",
    "lät ett rädd barn bestämma ordningen på undersökningen",
    "gjorde om schemat tillsammans med hela gruppen",
)
#: Shares of the stories: published, awaiting moderation, returned.
PUBLISHED, SUBMITTED = 0.9, 0.07
DIALOGUE_SHARE = 0.6
LIFTED_SHARE = 0.1


@dataclass(frozen=True)
class Made:
    stories: int
    dialogues: int
    lifts: int


def rows_to_write(stories: int) -> int:
    """Stories and their word links (the dialogues and lifts are few beside them)."""
    return 2 * max(0, stories)


def _bulk(model: type[Any], rows: list[Any], progress: Any = None) -> None:
    for start in range(0, len(rows), BATCH):
        batch = rows[start : start + BATCH]
        model.objects.bulk_create(batch)
        if progress is not None:
            progress.update(len(batch))


def _words() -> list[ValueWord]:
    """The primary value base's words; a generated value base when there is none."""
    base = services.primary_value_base()
    if base is None:
        base = services.save_value_base(
            by=SYSTEM, name="Vår värdegrund", motto="Varje dag lite bättre – kraften hos många!", primary=True
        )
    if not base.words.exists():
        for word, behaviour in WORDS:
            services.save_value_word(
                by=SYSTEM, value_base=base, word=word, description=behaviour, behaviours=[behaviour]
            )
    return list(ValueWord.objects.filter(value_base=base).order_by("position", "pk"))


def _dialogues(rng: random.Random, workplaces: list[int], words: list[ValueWord], today: dt.date) -> int:
    """This year's dialogues at a share of the workplaces that have none yet."""
    start = dt.date(today.year, 1, 1)
    held = set(Dialogue.objects.filter(held_on__gte=start).values_list("unit_id", flat=True))
    days = (today - start).days
    made = [
        Dialogue(
            unit_id=pk,
            held_on=start + dt.timedelta(days=rng.randint(0, days)),
            participants=rng.randint(4, 30),
            conclusions="Vi kom fram till vad värdeorden betyder i vårt dagliga arbete.",
        )
        for pk in workplaces
        if pk not in held and rng.random() < DIALOGUE_SHARE
    ]
    _bulk(Dialogue, made)
    through = Dialogue.value_words.through
    links = [
        through(dialogue_id=d.pk, valueword_id=w.pk)
        for d in made
        for w in rng.sample(words, min(2, len(words)))
    ]
    through.objects.bulk_create(links, batch_size=BATCH)
    return len(made)


def _stories(
    n: int,
    rng: random.Random,
    workplaces: list[int],
    people: list[int],
    words: list[ValueWord],
    progress: Any,
) -> tuple[list[Story], int]:
    """``n`` stories over three years at random workplaces, by random people."""
    now = timezone.localtime().replace(hour=12, minute=0, second=0, microsecond=0)
    stories = []
    for i in range(n):
        draw = rng.random()
        status = (
            Story.Status.PUBLISHED
            if draw < PUBLISHED
            else Story.Status.SUBMITTED
            if draw < PUBLISHED + SUBMITTED
            else Story.Status.RETURNED
        )
        written = now - dt.timedelta(minutes=rng.randint(0, 3 * 365 * 24 * 60))
        deed = rng.choice(DEEDS)
        stories.append(
            Story(
                unit_id=rng.choice(workplaces),
                author_id=rng.choice(people) if people else None,
                title=f"Min kollega {deed} ({i + 1})",
                text=f"Jag vill lyfta min kollega som {deed}. Det gjorde skillnad för patienten och för oss.",
                kind=Story.Kind.LEARNING if rng.random() < 0.15 else Story.Kind.GOOD_EXAMPLE,
                consent=True,
                status=status,
                published_at=written if status == Story.Status.PUBLISHED else None,
                moderator_comment="Skriv gärna lite mer." if status == Story.Status.RETURNED else "",
            )
        )
    _bulk(Story, stories, progress)
    through = Story.value_words.through
    links = [
        through(story_id=s.pk, valueword_id=w.pk)
        for s in stories
        for w in rng.sample(words, rng.randint(1, min(2, len(words))))
    ]
    for start in range(0, len(links), BATCH):
        through.objects.bulk_create(links[start : start + BATCH])
        if progress is not None:
            progress.update(min(BATCH, len(links) - start))
    lifts = []
    for story in stories:
        if story.status == Story.Status.PUBLISHED and people and rng.random() < LIFTED_SHARE:
            for person in set(rng.sample(people, min(len(people), rng.randint(1, 5)))):
                lifts.append(StoryLift(story_id=story.pk, user_id=person))
                story.lifts += 1
    _bulk(StoryLift, lifts)
    Story.objects.bulk_update([s for s in stories if s.lifts], ["lifts"], batch_size=BATCH)
    return stories, len(lifts)


@transaction.atomic
def generate_values(*, stories: int, seed: int = 1, progress: Any = None) -> Made:
    """Add a value base (if none), this year's dialogues and ``stories`` stories; returns the counts."""
    # One stream each, so stories come out the same whether or not the dialogues were written before.
    dialogue_rng = random.Random(seed + 23)  # noqa: S311 - benchmark data, not secrets
    story_rng = random.Random(seed + 29)  # noqa: S311
    region = Unit.objects.filter(depth=1).order_by("path").first()
    workplaces = list(
        Unit.objects.filter(kind=Unit.Kind.ENHET, is_active=True)
        .order_by("path")
        .values_list("pk", flat=True)
    )
    if region is None or not workplaces or stories < 0:
        return Made(0, 0, 0)
    words = _words()
    people = list(User.objects.filter(is_active=True).order_by("pk").values_list("pk", flat=True)[:5000])
    dialogues = _dialogues(dialogue_rng, workplaces, words, timezone.localdate())
    made, lifts = _stories(stories, story_rng, workplaces, people, words, progress)
    audit.record(
        actor=SYSTEM,
        action=AuditAction.GENERATE,
        obj=region,
        unit=region,
        changes={"stories": [None, len(made)], "dialogues": [None, dialogues], "lifts": [None, lifts]},
        label="Generated stories and value dialogues",
    )
    return Made(len(made), dialogues, lifts)
