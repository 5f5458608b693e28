"""Dialogue pages and the editing of value bases: recording with commitments, coverage, denials, budgets."""

from __future__ import annotations

from typing import Any

from django.test import Client
from django.utils import timezone

from rodtrad.core.models import Unit
from rodtrad.core.tests.factories import make_unit
from rodtrad.improvement.models import Action
from rodtrad.values import charts
from rodtrad.values.models import Dialogue, ValueBase, ValueWord
from rodtrad.values.services import Coverage, CoverageRow
from rodtrad.values.tests.factories import make_dialogue


def client_for(user: Any) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def dialogue_data(values: Any, **changes: Any) -> dict[str, Any]:
    today = timezone.localdate()
    data: dict[str, Any] = {
        "unit": "A1",
        "held_on": today.isoformat(),
        "facilitator": "manager_a1",
        "participants": "14",
        "value_words": [values.open.pk, values.engaged.pk],
        "conclusions": "Öppet betyder att vi säger till när något inte fungerar.",
        "commitment-TOTAL_FORMS": "3",
        "commitment-INITIAL_FORMS": "0",
        "commitment-MIN_NUM_FORMS": "0",
        "commitment-MAX_NUM_FORMS": "50",
        "commitment-0-title": "Avvikelser på varje APT",
        "commitment-0-owner": "",
        "commitment-0-due_date": f"{today.year}-12-31",
        "commitment-1-title": "Introduktion för nya om värdegrunden",
        "commitment-1-owner": "editor_a1",
        "commitment-1-due_date": f"{today.year + 1}-03-31",
        "commitment-2-title": "",
        "commitment-2-owner": "",
        "commitment-2-due_date": "",
    }
    data.update(changes)
    return data


def test_the_manager_records_a_dialogue_whose_commitments_become_actions(
    orgtree: Any, people: Any, values: Any
) -> None:
    client = client_for(people.manager_a1)
    form = client.get("/dialogues/new/").content.decode()
    assert 'name="unit" value="A1"' in form and 'value="manager_a1"' in form  # the unit they manage
    response = client.post("/dialogues/new/", dialogue_data(values))
    dialogue = Dialogue.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/dialogues/{dialogue.pk}/"
    assert dialogue.participants == 14 and dialogue.facilitator == people.manager_a1
    assert set(dialogue.value_words.all()) == {values.open, values.engaged}
    actions = {a.title: a for a in Action.objects.all()}
    assert set(actions) == {"Avvikelser på varje APT", "Introduktion för nya om värdegrunden"}
    assert actions["Avvikelser på varje APT"].owner == people.manager_a1  # empty: the unit's manager
    assert actions["Introduktion för nya om värdegrunden"].owner == people.editor_a1
    page = client.get(f"/dialogues/{dialogue.pk}/").content.decode()
    assert "Avvikelser på varje APT" in page and "säger till när något inte fungerar" in page


def test_a_refused_dialogue_keeps_every_value_and_commitment_row(people: Any, values: Any) -> None:
    data = dialogue_data(values, value_words=[], conclusions="Vi pratade länge.")
    response = client_for(people.manager_a1).post("/dialogues/new/", data)
    assert response.status_code == 400 and not Dialogue.objects.exists() and not Action.objects.exists()
    html = response.content.decode()
    assert "dialogue_value_words_error" in html
    assert "Vi pratade länge." in html and 'value="14"' in html
    assert 'value="Introduktion för nya om värdegrunden"' in html and 'value="editor_a1"' in html


def test_one_more_row_adds_a_commitment_row_and_keeps_what_was_typed(people: Any, values: Any) -> None:
    data = dialogue_data(values, more="1")
    response = client_for(people.manager_a1).post("/dialogues/new/", data)
    assert response.status_code == 200 and not Dialogue.objects.exists()
    html = response.content.decode()
    assert 'name="commitment-TOTAL_FORMS" value="4"' in html and 'name="commitment-3-title"' in html
    assert 'value="Avvikelser på varje APT"' in html and 'class="errorlist' not in html


def test_only_managers_and_quality_record_dialogues_and_only_for_their_units(
    people: Any, values: Any
) -> None:
    assert client_for(people.editor_a1).get("/dialogues/new/").status_code == 403
    other = client_for(people.manager_a1).post("/dialogues/new/", dialogue_data(values, unit="B1"))
    assert other.status_code == 400 and "dialogue_unit_error" in other.content.decode()
    assert not Dialogue.objects.exists()


def test_dialogues_are_listed_for_the_units_one_may_see(orgtree: Any, people: Any, values: Any) -> None:
    make_dialogue(people.manager_a1, orgtree.a1, [values.engaged])
    mine = client_for(people.editor_a1).get("/dialogues/?year=2026").content.decode()
    assert 'href="/dialogues/' in mine and "Enhet A1" in mine
    elsewhere = client_for(people.colleague_b1)
    assert "Enhet A1" not in elsewhere.get("/dialogues/").content.decode()
    dialogue = Dialogue.objects.get()
    assert elsewhere.get(f"/dialogues/{dialogue.pk}/").status_code == 404


def test_coverage_per_forvaltning_drills_down_to_the_units_without_a_dialogue(
    orgtree: Any, people: Any, values: Any
) -> None:
    make_unit(orgtree.a, name="Enhet A2", code="A2")
    make_dialogue(people.manager_a1, orgtree.a1, [values.engaged])
    client = client_for(people.quality_r)
    top = client.get("/dialogues/coverage/?year=2026")
    assert top.status_code == 200
    html = top.content.decode()
    assert html.count('role="img"') == 1 and "<table>" in html
    assert f'href="/dialogues/coverage/?year=2026&amp;unit={orgtree.a.pk}"' in html
    assert "<td>2</td><td>1</td><td>50 %</td>" in html  # A: two units, one held
    assert "<td>1</td><td>0</td><td>0 %</td>" in html  # B
    drill = client.get(f"/dialogues/coverage/?year=2026&unit={orgtree.a.pk}").content.decode()
    without = drill.split('id="without-heading"', 1)[1]
    assert "Enhet A2" in without and "Enhet A1" not in without
    assert client.get("/dialogues/coverage/?year=1066").status_code == 400
    manager = client_for(people.manager_a1)
    own = manager.get("/dialogues/coverage/?year=2026").content.decode()
    assert "<td>1</td><td>1</td><td>100 %</td>" in own  # only the unit the manager may see
    assert f"unit={orgtree.a.pk}" not in own  # no way into the förvaltning they do not see
    assert manager.get(f"/dialogues/coverage/?year=2026&unit={orgtree.a.pk}").status_code == 404
    this_year = client.get(f"/dialogues/coverage/?unit={orgtree.a.pk}")  # no year: this year's
    assert (
        this_year.status_code == 200 and f'value="{timezone.localdate().year}"' in this_year.content.decode()
    )


def test_coverage_reads_a_fixed_number_of_queries(
    orgtree: Any, people: Any, values: Any, django_assert_max_num_queries: Any
) -> None:
    for i in range(30):
        make_unit(orgtree.b, name=f"Enhet B{i + 2}", code=f"B{i + 2}")
    client = client_for(people.quality_r)
    client.get("/dialogues/coverage/?year=2026")
    with django_assert_max_num_queries(8):
        client.get("/dialogues/coverage/?year=2026")
    with django_assert_max_num_queries(9):
        client.get(f"/dialogues/coverage/?year=2026&unit={orgtree.b.pk}")


# ---- editing value bases -------------------------------------------------------------------------


def test_only_the_top_units_quality_and_admins_edit_value_bases(people: Any, values: Any) -> None:
    assert client_for(people.quality_a).get("/values/manage/").status_code == 403
    assert client_for(people.editor_a1).get(f"/values/manage/{values.base.pk}/").status_code == 403
    assert client_for(people.quality_a).post(f"/values/manage/words/{values.open.pk}/", {}).status_code == 403
    page = client_for(people.quality_r).get("/values/manage/").content.decode()
    assert f'href="/values/manage/{values.base.pk}/"' in page and "Engagerat" in page


def test_quality_changes_a_value_base_its_perspectives_and_a_words_behaviours(
    people: Any, values: Any
) -> None:
    client = client_for(people.quality_r)
    base = values.base
    response = client.post(
        f"/values/manage/{base.pk}/",
        {
            "version": base.version,
            "name": base.name,
            "motto": "Ständigt bättre",
            "description": "",
            "primary": "on",
            "contact": "quality_r",
            "perspective-TOTAL_FORMS": "3",
            "perspective-INITIAL_FORMS": "1",
            "perspective-MIN_NUM_FORMS": "0",
            "perspective-MAX_NUM_FORMS": "50",
            "perspective-0-name": "Patienten",
            "perspective-0-text": "Patienten alltid först.",
            "perspective-1-name": "Medarbetaren",
            "perspective-1-text": "",
            "perspective-2-name": "",
            "perspective-2-text": "",
        },
    )
    assert response.status_code == 302
    base.refresh_from_db()
    assert base.motto == "Ständigt bättre" and base.contact == people.quality_r
    assert [p.name for p in base.perspectives.all()] == ["Patienten", "Medarbetaren"]

    word = values.open
    response = client.post(
        f"/values/manage/words/{word.pk}/",
        {
            "version": word.version,
            "word": "Öppet",
            "description": "Vi är öppna.",
            "behaviours": "Vi lyssnar.\n\nVi delar.",
            "position": "0",
        },
    )
    assert response.status_code == 302
    assert [b.text for b in ValueWord.objects.get(pk=word.pk).behaviours.all()] == [
        "Vi lyssnar.",
        "Vi delar.",
    ]
    added = client.post(
        f"/values/manage/{base.pk}/words/new/", {"word": "Modigt", "behaviours": "Vi säger ifrån."}
    )
    assert added.status_code == 302 and ValueWord.objects.filter(word="Modigt").exists()


def test_a_stale_or_refused_value_base_edit_keeps_what_was_typed(people: Any, values: Any) -> None:
    client = client_for(people.quality_r)
    word = values.open
    stale = client.post(
        f"/values/manage/words/{word.pk}/",
        {"version": word.version + 5, "word": "Öppenhet", "behaviours": "Vi lyssnar på varandra."},
    )
    assert stale.status_code == 400
    assert (
        'value="Öppenhet"' in stale.content.decode() and "Vi lyssnar på varandra." in stale.content.decode()
    )
    twice = client.post(f"/values/manage/{values.base.pk}/words/new/", {"word": "Engagerat"})
    assert twice.status_code == 400 and "word_word_error" in twice.content.decode()
    created = client.post(
        "/values/manage/",
        {"name": values.base.name, "perspective-TOTAL_FORMS": "0", "perspective-INITIAL_FORMS": "0"},
    )
    assert created.status_code == 400 and ValueBase.objects.count() == 1


def test_coverage_bars_are_as_long_as_the_share_and_long_names_are_shortened(orgtree: Any) -> None:
    rows = [
        CoverageRow(orgtree.a, 4, 4, 100.0),
        CoverageRow(Unit(name="Hälso- och sjukvårdsförvaltningen i länet"), 4, 1, 25.0),
    ]
    drawn = charts.coverage_bars(Coverage(2026, rows, 8, 5, 62.5))
    assert drawn is not None
    full, quarter = drawn.bars
    assert full.width == charts.BAR_WIDTH and quarter.width == charts.BAR_WIDTH / 4
    assert full.text == "100 % (4/4)" and quarter.text == "25 % (1/4)"
    assert quarter.label.endswith("…") and len(quarter.label) <= charts.LABEL_CHARS
    assert full.colour != quarter.colour  # a full förvaltning stands out; the text says it too
    assert charts.coverage_bars(Coverage(2026, [], 0, 0, 0.0)) is None
