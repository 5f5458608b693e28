"""Story pages: writing with consent and files, the feed and its filters, "Lyft", moderation, my stories."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from rodtrad.improvement import services as improvement
from rodtrad.improvement.defaults import add_default_categories
from rodtrad.improvement.models import Affected, Category
from rodtrad.values.models import Story, StoryAttachment, StoryLift
from rodtrad.values.tests.factories import JPEG, make_story, publish, upload


def client_for(user: Any) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def story_data(values: Any, **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "title": "Hon stannade kvar",
        "text": "Min kollega stannade kvar efter passet för att lugna en orolig anhörig.",
        "unit": "A1",
        "kind": Story.Kind.GOOD_EXAMPLE,
        "value_words": [values.engaged.pk],
        "consent": "on",
    }
    data.update(changes)
    return data


# ---- who may see what ----------------------------------------------------------------------------

SIGNED_IN_PAGES = (
    "/stories/",
    "/stories/new/",
    "/stories/mine/",
    "/dialogues/",
    "/dialogues/new/",
    "/dialogues/coverage/",
    "/stories/moderation/",
    "/values/manage/",
)


def test_the_signed_in_pages_send_the_anonymous_to_login(values: Any) -> None:
    for target in SIGNED_IN_PAGES:
        response = Client().get(target)
        assert response.status_code == 302 and response["Location"].startswith("/login/"), target


def test_a_reader_sees_the_feed_and_the_forms_but_not_moderation_or_editing(people: Any, values: Any) -> None:
    reader = client_for(people.colleague_b1)
    for target in ("/stories/", "/stories/new/", "/stories/mine/", "/dialogues/", "/dialogues/coverage/"):
        assert reader.get(target).status_code == 200, target
    for target in ("/stories/moderation/", "/values/manage/", "/dialogues/new/"):
        assert reader.get(target).status_code == 403, target
    menu = reader.get("/stories/").content.decode()
    assert 'href="/stories/moderation/"' not in menu and 'href="/values/manage/"' not in menu
    assert 'href="/vision/" aria-current="page"' in menu  # Värdegrund in the main menu


def test_unpublished_stories_are_404_for_others_and_readable_by_the_writer_and_moderators(
    orgtree: Any, people: Any, values: Any
) -> None:
    story = make_story(people.writer_a1, orgtree.a1, [values.engaged])
    target = f"/stories/{story.pk}/"
    assert client_for(people.colleague_b1).get(target).status_code == 404
    assert client_for(people.editor_b).get(target).status_code == 404  # an editor elsewhere
    assert client_for(people.writer_a1).get(target).status_code == 200
    moderator = client_for(people.editor_a1).get(target)
    assert (
        moderator.status_code == 200 and f'action="/stories/{story.pk}/return/"' in moderator.content.decode()
    )
    publish(story)
    published = client_for(people.colleague_b1).get(target)
    assert published.status_code == 200
    assert f'hx-post="/stories/{story.pk}/lift/"' in published.content.decode()  # Lyft on the story's page
    assert Client().get(target).status_code == 302


# ---- writing -------------------------------------------------------------------------------------


def test_a_written_story_with_an_image_is_sent_in_and_shown_to_its_writer(
    orgtree: Any, people: Any, values: Any
) -> None:
    client = client_for(people.writer_a1)
    data = story_data(values, attachments=[upload("bild.jpg", JPEG, "image/jpeg")])
    data["attachments_alt"] = "Kollegan vid sängen"
    data["text"] += " Patienten 19121212-1212 var tacksam."
    response = client.post("/stories/new/", data)
    story = Story.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/stories/{story.pk}/"
    assert story.status == Story.Status.SUBMITTED and story.author == people.writer_a1
    assert "19121212-****" in story.text
    attachment = StoryAttachment.objects.get()
    page = client.get(f"/stories/{story.pk}/").content.decode()
    assert f'src="/stories/{story.pk}/files/{attachment.pk}/" alt="Kollegan vid sängen"' in page
    image = client.get(f"/stories/{story.pk}/files/{attachment.pk}/")
    assert image.status_code == 200 and image["Content-Type"] == "image/jpeg"
    assert (
        client_for(people.colleague_b1).get(f"/stories/{story.pk}/files/{attachment.pk}/").status_code == 404
    )


@pytest.mark.parametrize(
    ("change", "field"),
    [({"consent": ""}, "consent"), ({"value_words": []}, "value_words"), ({"unit": "NOPE"}, "unit")],
)
def test_a_refused_story_keeps_everything_typed_and_names_the_field(
    people: Any, values: Any, change: dict[str, Any], field: str
) -> None:
    data = story_data(values, **change)
    response = client_for(people.writer_a1).post("/stories/new/", data)
    assert response.status_code == 400
    assert not Story.objects.exists()
    html = response.content.decode()
    assert data["text"] in html and 'value="Hon stannade kvar"' in html
    assert f'id="story_{field}_error"' in html or f"story_{field}_error" in html
    if field != "value_words":
        assert f'value="{values.engaged.pk}" id="story_value_words_1" checked' in html
    if field != "consent":
        assert 'name="consent" id="story_consent" checked' in html


def test_a_file_that_is_not_an_image_or_video_is_refused_with_415_and_the_limit_is_stated(
    people: Any, values: Any
) -> None:
    client = client_for(people.writer_a1)
    form = client.get("/stories/new/").content.decode()
    assert "25 MB" in form and 'accept="image/jpeg,image/png' in form and 'type="file"' in form
    data = story_data(values, attachments=[upload("virus.jpg", b"MZ\x90\x00" + b"\x00" * 64, "image/jpeg")])
    response = client.post("/stories/new/", data)
    assert response.status_code == 415 and not Story.objects.exists()
    assert "virus.jpg" in response.content.decode()


def test_a_file_over_the_limit_is_refused_with_413(people: Any, values: Any, settings: Any) -> None:
    settings.RODTRAD_STORY_ATTACHMENT_MB = 0
    data = story_data(values, attachments=[upload("bild.jpg", JPEG, "image/jpeg")])
    response = client_for(people.writer_a1).post("/stories/new/", data)
    assert response.status_code == 413 and not Story.objects.exists()


def test_a_positive_event_prefills_the_story_and_stays_its_source(
    orgtree: Any, people: Any, values: Any
) -> None:
    add_default_categories()
    event = improvement.report_event(
        by=people.writer_a1,
        unit=orgtree.a1,
        occurred_at=timezone.now() - dt.timedelta(hours=3),
        description="Undersköterskan märkte att patienten var orolig\nHon satt kvar och pratade.",
        category=Category.objects.get(code="positiv-handelse"),
        affected=Affected.PATIENT,
    )
    client = client_for(people.writer_a1)
    form = client.get(f"/stories/new/?event={event.pk}").content.decode()
    assert 'value="Undersköterskan märkte att patienten var orolig"' in form
    assert f'name="source_event" value="{event.pk}"' in form
    assert client_for(people.colleague_b1).get(f"/stories/new/?event={event.pk}").status_code == 404
    client.post("/stories/new/", story_data(values, source_event=event.pk))
    assert Story.objects.get().source_event == event


def test_the_text_field_carries_the_identity_number_warning(people: Any, values: Any) -> None:
    form = client_for(people.writer_a1).get("/stories/new/").content.decode()
    assert 'data-pnr-warning-for="story_text"' in form and "rodtrad/pnr.js" in form


# ---- the feed ------------------------------------------------------------------------------------


def test_the_feed_shows_published_stories_filtered_by_word_unit_and_year(
    orgtree: Any, people: Any, values: Any
) -> None:
    engaged = publish(make_story(people.writer_a1, orgtree.a1, [values.engaged], title="Engagerad i A1"))
    publish(make_story(people.colleague_b1, orgtree.b1, [values.open], title="Öppen i B1"))
    make_story(people.writer_a1, orgtree.a1, [values.engaged], title="Inte granskad")
    client = client_for(people.colleague_b1)
    everything = client.get("/stories/").content.decode()
    assert "Engagerad i A1" in everything and "Öppen i B1" in everything and "Inte granskad" not in everything
    by_word = client.get(f"/stories/?word={values.engaged.pk}").content.decode()
    assert "Engagerad i A1" in by_word and "Öppen i B1" not in by_word
    by_unit = client.get("/stories/?unit=B").content.decode()  # B1 lies under B
    assert "Öppen i B1" in by_unit and "Engagerad i A1" not in by_unit
    year = engaged.published_at.year if engaged.published_at else 0
    assert "Engagerad i A1" in client.get(f"/stories/?year={year}").content.decode()
    assert "Engagerad i A1" not in client.get(f"/stories/?year={year - 1}").content.decode()
    assert client.get("/stories/?year=abc").status_code == 400


def test_the_feed_reads_a_fixed_number_of_queries_for_fifty_stories(
    orgtree: Any, people: Any, values: Any, django_assert_max_num_queries: Any
) -> None:
    for i in range(55):
        publish(
            make_story(people.writer_a1, orgtree.a1, [values.engaged, values.open], title=f"Berättelse {i}")
        )
    client = client_for(people.colleague_b1)
    client.get("/stories/")
    with django_assert_max_num_queries(10):
        html = client.get(f"/stories/?word={values.engaged.pk}").content.decode()
    assert html.count('class="card story"') == 50 and "?word=" in html and "page=2" in html


def test_lifting_counts_once_per_person_with_htmx_and_without(orgtree: Any, people: Any, values: Any) -> None:
    story = publish(make_story(people.writer_a1, orgtree.a1, [values.engaged]))
    client = client_for(people.colleague_b1)
    plain = client.post(f"/stories/{story.pk}/lift/", {"next": "/stories/"})
    assert plain.status_code == 302 and plain["Location"] == "/stories/"
    again = client.post(f"/stories/{story.pk}/lift/", headers={"HX-Request": "true"})
    assert again.status_code == 200
    html = again.content.decode()
    assert 'aria-pressed="true"' in html and '<span class="lift__count">1</span>' in html
    assert StoryLift.objects.count() == 1
    client_for(people.editor_a1).post(f"/stories/{story.pk}/lift/")
    story.refresh_from_db()
    assert story.lifts == 2
    feed = client.get("/stories/").content.decode()
    assert 'aria-pressed="true"' in feed


def test_an_unpublished_story_cannot_be_lifted(orgtree: Any, people: Any, values: Any) -> None:
    story = make_story(people.writer_a1, orgtree.a1, [values.engaged])
    assert client_for(people.colleague_b1).post(f"/stories/{story.pk}/lift/").status_code == 404
    assert client_for(people.editor_a1).post(f"/stories/{story.pk}/lift/").status_code == 409


# ---- moderation and my stories -------------------------------------------------------------------


def test_the_editor_of_the_unit_publishes_from_the_moderation_list(
    orgtree: Any, people: Any, values: Any
) -> None:
    story = make_story(people.writer_a1, orgtree.a1, [values.engaged], title="Att granska")
    assert "Att granska" not in client_for(people.editor_b).get("/stories/moderation/").content.decode()
    editor = client_for(people.editor_a1)
    listing = editor.get("/stories/moderation/").content.decode()
    assert "Att granska" in listing and f'formaction="/stories/{story.pk}/publish/"' in listing
    response = editor.post(f"/stories/{story.pk}/publish/", {"version": story.version})
    assert response.status_code == 302 and response["Location"] == "/stories/moderation/"
    story.refresh_from_db()
    assert story.status == Story.Status.PUBLISHED and story.moderator == people.editor_a1
    assert (
        client_for(people.editor_b)
        .post(f"/stories/{story.pk}/return/", {"version": story.version})
        .status_code
        == 404
    )


def test_returning_needs_a_comment_which_the_writer_then_reads(
    orgtree: Any, people: Any, values: Any
) -> None:
    story = make_story(people.writer_a1, orgtree.a1, [values.engaged], title="Att granska")
    editor = client_for(people.editor_a1)
    refused = editor.post(f"/stories/{story.pk}/return/", {"version": story.version, "comment": ""})
    assert refused.status_code == 400 and f'id="moderate{story.pk}_comment_error"' in refused.content.decode()
    editor.post(
        f"/stories/{story.pk}/return/", {"version": story.version, "comment": "Ta bort namnet, tack."}
    )
    story.refresh_from_db()
    assert story.status == Story.Status.RETURNED
    writer = client_for(people.writer_a1)
    mine = writer.get("/stories/mine/").content.decode()
    assert "Ta bort namnet, tack." in mine and f'href="/stories/{story.pk}/edit/"' in mine
    home = writer.get("/").content.decode()
    assert f'href="/stories/{story.pk}/edit/"' in home  # on Min sida too
    resent = writer.post(
        f"/stories/{story.pk}/edit/",
        {
            "version": story.version,
            "title": "Utan namn",
            "text": "Kollegan stannade kvar.",
            "kind": "good_example",
            "value_words": [values.engaged.pk],
        },
    )
    assert resent.status_code == 302
    story.refresh_from_db()
    assert story.status == Story.Status.SUBMITTED and story.title == "Utan namn"
    assert client_for(people.colleague_b1).get(f"/stories/{story.pk}/edit/").status_code == 404


def test_a_stale_moderation_is_refused_on_the_page(orgtree: Any, people: Any, values: Any) -> None:
    story = make_story(people.writer_a1, orgtree.a1, [values.engaged])
    editor = client_for(people.editor_a1)
    editor.post(f"/stories/{story.pk}/publish/", {"version": story.version})
    late = editor.post(
        f"/stories/{story.pk}/return/", {"version": story.version, "comment": "Nej", "from": "story"}
    )
    assert late.status_code == 400
    story.refresh_from_db()
    assert story.status == Story.Status.PUBLISHED


def test_min_sida_tells_moderators_how_many_stories_wait(orgtree: Any, people: Any, values: Any) -> None:
    make_story(people.writer_a1, orgtree.a1, [values.engaged])
    home = client_for(people.editor_a1).get("/").content.decode()
    assert 'href="/stories/moderation/"' in home
    assert 'href="/stories/moderation/"' not in client_for(people.colleague_b1).get("/").content.decode()
