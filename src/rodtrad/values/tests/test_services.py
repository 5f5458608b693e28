"""Value bases, value words, dialogues and stories through the services."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from rodtrad.core.access import SYSTEM
from rodtrad.core.errors import IllegalTransition, StaleWrite
from rodtrad.core.models import AuditEntry, Notification
from rodtrad.goals import services as goals
from rodtrad.improvement import services as improvement
from rodtrad.improvement.defaults import add_default_categories
from rodtrad.improvement.models import Action, Affected, Category
from rodtrad.values import services
from rodtrad.values.models import Story, ValueBase
from rodtrad.values.tests.factories import (
    JPEG,
    MP4,
    WEBM,
    make_base,
    make_dialogue,
    make_story,
    make_word,
    publish,
    upload,
)

# ---- value bases and words ---------------------------------------------------------------------


def test_a_new_primary_value_base_makes_the_former_one_ordinary(values, people):
    second = services.save_value_base(
        by=people.quality_r,
        name="Regional utveckling",
        primary=True,
        perspectives=[("Medarbetarens perspektiv", "Vi är kunniga."), ("Organisationens", "")],
    )
    assert services.primary_value_base() == second
    values.base.refresh_from_db()
    assert not values.base.primary
    assert [p.name for p in second.perspectives.all()] == ["Medarbetarens perspektiv", "Organisationens"]
    assert AuditEntry.objects.for_object(second).exists()


def test_perspectives_are_replaced_as_given_and_the_change_is_audited(values, people):
    base = services.save_value_base(
        by=people.quality_r,
        value_base=values.base,
        version=values.base.version,
        name=values.base.name,
        primary=True,
        perspectives=[("Medarbetarens perspektiv", "Text")],
    )
    assert [(p.name, p.text) for p in base.perspectives.all()] == [("Medarbetarens perspektiv", "Text")]
    entry = AuditEntry.objects.for_object(base).order_by("-seq")[0]
    assert entry.changes["perspectives"][1] == [["Medarbetarens perspektiv", "Text"]]


def test_only_the_top_units_admins_and_quality_edit_value_bases(values, people):
    with pytest.raises(PermissionDenied):
        services.save_value_base(by=people.quality_a, name="Förvaltningens egen")
    with pytest.raises(PermissionDenied):
        services.save_value_word(by=people.editor_a1, value_base=values.base, word="Modigt")


def test_a_stale_value_base_write_is_refused(values, people):
    with pytest.raises(StaleWrite):
        services.save_value_base(
            by=people.quality_r, value_base=values.base, version=values.base.version + 5, name="Ny"
        )


def test_value_words_keep_their_order_and_behaviours(values):
    words = list(values.base.words.all())
    assert [w.word for w in words] == ["Öppet", "Engagerat", "Kunnigt"]
    assert [w.slug for w in words] == ["oppet", "engagerat", "kunnigt"]
    changed = services.save_value_word(
        by=SYSTEM,
        value_base=values.base,
        value_word=values.open,
        version=values.open.version,
        word="Öppet",
        behaviours=["Först detta", "  ", "Sedan detta"],
    )
    assert [b.text for b in changed.behaviours.all()] == ["Först detta", "Sedan detta"]


def test_the_same_word_twice_in_a_value_base_is_refused(values):
    with pytest.raises(ValidationError) as info:
        make_word(values.base, "öppet")
    assert "word" in info.value.message_dict


def test_a_goal_cites_value_words_when_its_editor_says_so(values, people, orgtree):
    area = goals.create_area(by=SYSTEM, name="Medarbetare", colour="#1f6f8b")
    goal = goals.create_goal(by=SYSTEM, area=area, unit=orgtree.a1, title="Trygg arbetsplats", year_from=2026)
    with pytest.raises(PermissionDenied):
        services.cite_value_words(goal, by=people.editor_b, words=[values.open])
    services.cite_value_words(goal, by=people.editor_a1, words=[values.open, values.engaged])
    assert set(values.open.goals.all()) == {goal}
    assert AuditEntry.objects.for_object(goal).order_by("-seq")[0].changes["value_words"] == [
        [],
        sorted([values.open.pk, values.engaged.pk]),
    ]


# ---- dialogues -----------------------------------------------------------------------------------


def test_a_dialogues_commitments_become_actions_from_the_dialogue(values, people, orgtree):
    due = timezone.localdate() + dt.timedelta(days=60)
    dialogue = make_dialogue(
        people.manager_a1,
        orgtree.a1,
        [values.open],
        commitments=[
            ("Ta upp värdeorden på APT", None, due),
            ("Lyft en berättelse i månaden", people.editor_a1, due),
        ],
    )
    actions = Action.objects.filter(source_id=dialogue.pk).order_by("pk")
    assert [(a.title, a.owner, a.unit) for a in actions] == [
        ("Ta upp värdeorden på APT", people.manager_a1, orgtree.a1),
        ("Lyft en berättelse i månaden", people.editor_a1, orgtree.a1),
    ]
    assert all(a.source == dialogue for a in actions)


def test_only_managers_and_quality_record_a_dialogue(values, people, orgtree):
    with pytest.raises(PermissionDenied):
        make_dialogue(people.writer_a1, orgtree.a1, [values.open])
    with pytest.raises(PermissionDenied):
        make_dialogue(people.manager_a1, orgtree.b1, [values.open])


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"words": []}, "value_words"),
        ({"participants": 0}, "participants"),
        ({"conclusions": "  "}, "conclusions"),
        ({"held_on": timezone.localdate() + dt.timedelta(days=3)}, "held_on"),
    ],
)
def test_an_incomplete_dialogue_is_refused_naming_the_field(values, people, orgtree, change, field):
    words = change.pop("words", [values.open])
    with pytest.raises(ValidationError) as info:
        make_dialogue(people.manager_a1, orgtree.a1, words, **change)
    assert field in info.value.message_dict


def test_coverage_per_forvaltning_counts_workplaces_that_held_a_dialogue_this_year(values, people, orgtree):
    from rodtrad.core.tests.factories import make_unit

    a2 = make_unit(orgtree.a, name="Enhet A2", code="A2")
    make_dialogue(people.quality_r, orgtree.a1, [values.open])
    make_dialogue(people.quality_r, orgtree.a1, [values.open], held_on=dt.date(2026, 9, 1))
    make_dialogue(people.quality_r, orgtree.b1, [values.open], held_on=dt.date(2025, 5, 1))
    result = services.coverage(2026, by=people.quality_r)
    assert [(r.unit, r.units, r.held, r.percent) for r in result.rows] == [
        (orgtree.a, 2, 1, 50.0),
        (orgtree.b, 1, 0, 0.0),
    ]
    assert (result.units, result.held, result.percent) == (3, 1, 33.3)
    assert result.rows[0].units_without == []
    one = services.coverage(2026, by=people.quality_r, under=orgtree.a)
    assert [(r.unit, r.held, r.units_without) for r in one.rows] == [(orgtree.a1, 1, []), (a2, 0, [a2])]


def test_coverage_shows_only_the_units_the_person_may_see(values, people, orgtree):
    make_dialogue(people.quality_r, orgtree.b1, [values.open])
    result = services.coverage(2026, by=people.manager_a1)
    assert [(r.unit, r.units, r.held) for r in result.rows] == [(orgtree.a, 1, 0)]
    with pytest.raises(PermissionDenied):
        services.coverage(2026, by=people.manager_a1, under=orgtree.b)


# ---- stories --------------------------------------------------------------------------------------


def test_a_story_without_a_value_word_or_consent_is_refused(values, people, orgtree):
    with pytest.raises(ValidationError) as info:
        make_story(people.writer_a1, orgtree.a1, [])
    assert "value_words" in info.value.message_dict
    with pytest.raises(ValidationError) as info:
        make_story(people.writer_a1, orgtree.a1, [values.engaged], consent=False)
    assert "consent" in info.value.message_dict
    assert not Story.objects.exists()


def test_personal_identity_numbers_in_a_story_are_masked(values, people, orgtree):
    story = make_story(
        people.writer_a1, orgtree.a1, [values.engaged], text="Patienten 19121212-1212 fick hjälp direkt."
    )
    assert story.text == "Patienten 19121212-**** fick hjälp direkt."


def test_a_new_story_awaits_moderation_and_its_moderators_hear_of_it(
    values, people, orgtree, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        story = make_story(people.writer_a1, orgtree.a1, [values.engaged])
    assert (story.status, story.author) == (Story.Status.SUBMITTED, people.writer_a1)
    told = set(Notification.objects.values_list("user__username", flat=True))
    assert told == {"editor_a1", "quality_a", "quality_r"}


@pytest.mark.parametrize(
    ("name", "content", "media_type"),
    [("a.jpg", JPEG, "image/jpeg"), ("film.mp4", MP4, "video/mp4"), ("film.webm", WEBM, "video/webm")],
)
def test_images_and_short_videos_are_attached_with_the_type_their_content_shows(
    values, people, orgtree, name, content, media_type
):
    story = make_story(
        people.writer_a1, orgtree.a1, [values.engaged], attachments=[upload(name, content, "text/plain")]
    )
    (attachment,) = story.attachments.all()
    assert (attachment.name, attachment.content_type, attachment.size) == (name, media_type, len(content))


def test_a_file_that_only_claims_to_be_an_image_is_refused(values, people, orgtree):
    fake = upload("bild.png", b"MZ\x90\x00 not an image at all", "image/png")
    with pytest.raises(services.UnsupportedMedia):
        make_story(people.writer_a1, orgtree.a1, [values.engaged], attachments=[fake])
    assert not Story.objects.exists()


def test_an_attachment_over_the_limit_is_refused(values, people, orgtree, settings):
    settings.RODTRAD_STORY_ATTACHMENT_MB = 1
    big = upload("stor.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * (1024 * 1024))
    with pytest.raises(services.TooLarge):
        make_story(people.writer_a1, orgtree.a1, [values.engaged], attachments=[big])
    assert not Story.objects.exists()


def test_unpublished_stories_are_read_only_by_the_writer_and_the_moderators(values, people, orgtree):
    story = make_story(people.writer_a1, orgtree.a1, [values.engaged])
    for user in (people.writer_a1, people.editor_a1, people.quality_a, people.quality_r):
        assert story in services.readable_stories(user), user
    for user in (people.colleague_b1, people.editor_b, people.manager_a1, people.nobody):
        assert story not in services.readable_stories(user), user
    publish(story, people.editor_a1)
    assert story in services.readable_stories(people.colleague_b1)
    assert story in services.readable_stories(people.nobody)


def test_an_editor_of_the_stories_unit_publishes_it_and_the_writer_hears(
    values, people, orgtree, django_capture_on_commit_callbacks
):
    story = make_story(people.writer_a1, orgtree.a1, [values.engaged])
    with pytest.raises(PermissionDenied):
        publish(story, people.editor_b)
    Notification.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        published = publish(story, people.editor_a1)
    assert (published.status, published.moderator) == (Story.Status.PUBLISHED, people.editor_a1)
    assert published.published_at is not None
    assert Notification.objects.get().user == people.writer_a1
    with pytest.raises(IllegalTransition):
        publish(story, people.editor_a1)


def test_a_returned_story_goes_back_with_a_comment_and_the_writer_resubmits_it(values, people, orgtree):
    story = make_story(people.writer_a1, orgtree.a1, [values.engaged])
    with pytest.raises(ValidationError):
        services.return_story(story, by=people.editor_a1, version=story.version, comment=" ")
    returned = services.return_story(
        story, by=people.editor_a1, version=story.version, comment="Ta bort efternamnet."
    )
    assert (returned.status, returned.moderator_comment) == (Story.Status.RETURNED, "Ta bort efternamnet.")
    with pytest.raises(PermissionDenied):
        services.resubmit_story(returned, by=people.colleague_b1, version=returned.version, text="x")
    again = services.resubmit_story(
        returned,
        by=people.writer_a1,
        version=returned.version,
        text="Utan namn nu.",
        value_words=[values.open],
    )
    assert (again.status, again.text) == (Story.Status.SUBMITTED, "Utan namn nu.")
    assert list(again.value_words.all()) == [values.open]
    with pytest.raises(IllegalTransition):
        services.resubmit_story(again, by=people.writer_a1, version=again.version)


def test_a_published_story_can_be_withdrawn_by_returning_it(values, people, orgtree):
    story = publish(make_story(people.writer_a1, orgtree.a1, [values.engaged]))
    returned = services.return_story(story, by=people.quality_a, version=story.version, comment="Fel enhet.")
    assert (returned.status, returned.published_at) == (Story.Status.RETURNED, None)
    assert story not in services.readable_stories(people.colleague_b1)


def test_lifting_a_story_twice_counts_once(values, people, orgtree):
    story = publish(make_story(people.writer_a1, orgtree.a1, [values.engaged]))
    services.lift_story(story, by=people.colleague_b1)
    services.lift_story(story, by=people.colleague_b1)
    services.lift_story(story, by=people.editor_b)
    story.refresh_from_db()
    assert story.lifts == 2
    assert story.lifted_by.count() == 2


def test_only_a_published_story_can_be_lifted(values, people, orgtree):
    story = make_story(people.writer_a1, orgtree.a1, [values.engaged])
    with pytest.raises(IllegalTransition):
        services.lift_story(story, by=people.editor_a1)


@pytest.fixture
def positive_event(people, orgtree):
    add_default_categories()
    return improvement.report_event(
        by=people.writer_a1,
        unit=orgtree.a1,
        occurred_at=timezone.now() - dt.timedelta(hours=3),
        description="Undersköterskan märkte att patienten var orolig\nHon satt kvar och pratade.",
        category=Category.objects.get(code="positiv-handelse"),
        affected=Affected.PATIENT,
    )


def test_a_positive_event_becomes_a_story_draft_for_someone_who_sees_it(people, orgtree, positive_event):
    draft = services.story_draft_from_event(positive_event, by=people.writer_a1)
    assert draft["title"] == "Undersköterskan märkte att patienten var orolig"
    assert draft["unit"] == orgtree.a1
    assert draft["source_event"] == positive_event
    with pytest.raises(ValidationError):
        services.story_draft_from_event(positive_event, by=people.colleague_b1)


def test_a_story_from_an_event_keeps_its_source(values, people, orgtree, positive_event):
    draft = services.story_draft_from_event(positive_event, by=people.writer_a1)
    story = make_story(
        people.writer_a1,
        orgtree.a1,
        [values.engaged],
        title=draft["title"],
        text=draft["text"],
        source_event=draft["source_event"],
    )
    assert story.source_event == positive_event


def test_a_deviation_does_not_become_a_story(people, orgtree):
    add_default_categories()
    event = improvement.report_event(
        by=people.writer_a1,
        unit=orgtree.a1,
        occurred_at=timezone.now() - dt.timedelta(hours=3),
        description="Patienten föll.",
        category=Category.objects.get(code="fall"),
        affected=Affected.PATIENT,
    )
    with pytest.raises(ValidationError):
        services.story_draft_from_event(event, by=people.writer_a1)


def test_value_base_lists_first_the_primary(values):
    make_base("Regional utveckling", primary=False)
    assert [b.name for b in ValueBase.objects.all()] == ["Vår värdegrund", "Regional utveckling"]


@pytest.mark.parametrize(
    ("head", "media_type"),
    [
        (b"GIF89a\x01\x00", "image/gif"),
        (b"RIFF\x10\x00\x00\x00WEBPVP8 ", "image/webp"),
        (b"RIFF\x10\x00\x00\x00WAVEfmt ", None),
        (b"\x00\x00\x00\x18ftypheic", None),
        (b"%PDF-1.7", None),
        (b"", None),
    ],
)
def test_media_is_recognised_by_its_first_bytes(head, media_type):
    assert services.sniff(head) == media_type
