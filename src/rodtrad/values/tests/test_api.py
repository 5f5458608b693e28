"""The values API: value bases and words, dialogues and coverage, stories, public values, feedback."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from rodtrad.core.models import PageFeedback
from rodtrad.improvement.models import Action
from rodtrad.values.models import Story
from rodtrad.values.tests.factories import JPEG, PNG, make_dialogue, make_story, publish, upload


def story_body(orgtree: Any, values: Any, **extra: Any) -> dict[str, Any]:
    body = {
        "unit": orgtree.a1.pk,
        "title": "Hon tog sig tid",
        "text": "Min kollega satt kvar hos en orolig patient i en timme.",
        "kind": "good_example",
        "value_words": [values.engaged.pk],
        "consent": True,
    }
    body.update(extra)
    return body


def post_form(api: Any, data: dict[str, Any]) -> Any:
    """POST /stories as a multipart form, the way a browser or curl -F sends files."""
    return api.client.post("/api/v1/stories", data, headers=api.headers)


# ---- value bases and words -------------------------------------------------------------------------


def test_value_bases_come_with_perspectives_words_and_behaviours(values, people, api_as):
    response = api_as(people.writer_a1).get("/value-bases")
    assert response.status_code == 200
    (base,) = response.json()["items"]
    assert (base["name"], base["primary"], base["motto"]) == (
        "Vår värdegrund",
        True,
        "Varje dag lite bättre – kraften hos många!",
    )
    assert [w["word"] for w in base["words"]] == ["Öppet", "Engagerat", "Kunnigt"]
    assert base["words"][0]["behaviours"] == ["Vi delar med oss av det vi vet."]
    assert base["perspectives"] == [{"name": "Patientens perspektiv", "text": "Patienten alltid först."}]


def test_quality_of_the_top_unit_adds_a_value_base_and_a_word(values, people, api_as):
    api = api_as(people.quality_r)
    body = {"name": "Regional utveckling", "perspectives": [{"name": "Medarbetarens", "text": "Kunniga"}]}
    response = api.post("/value-bases", body)
    assert response.status_code == 201, response.content
    base = response.json()
    assert (base["primary"], base["perspectives"][0]["name"]) == (False, "Medarbetarens")
    response = api.post(
        "/value-words", {"value_base": base["id"], "word": "Lyhörda", "behaviours": ["Vi lyssnar."]}
    )
    assert response.status_code == 201, response.content
    assert (response.json()["slug"], response.json()["behaviours"]) == ("lyhorda", ["Vi lyssnar."])
    listed = api.get(f"/value-words?value_base={base['id']}").json()["items"]
    assert [w["word"] for w in listed] == ["Lyhörda"]


def test_a_value_word_twice_is_a_400_naming_the_word(values, people, api_as):
    response = api_as(people.quality_r).post("/value-words", {"value_base": values.base.pk, "word": "ÖPPET"})
    assert response.status_code == 400
    assert response.json()["detail"][0]["loc"] == ["body", "word"]


# ---- dialogues ---------------------------------------------------------------------------------------


def test_a_manager_records_a_dialogue_whose_commitments_become_actions(values, people, orgtree, api_as):
    body = {
        "unit": orgtree.a1.pk,
        "held_on": "2026-02-03",
        "participants": 14,
        "value_words": [values.open.pk, values.skilled.pk],
        "conclusions": "Vi säger till direkt när något blir fel.",
        "commitments": [{"title": "Värdeord på varje APT", "due_date": "2026-12-31"}],
    }
    response = api_as(people.manager_a1).post("/dialogues", body)
    assert response.status_code == 201, response.content
    dialogue = response.json()
    (action,) = Action.objects.all()
    assert dialogue["actions"] == [action.pk]
    assert (action.owner, action.due_date) == (people.manager_a1, dt.date(2026, 12, 31))
    assert dialogue["value_words"] == sorted([values.open.pk, values.skilled.pk])


def test_a_dialogue_without_value_words_is_a_400(values, people, orgtree, api_as):
    body = {
        "unit": orgtree.a1.pk,
        "held_on": "2026-02-03",
        "participants": 3,
        "value_words": [],
        "conclusions": "x",
    }
    response = api_as(people.manager_a1).post("/dialogues", body)
    assert response.status_code == 400
    assert response.json()["detail"][0]["loc"] == ["body", "value_words"]


def test_dialogue_coverage_per_forvaltning_and_below_one(values, people, orgtree, api_as):
    make_dialogue(people.quality_r, orgtree.a1, [values.open])
    api = api_as(people.quality_r)
    result = api.get("/dialogues/coverage?year=2026").json()
    assert [(r["unit"]["code"], r["units"], r["held"], r["percent"]) for r in result["rows"]] == [
        ("A", 1, 1, 100.0),
        ("B", 1, 0, 0.0),
    ]
    assert (result["units"], result["held"], result["percent"]) == (2, 1, 50.0)
    below = api.get(f"/dialogues/coverage?year=2026&unit={orgtree.b.pk}").json()
    assert [[u["code"] for u in r["units_without"]] for r in below["rows"]] == [["B1"]]
    assert api.get("/dialogues/coverage?year=2026&unit=999999").status_code == 404
    assert (
        api_as(people.manager_a1).get(f"/dialogues/coverage?year=2026&unit={orgtree.b.pk}").status_code == 403
    )


def test_dialogues_of_other_units_are_not_listed(values, people, orgtree, api_as):
    make_dialogue(people.quality_r, orgtree.b1, [values.open])
    mine = make_dialogue(people.quality_r, orgtree.a1, [values.open])
    listed = api_as(people.writer_a1).get("/dialogues?year=2026").json()["items"]
    assert [d["id"] for d in listed] == [mine.pk]


# ---- stories -------------------------------------------------------------------------------------------


def test_a_story_is_written_as_json_and_awaits_moderation(values, people, orgtree, api_as):
    response = api_as(people.writer_a1).post(
        "/stories", story_body(orgtree, values, text="Patienten 19121212-1212 blev glad.")
    )
    assert response.status_code == 201, response.content
    story = response.json()
    assert (story["status"], story["author"], story["text"]) == (
        "submitted",
        people.writer_a1.pk,
        "Patienten 19121212-**** blev glad.",
    )


@pytest.mark.parametrize(
    ("change", "field"), [({"value_words": []}, "value_words"), ({"consent": False}, "consent")]
)
def test_a_story_without_a_value_word_or_consent_is_a_400(values, people, orgtree, api_as, change, field):
    response = api_as(people.writer_a1).post("/stories", story_body(orgtree, values, **change))
    assert response.status_code == 400
    assert response.json()["detail"][0]["loc"] == ["body", field]
    assert not Story.objects.exists()


def test_a_story_with_pictures_is_sent_as_a_multipart_form(values, people, orgtree, api_as):
    data = story_body(orgtree, values, consent="true")
    data.update(attachments=[upload("a.png", PNG), upload("b.jpg", JPEG)], alt=["Kollegan ler", "Blommor"])
    response = post_form(api_as(people.writer_a1), data)
    assert response.status_code == 201, response.content
    attachments = response.json()["attachments"]
    assert [(a["name"], a["content_type"], a["alt"]) for a in attachments] == [
        ("a.png", "image/png", "Kollegan ler"),
        ("b.jpg", "image/jpeg", "Blommor"),
    ]


def test_a_non_media_attachment_is_a_415_whatever_it_is_called(values, people, orgtree, api_as):
    data = story_body(orgtree, values, consent="true")
    data["attachments"] = [upload("bild.png", b"#!/bin/sh\necho hello\n", "image/png")]
    response = post_form(api_as(people.writer_a1), data)
    assert response.status_code == 415
    assert not Story.objects.exists()


def test_an_oversized_attachment_is_a_413(values, people, orgtree, api_as, settings):
    settings.RODTRAD_STORY_ATTACHMENT_MB = 1
    data = story_body(orgtree, values, consent="true")
    data["attachments"] = [upload("stor.png", PNG + b"\x00" * (1024 * 1024))]
    response = post_form(api_as(people.writer_a1), data)
    assert response.status_code == 413
    assert not Story.objects.exists()


def test_a_form_that_does_not_fit_the_schema_is_a_422(values, people, orgtree, api_as):
    data = story_body(orgtree, values, consent="kanske")
    data["attachments"] = [upload()]
    assert post_form(api_as(people.writer_a1), data).status_code == 422
    assert api_as(people.writer_a1).post("/stories", ["not", "an", "object"]).status_code == 422


def test_a_body_that_is_not_json_is_a_400(people, api_as):
    api = api_as(people.writer_a1)
    response = api.client.post(
        "/api/v1/stories", "{nej", content_type="application/json", headers=api.headers
    )
    assert response.status_code == 400
    assert response.json()["detail"][0]["type"] == "json_invalid"


def test_unpublished_stories_are_404_for_everyone_but_the_writer_and_moderators(
    values, people, orgtree, api_as
):
    story = make_story(people.writer_a1, orgtree.a1, [values.engaged])
    for user in (people.writer_a1, people.editor_a1, people.quality_r):
        assert api_as(user).get(f"/stories/{story.pk}").status_code == 200, user
    for user in (people.colleague_b1, people.editor_b, people.nobody):
        assert api_as(user).get(f"/stories/{story.pk}").status_code == 404, user
        assert api_as(user).get("/stories").json()["count"] == 0
        assert api_as(user).post(f"/stories/{story.pk}/lift", None).status_code == 404
    publish(story)
    assert api_as(people.colleague_b1).get(f"/stories/{story.pk}").status_code == 200


def test_an_editor_publishes_and_the_story_shows_in_the_feed_under_its_word(values, people, orgtree, api_as):
    story = make_story(people.writer_a1, orgtree.a1, [values.engaged])
    assert api_as(people.editor_b).post(f"/stories/{story.pk}/publish", {"version": 1}).status_code == 404
    assert api_as(people.writer_a1).post(f"/stories/{story.pk}/publish", {"version": 1}).status_code == 403
    response = api_as(people.editor_a1).post(f"/stories/{story.pk}/publish", {"version": story.version})
    assert response.status_code == 200 and response.json()["status"] == "published"
    assert api_as(people.editor_a1).post(f"/stories/{story.pk}/publish", {"version": 2}).status_code == 409
    published_at = Story.objects.get().published_at
    assert published_at is not None
    published_year = published_at.year
    feed = api_as(people.colleague_b1).get(f"/stories?word={values.engaged.pk}&year={published_year}")
    assert [s["id"] for s in feed.json()["items"]] == [story.pk]
    assert api_as(people.colleague_b1).get(f"/stories?word={values.open.pk}").json()["count"] == 0
    assert api_as(people.colleague_b1).get(f"/stories?unit={orgtree.b.pk}").json()["count"] == 0


def test_a_stale_publish_is_a_409_with_the_current_version(values, people, orgtree, api_as):
    story = make_story(people.writer_a1, orgtree.a1, [values.engaged])
    response = api_as(people.editor_a1).post(f"/stories/{story.pk}/publish", {"version": story.version + 3})
    assert response.status_code == 409
    assert response.json()["current_version"] == story.version


def test_a_story_is_returned_with_a_comment_and_resubmitted(values, people, orgtree, api_as):
    story = make_story(people.writer_a1, orgtree.a1, [values.engaged])
    editor = api_as(people.editor_a1)
    assert editor.post(f"/stories/{story.pk}/return", {"version": 1, "comment": ""}).status_code == 400
    response = editor.post(f"/stories/{story.pk}/return", {"version": 1, "comment": "Stryk namnet."})
    assert (response.status_code, response.json()["moderator_comment"]) == (200, "Stryk namnet.")
    response = api_as(people.writer_a1).post(
        f"/stories/{story.pk}/resubmit", {"version": 2, "text": "Utan namn.", "value_words": [values.open.pk]}
    )
    assert response.status_code == 200, response.content
    assert (response.json()["status"], response.json()["value_words"]) == ("submitted", [values.open.pk])


def test_lifting_twice_counts_once(values, people, orgtree, api_as):
    story = publish(make_story(people.writer_a1, orgtree.a1, [values.engaged]))
    api = api_as(people.colleague_b1)
    assert api.post(f"/stories/{story.pk}/lift", None).json()["lifts"] == 1
    assert api.post(f"/stories/{story.pk}/lift", None).json()["lifts"] == 1
    assert api_as(people.editor_b).post(f"/stories/{story.pk}/lift", None).json()["lifts"] == 2


def test_an_unpublished_story_cannot_be_lifted(values, people, orgtree, api_as):
    story = make_story(people.writer_a1, orgtree.a1, [values.engaged])
    assert api_as(people.writer_a1).post(f"/stories/{story.pk}/lift", None).status_code == 409


# ---- public values and feedback ---------------------------------------------------------------------


def test_the_public_values_need_no_login(values, people):
    from rodtrad.core.access import SYSTEM
    from rodtrad.core.services import org

    org.update_organisation(by=SYSTEM, version=None, name="Region R", vision="Hälsolänet")
    response = Client().get("/api/v1/public/values")
    assert response.status_code == 200
    body = response.json()
    assert (body["organisation"], body["vision"]) == ("Region R", "Hälsolänet")
    (base,) = body["value_bases"]
    assert [w["word"] for w in base["words"]] == ["Öppet", "Engagerat", "Kunnigt"]
    assert base["words"][1]["behaviours"] == ["Vi tar ansvar för helheten."]
    assert base["feedback_token"]


@pytest.fixture
def fresh_cache(db: Any) -> Any:
    cache.clear()
    yield
    cache.clear()


def test_feedback_from_a_visitor_is_stored(values, fresh_cache):
    token = Client().get("/api/v1/public/values").json()["value_bases"][0]["feedback_token"]
    body = {"token": token, "useful": False, "comment": "Saknar exempel"}
    response = Client().post("/api/v1/feedback", body, content_type="application/json")
    assert response.status_code == 201
    answer = PageFeedback.objects.get()
    assert (answer.page, answer.useful, answer.comment) == (values.base, False, "Saknar exempel")


def test_feedback_flooding_from_one_client_is_throttled_but_others_still_count(values, fresh_cache):
    token = Client().get("/api/v1/public/values").json()["value_bases"][0]["feedback_token"]
    flooder = Client(REMOTE_ADDR="10.0.0.66")
    statuses = [
        flooder.post(
            "/api/v1/feedback", {"token": token, "useful": True}, content_type="application/json"
        ).status_code
        for _ in range(8)
    ]
    assert statuses == [201] * 5 + [429] * 3
    other = Client(REMOTE_ADDR="10.0.0.7")
    response = other.post(
        "/api/v1/feedback", {"token": token, "useful": False}, content_type="application/json"
    )
    assert response.status_code == 201
    assert PageFeedback.objects.filter(useful=False).count() == 1
    assert PageFeedback.objects.count() == 6


def test_feedback_with_a_forged_token_is_a_400(values, fresh_cache):
    response = Client().post(
        "/api/v1/feedback", {"token": "forged", "useful": True}, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["detail"][0]["loc"] == ["body", "token"]
    assert not PageFeedback.objects.exists()


def test_the_feed_filters_by_status_within_what_the_caller_may_read(values, people, orgtree, api_as):
    waiting = make_story(people.writer_a1, orgtree.a1, [values.engaged])
    shown = publish(make_story(people.writer_a1, orgtree.a1, [values.open]))
    writer = api_as(people.writer_a1)
    assert [s["id"] for s in writer.get("/stories?status=published").json()["items"]] == [shown.pk]
    assert [s["id"] for s in writer.get("/stories?status=submitted").json()["items"]] == [waiting.pk]
    assert writer.get("/stories?mine=true").json()["count"] == 2
    colleague = api_as(people.colleague_b1)
    assert colleague.get("/stories?status=submitted").json()["count"] == 0
    assert [s["id"] for s in colleague.get("/stories?status=published").json()["items"]] == [shown.pk]


def test_a_number_where_true_or_false_is_expected_is_a_422(values, people, orgtree, api_as, fresh_cache):
    """pydantic alone would read 1 and 0 as true and false (found by the fuzzer)."""
    assert api_as(people.quality_r).post("/value-bases", {"name": "X", "primary": 0}).status_code == 422
    assert (
        api_as(people.writer_a1).post("/stories", story_body(orgtree, values, consent=1)).status_code == 422
    )
    token = Client().get("/api/v1/public/values").json()["value_bases"][0]["feedback_token"]
    response = Client().post(
        "/api/v1/feedback", {"token": token, "useful": 1}, content_type="application/json"
    )
    assert response.status_code == 422


def test_a_form_with_too_many_files_is_a_400_in_json(values, people, orgtree, api_as, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FILES = 2
    data = story_body(orgtree, values, consent="true")
    data["attachments"] = [upload(f"{i}.png") for i in range(3)]
    response = post_form(api_as(people.writer_a1), data)
    assert response.status_code == 400
    assert response.json()["detail"][0]["loc"] == ["body"]


def test_unpublished_stories_come_after_the_published_ones(values, people, orgtree, api_as):
    waiting = make_story(people.writer_a1, orgtree.a1, [values.engaged])
    older = publish(make_story(people.writer_a1, orgtree.a1, [values.open]))
    newer = publish(make_story(people.writer_a1, orgtree.a1, [values.open]))
    listed = api_as(people.writer_a1).get("/stories").json()["items"]
    assert [s["id"] for s in listed] == [newer.pk, older.pk, waiting.pk]
