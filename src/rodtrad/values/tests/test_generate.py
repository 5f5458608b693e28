"""rodtrad generate --stories: stories in every state, this year's dialogues, the same for the same seed."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from rodtrad.core.access import SYSTEM
from rodtrad.values import services
from rodtrad.values.models import Story, StoryLift

pytestmark = pytest.mark.django_db


def _generate(stories: int = 400) -> str:
    call_command("generate", units=60, users=80, audit=10, quiet=True, stdout=io.StringIO())
    out = io.StringIO()
    call_command("generate", stories=stories, quiet=True, stdout=out)
    return out.getvalue()


def test_stories_and_dialogues_are_generated_into_the_generated_tree():
    assert "400 stories" in _generate()
    assert Story.objects.count() == 400
    statuses = set(Story.objects.values_list("status", flat=True))
    assert statuses == set(Story.Status.values)
    assert not Story.objects.filter(value_words__isnull=True).exists()
    assert not Story.objects.filter(status=Story.Status.PUBLISHED, published_at__isnull=True).exists()
    lifted = Story.objects.filter(lifts__gt=0)
    assert lifted.exists()
    assert sum(s.lifts for s in lifted) == StoryLift.objects.count()
    coverage = services.coverage(timezone.localdate().year, by=SYSTEM)
    assert 40 <= coverage.percent <= 80


def test_the_same_seed_gives_the_same_stories():
    _generate(50)
    first = list(Story.objects.order_by("pk").values_list("title", "status", "unit__code"))
    Story.objects.all().delete()
    call_command("generate", stories=50, quiet=True, stdout=io.StringIO())
    assert list(Story.objects.order_by("pk").values_list("title", "status", "unit__code")) == first
