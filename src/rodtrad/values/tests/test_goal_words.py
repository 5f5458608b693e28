"""Goals cite the value words they carry out: chosen on the goal's page or through the API, shown there
with links to the words' pages (the red thread from the value base to the goal)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from rodtrad.core.access import SYSTEM
from rodtrad.core.models import User
from rodtrad.goals import services as goals


@pytest.fixture
def goal(orgtree):
    area = goals.create_area(by=SYSTEM, name="Medarbetare", colour="#1f6f8b")
    return goals.create_goal(by=SYSTEM, area=area, unit=orgtree.a1, title="Trygg arbetsplats", year_from=2026)


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_goals_editor_chooses_the_words_on_the_goal_page(values, people, goal):
    editor = _client(people.editor_a1)
    page = editor.get(reverse("goals:goal", args=[goal.pk]))
    assert page.status_code == 200
    assert f'name="words" value="{values.open.pk}"' in page.content.decode()
    answer = editor.post(
        reverse("values:goal_words", args=[goal.pk]), {"words": [values.open.pk, values.engaged.pk]}
    )
    assert answer.status_code == 302 and answer["Location"] == reverse("goals:goal", args=[goal.pk])
    assert set(goal.value_words.all()) == {values.open, values.engaged}
    shown = editor.get(reverse("goals:goal", args=[goal.pk])).content.decode()
    assert f'href="{reverse("values:word", args=[values.open.pk])}"' in shown


def test_others_see_the_words_but_may_not_choose_them(values, people, goal):
    goal.value_words.set([values.skilled])
    reader = _client(people.colleague_b1)
    page = reader.get(reverse("goals:goal", args=[goal.pk])).content.decode()
    assert "Kunnigt" in page and 'name="words"' not in page
    refused = reader.post(reverse("values:goal_words", args=[goal.pk]), {"words": [values.open.pk]})
    assert refused.status_code == 403
    assert list(goal.value_words.all()) == [values.skilled]


def test_the_api_sets_a_goals_words_and_names_an_unknown_one(values, people, goal, api_as):
    path = f"/goals/{goal.pk}/value-words"
    answer = api_as(people.editor_a1).put(path, {"words": [values.engaged.pk]})
    assert answer.status_code == 200 and answer.json() == {"goal": goal.pk, "words": [values.engaged.pk]}
    assert values.engaged.goals.filter(pk=goal.pk).exists()
    unknown = api_as(people.editor_a1).put(path, {"words": [values.engaged.pk, 999999]})
    assert unknown.status_code == 400 and unknown.json()["detail"][0]["loc"] == ["body", "words"]
    assert api_as(people.colleague_b1).put(path, {"words": []}).status_code == 403
    assert api_as(None).put(path, {"words": []}).status_code == 401
    assert list(goal.value_words.all()) == [values.engaged]
