"""The demo's value bases come from each profile's seeds; dialogues, stories and citations fill it in."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.utils import timezone

from rodtrad.core.access import SYSTEM
from rodtrad.core.demo.profiles import PROFILES
from rodtrad.core.models import AuditEntry, Organisation
from rodtrad.core.tests.test_demo import _seed_text
from rodtrad.improvement.models import Action
from rodtrad.values import services
from rodtrad.values.models import Dialogue, Story, StoryLift, ValueBase, ValueWord

pytestmark = pytest.mark.django_db


def _seeds(key: str) -> str:
    return " ".join(_seed_text(seed) for seed in PROFILES[key].seeds)


def _in(text: str, seeds: str) -> bool:
    return text.lower().rstrip(".!") in seeds


@pytest.mark.parametrize("key", sorted(PROFILES))
def test_each_profile_shows_its_seeds_vision_value_words_and_perspectives(key):
    call_command("demo", profile=key)
    seeds = _seeds(key)
    assert _in(Organisation.objects.get().vision, seeds)
    bases = list(ValueBase.objects.all())
    assert bases[0].primary and bases[0] == services.primary_value_base()
    for base in bases:
        assert _in(base.motto, seeds), base.motto
        words = list(base.words.all())
        assert len(words) >= 3
        for word in words:
            assert _in(word.word, seeds), word.word
            assert word.behaviours.exists(), word.word
        for perspective in base.perspectives.all():
            assert _in(perspective.text, seeds), perspective.text


def test_kompass_has_the_health_care_value_base_its_three_perspectives_and_regional_development():
    call_command("demo", profile="kompass")
    primary, regional = ValueBase.objects.all()
    assert primary.motto == "Ständigt bättre – Patienten alltid först!"
    assert [p.name for p in primary.perspectives.all()] == [
        "Patientens perspektiv",
        "Medarbetarens perspektiv",
        "Organisationens perspektiv",
    ]
    assert regional.name == "Värdegrund för regional utveckling"
    assert [w.word for w in regional.words.all()] == [
        "Kunniga",
        "Tydliga och vet vad vi vill",
        "Lyhörda",
        "Lätta att samarbeta med",
        "Inspirerande",
    ]


def test_orebro_has_samarbete_utveckling_professionalism_with_what_each_means():
    call_command("demo", profile="orebro")
    seeds = _seeds("orebro")
    words = list(ValueWord.objects.all())
    assert [w.word for w in words] == ["Samarbete", "Utveckling", "Professionalism"]
    assert all(_in(w.description, seeds) for w in words)


def test_kalmar_has_oppet_engagerat_kunnigt_and_its_strategy():
    call_command("demo", profile="kalmar")
    base = ValueBase.objects.get()
    assert base.motto == "Varje dag lite bättre – kraften hos många!"
    assert [w.word for w in base.words.all()] == ["Öppet", "Engagerat", "Kunnigt"]
    assert Organisation.objects.get().vision == "Hälsolänet – för ett friskare, tryggare och rikare liv"


def test_jamtland_has_its_vision_and_value_statement():
    call_command("demo", profile="jamtland")
    base = ValueBase.objects.get()
    assert Organisation.objects.get().vision == "En region att längta till och växa i"
    assert _in(base.description, _seeds("jamtland"))
    assert [w.word for w in base.words.all()] == ["Respekt", "Förtroende", "Helhetssyn"]


def test_the_demo_has_stories_in_every_state_dialogues_at_most_workplaces_and_goals_citing_words():
    call_command("demo")
    statuses = list(Story.objects.values_list("status", flat=True))
    assert len(statuses) == 12
    assert statuses.count(Story.Status.SUBMITTED) == 1 and statuses.count(Story.Status.RETURNED) == 1
    assert Story.objects.filter(lifts__gt=0).exists()
    assert all(story.value_words.exists() for story in Story.objects.all())
    coverage = services.coverage(timezone.localdate().year, by=SYSTEM)
    assert 50 <= coverage.percent <= 70
    assert Action.objects.filter(source_id__in=Dialogue.objects.values("pk")).exists()
    assert ValueWord.objects.filter(goals__isnull=False).exists()


def test_loading_the_demo_twice_changes_nothing():
    call_command("demo", profile="kompass")
    models = (ValueBase, ValueWord, Dialogue, Story, StoryLift, Action, AuditEntry)
    counts = [m.objects.count() for m in models]
    cited = sorted(ValueWord.goals.through.objects.values_list("pk", flat=True))
    call_command("demo", profile="kompass")
    assert [m.objects.count() for m in models] == counts
    assert sorted(ValueWord.goals.through.objects.values_list("pk", flat=True)) == cited
