"""Values in a real browser: the public pages and the compass, a story written, moderated, published and
found in the feed under its value word, and a value dialogue recorded; axe checks each page.

The pages' own words are looked up through gettext (``sv``), so the test reads what the Swedish
interface shows whether or not the catalogue has been compiled since they were written.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone, translation
from playwright.sync_api import Page, expect

from rodtrad.improvement.models import Action
from rodtrad.values.models import Dialogue, Story, ValueWord

pytestmark = pytest.mark.browser

SignIn = Callable[[Page, str], None]
Check = Callable[[Page], None]
TITLE = "Han hämtade tolken själv"
MEANING = "Vi säger till direkt och delar det vi lär oss."
COMMITMENT = "Lärande exempel på varje APT"
MENU = "Huvudmeny"
BASE = "Landstingets värdegrund"


def sv(msgid: str, **params: Any) -> str:
    """What the Swedish interface shows for ``msgid``."""
    with translation.override("sv"):
        text = translation.gettext(msgid)
    return text % params if params else text


def _values_menu(page: Page) -> Any:
    return page.get_by_role("navigation", name=sv("Value base"), exact=True)


def _sign_out(page: Page) -> None:
    page.get_by_role("button", name="Logga ut").click()
    expect(page.get_by_label("Användarnamn")).to_be_visible()


def test_the_public_pages_and_the_compass_need_no_login_and_are_accessible(
    page: Page, accessible: Check
) -> None:
    page.goto("/vision/")
    expect(page.get_by_role("heading", level=1)).to_have_text(sv("Vision and value base"))
    expect(page.get_by_role("region", name=sv("Our vision"))).to_contain_text("Hälsolänet")
    expect(page.get_by_role("img", name=sv("The value compass of %(name)s", name=BASE))).to_be_visible()
    expect(page.locator(".compass__text")).to_contain_text("Engagerat")
    expect(page.get_by_text("Senast uppdaterad")).to_be_visible()
    expect(page.get_by_role("navigation", name=MENU)).to_have_count(0)
    accessible(page)

    page.get_by_role("region", name=sv("Our value words")).get_by_role("link", name="Engagerat").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Engagerat")
    expect(page.get_by_role("region", name=sv("Everyday stories"))).to_contain_text(
        "Hon satt kvar tills dottern kom"
    )
    page.get_by_role("button", name="Ja").click()
    expect(page.get_by_role("status")).to_contain_text("Tack för ditt svar")
    accessible(page)


def test_a_story_is_written_moderated_published_and_found_under_its_value_word(
    page: Page, sign_in: SignIn, accessible: Check
) -> None:
    sign_in(page, "rapportor")
    page.get_by_role("navigation", name=MENU).get_by_role("link", name=sv("Value base")).click()
    _values_menu(page).get_by_role("link", name=sv("Stories"), exact=True).click()
    page.get_by_role("link", name=sv("Write a story")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(sv("Write a story"))
    page.get_by_label(sv("Title"), exact=True).fill(TITLE)
    story = page.get_by_label(sv("Your story"))
    story.fill("Tolken uteblev. Min kollega ringde runt tills en telefontolk svarade, 19121212-1212.")
    expect(page.locator("#story_text_pnr")).to_contain_text("19121212-****")
    story.fill("Tolken uteblev. Min kollega ringde runt tills en telefontolk svarade inom tio minuter.")
    expect(page.locator("#story_text_pnr")).to_have_text("")
    expect(page.get_by_label(sv("Unit (code)"))).to_have_value(re.compile("KLL-"))
    page.get_by_role("group", name=sv("Value words the story shows")).get_by_label("Engagerat").check()
    accessible(page)
    send = page.get_by_role("button", name=sv("Send in the story"))
    send.click()
    expect(page.locator("#story_consent_error")).to_be_visible()  # consent not given: refused
    expect(page.get_by_label(sv("Title"), exact=True)).to_have_value(TITLE)
    page.get_by_label(
        sv("I confirm that the story may be published, and that the colleagues I name agree.")
    ).check()
    send.click()
    expect(page.get_by_role("status")).to_contain_text(
        sv("Thank you! Your story was sent in; an editor reads it before it is published.")
    )
    with translation.override("sv"):
        awaiting = str(Story.Status.SUBMITTED.label)
    expect(page.get_by_role("note")).to_contain_text(awaiting)
    assert Story.objects.get(title=TITLE).status == Story.Status.SUBMITTED
    _sign_out(page)

    sign_in(page, "redaktor")
    page.locator("main a[href='/stories/moderation/']").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(sv("Stories to moderate"))
    card = page.get_by_role("article", name=TITLE)
    accessible(page)
    card.get_by_role("button", name=sv("Publish"), exact=True).click()
    expect(page.get_by_role("status")).to_contain_text(sv("The story %(title)s was published.", title=TITLE))
    assert Story.objects.get(title=TITLE).status == Story.Status.PUBLISHED

    _values_menu(page).get_by_role("link", name=sv("Stories"), exact=True).click()
    page.get_by_role("combobox", name=sv("Value word")).select_option(label="Engagerat")
    page.get_by_role("button", name=sv("Show"), exact=True).click()
    found = page.get_by_role("article", name=TITLE)
    expect(found).to_be_visible()
    expect(found.get_by_role("list", name=sv("Value words"))).to_contain_text("Engagerat")
    lift = found.get_by_role("button", name=re.compile(sv("Lift")))
    lift.click()
    expect(lift).to_have_attribute("aria-pressed", "true")
    expect(found.locator(".lift__count")).to_have_text("1")
    expect(lift).to_be_focused()  # htmx swapped the button in place and kept the focus on it
    accessible(page)
    engaged = ValueWord.objects.get(word="Engagerat", value_base__primary=True)
    assert page.url.endswith(f"?word={engaged.pk}&unit=&year=")


def test_the_manager_records_a_value_dialogue_and_quality_drills_into_the_coverage(
    page: Page, sign_in: SignIn, accessible: Check
) -> None:
    year = timezone.localdate().year
    sign_in(page, "chef")
    page.goto("/dialogues/")
    page.get_by_role("link", name=sv("Record a value dialogue")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(sv("Record a value dialogue"))
    page.get_by_label(sv("Number of participants")).fill("11")
    words = page.get_by_role("group", name=sv("Value words discussed"))
    words.get_by_label("Öppet").check()
    words.get_by_label("Kunnigt").check()
    meaning = page.get_by_label(sv("What it means for us"))
    meaning.fill(MEANING)
    page.get_by_role("button", name=sv("One more row")).click()
    expect(meaning).to_have_value(MEANING)
    rows = page.locator(".commitment-row")
    expect(rows).to_have_count(4)
    rows.nth(0).get_by_label(sv("Commitment")).fill(COMMITMENT)
    rows.nth(0).get_by_label(sv("Due date")).fill("2030-06-30")
    accessible(page)
    page.get_by_role("button", name=sv("Record the dialogue")).click()
    expect(page.get_by_role("status")).to_contain_text(sv("The value dialogue was recorded."))
    expect(page.get_by_role("region", name=sv("What we will do"), exact=True)).to_contain_text(COMMITMENT)
    dialogue = Dialogue.objects.get(conclusions=MEANING)
    assert Action.objects.filter(source_id=dialogue.pk, title=COMMITMENT).exists()

    _sign_out(page)
    sign_in(page, "kvalitet")  # the förvaltning's quality coordinator drills into it
    page.goto("/dialogues/")
    page.get_by_role("link", name=sv("Which units have held their dialogue in %(year)s", year=year)).click()
    chart = sv(
        "Share of units that held a value dialogue in %(year)s; the table beside it gives the numbers.",
        year=year,
    )
    expect(page.get_by_role("img", name=chart)).to_be_visible()
    table = page.get_by_role("table", name=sv("Units that held a value dialogue in %(year)s", year=year))
    table.get_by_role("link").first.click()
    expect(
        page.get_by_role("heading", name=sv("Units without a dialogue in %(year)s", year=year))
    ).to_be_visible()
    accessible(page)


def test_the_compass_and_the_story_form_fit_a_phone(phone: Page, sign_in: SignIn, accessible: Check) -> None:
    phone.goto("/vision/")
    box = phone.get_by_role("img", name=sv("The value compass of %(name)s", name=BASE)).bounding_box()
    assert box is not None and 300 <= box["width"] <= 375
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375  # nothing scrolls sideways
    sign_in(phone, "lasare")
    phone.goto("/stories/new/")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    accessible(phone)
