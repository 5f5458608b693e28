"""Builders for values tests; they go through the services as real use does."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from rodtrad.core.access import SYSTEM, Actor
from rodtrad.core.models import Unit
from rodtrad.values import services
from rodtrad.values.models import Dialogue, Story, ValueBase, ValueWord

#: The first bytes of each accepted format, padded to a small file.
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64
MP4 = b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 64
WEBM = b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\x82\x84webm" + b"\x00" * 64


def upload(
    name: str = "bild.png", content: bytes = PNG, content_type: str = "image/png"
) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def make_base(name: str = "Vår värdegrund", **extra: Any) -> ValueBase:
    values: dict[str, Any] = {
        "motto": "Varje dag lite bättre – kraften hos många!",
        "primary": True,
        "perspectives": [("Patientens perspektiv", "Patienten alltid först.")],
    }
    values.update(extra)
    return services.save_value_base(by=SYSTEM, name=name, **values)


def make_word(base: ValueBase, word: str, behaviours: list[str] | None = None) -> ValueWord:
    return services.save_value_word(
        by=SYSTEM,
        value_base=base,
        word=word,
        description=f"Vi är {word.lower()}.",
        behaviours=behaviours or [],
    )


def make_story(by: Actor, unit: Unit, words: list[ValueWord], **extra: Any) -> Story:
    values: dict[str, Any] = {
        "title": "Hon stannade kvar",
        "text": "Min kollega stannade kvar efter passet för att lugna en orolig anhörig.",
        "consent": True,
    }
    values.update(extra)
    return services.write_story(by=by, unit=unit, value_words=words, **values)


def publish(story: Story, by: Actor = SYSTEM) -> Story:
    story.refresh_from_db()
    return services.publish_story(story, by=by, version=story.version)


def make_dialogue(by: Actor, unit: Unit, words: list[ValueWord], **extra: Any) -> Dialogue:
    values: dict[str, Any] = {
        "held_on": dt.date(2026, 3, 10),
        "facilitator": None,
        "participants": 12,
        "conclusions": "Öppet betyder för oss att vi säger till när något inte fungerar.",
    }
    values.update(extra)
    return services.record_dialogue(by=by, unit=unit, value_words=words, **values)
