"""The public pages: Vision och värdegrund, other value bases and a value word's page, without login."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.utils import timezone, translation

from rodtrad.core.access import SYSTEM
from rodtrad.core.models import PageFeedback
from rodtrad.core.services import org
from rodtrad.goals import services as goals
from rodtrad.values import services
from rodtrad.values.tests.factories import make_base, make_dialogue, make_story, make_word, publish


def client_for(user: Any) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def vision(orgtree: Any) -> None:
    org.update_organisation(by=SYSTEM, name="Region Test", vision="Hälsolänet – för ett friskare liv")


def test_the_vision_page_is_public_with_words_behaviours_perspectives_and_the_compass(
    vision: None, values: Any, people: Any
) -> None:
    services.save_value_base(
        by=SYSTEM,
        value_base=values.base,
        version=values.base.version,
        name=values.base.name,
        motto=values.base.motto,
        primary=True,
        perspectives=[("Patientens perspektiv", "Patienten alltid först.")],
        contact=people.quality_r,
    )
    response = Client().get("/vision/")
    assert response.status_code == 200
    html = response.content.decode()
    with translation.override("sv"):
        heading = translation.gettext("Vision and value base")
    for text in (
        f"<h1>{heading}</h1>",
        "Hälsolänet – för ett friskare liv",
        "Varje dag lite bättre – kraften hos många!",
        "Vi tar ansvar för helheten.",
        "Patientens perspektiv",
        'class="compass"',
        "Senast uppdaterad",
        "Hade du nytta av innehållet",
        str(people.quality_r),
    ):
        assert text in html, text
    today = timezone.localdate()
    assert f'datetime="{today:%Y-%m-%d}"' in html
    assert f'href="/vision/ord/{values.engaged.pk}/"' in html
    assert "Logga ut" not in html


def test_other_value_bases_have_their_own_page_and_unknown_ones_are_404(values: Any) -> None:
    other = make_base("Regional utveckling", motto="Tillsammans", primary=False, perspectives=[])
    make_word(other, "Nyfikenhet")
    first = Client().get("/vision/").content.decode()
    assert f'href="/vision/{other.pk}/"' in first and "Nyfikenhet" not in first
    page = Client().get(f"/vision/{other.pk}/")
    assert page.status_code == 200
    assert "Nyfikenhet" in page.content.decode() and "Tillsammans" in page.content.decode()
    assert Client().get("/vision/99999/").status_code == 404
    assert Client().get("/vision/ord/99999/").status_code == 404


def test_an_organisation_without_a_value_base_still_shows_its_vision(vision: None) -> None:
    response = Client().get("/vision/")
    assert response.status_code == 200
    assert "Hälsolänet" in response.content.decode()


def test_a_word_page_shows_the_public_its_published_stories_and_signed_in_people_goals_and_dialogues(
    orgtree: Any, people: Any, values: Any
) -> None:
    published = publish(make_story(people.writer_a1, orgtree.a1, [values.engaged], title="Publicerad"))
    make_story(people.writer_a1, orgtree.a1, [values.engaged], title="Väntar på granskning")
    area = goals.create_area(by=SYSTEM, name="Medarbetare", colour="#1f6f8b")
    goal = goals.create_goal(
        by=SYSTEM, area=area, unit=orgtree.region, title="Engagerade medarbetare", year_from=2026
    )
    services.cite_value_words(goal, by=SYSTEM, words=[values.engaged])
    make_dialogue(people.manager_a1, orgtree.a1, [values.engaged])

    public = Client().get(f"/vision/ord/{values.engaged.pk}/")
    assert public.status_code == 200
    html = public.content.decode()
    assert "Publicerad" in html and published.text[:40] in html
    assert "Väntar på granskning" not in html
    assert "Engagerade medarbetare" not in html and "Enhet A1" in html  # the story's unit, no goals
    assert "Hade du nytta av innehållet" in html and "Senast uppdaterad" in html

    signed_in = client_for(people.colleague_b1).get(f"/vision/ord/{values.engaged.pk}/").content.decode()
    assert f'href="/goals/{goal.pk}/"' in signed_in
    assert f'href="/stories/{published.pk}/"' in signed_in
    assert "Väntar på granskning" not in signed_in
    manager = client_for(people.manager_a1).get(f"/vision/ord/{values.engaged.pk}/").content.decode()
    assert "/dialogues/" in manager and "10 mars 2026" in manager


def test_feedback_from_the_public_page_is_recorded_for_the_value_base(values: Any) -> None:
    html = Client().get("/vision/").content.decode()
    token = html.split('name="page" value="', 1)[1].split('"', 1)[0]
    response = Client().post(
        "/feedback/", {"page": token, "useful": "yes", "comment": "Tydligt!", "next": "/vision/"}
    )
    assert response.status_code == 302 and response["Location"] == "/vision/"
    answer = PageFeedback.objects.get()
    assert answer.useful and answer.comment == "Tydligt!" and answer.object_id == values.base.pk


def test_the_public_pages_read_a_fixed_few_queries_however_many_words(
    values: Any, django_assert_max_num_queries: Any
) -> None:
    for i in range(20):
        make_word(values.base, f"Ord {i}", ["Ett beteende.", "Ett till."])
    with django_assert_max_num_queries(5):
        assert Client().get("/vision/").status_code == 200
    with django_assert_max_num_queries(4):
        assert Client().get(f"/vision/ord/{values.open.pk}/").status_code == 200


def test_signed_in_people_get_the_value_pages_menu_with_what_they_may_do(people: Any, values: Any) -> None:
    editor = client_for(people.editor_a1).get("/vision/").content.decode()
    assert 'href="/stories/moderation/"' in editor and 'href="/values/manage/"' not in editor
    quality = client_for(people.quality_r).get(f"/vision/ord/{values.open.pk}/").content.decode()
    assert 'href="/stories/moderation/"' in quality and 'href="/values/manage/"' in quality
    assert 'href="/stories/moderation/"' not in Client().get("/vision/").content.decode()
