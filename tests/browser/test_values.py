"""Values in a real browser: the public pages and the compass, a story written, moderated, published and
found in the feed under its value word, and a value dialogue recorded; axe checks each page."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.utils import translation
from playwright.sync_api import Page, expect

from rodtrad.improvement.models import Action
from rodtrad.values.models import Dialogue, Story, ValueWord

pytestmark = pytest.mark.browser

SignIn = Callable[[Page, str], None]
Check = Callable[[Page], None]
TITLE = "Han hämtade tolken själv"
MENU = "Huvudmeny"
VALUES_MENU = "Värdegrund"


def _sign_out(page: Page) -> None:
    page.get_by_role("button", name="Logga ut").click()
    expect(page.get_by_label("Användarnamn")).to_be_visible()


def test_the_public_pages_and_the_compass_need_no_login_and_are_accessible(
    page: Page, accessible: Check
) -> None:
    page.goto("/vision/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Vision och värdegrund")
    expect(page.get_by_role("region", name="Vår vision")).to_contain_text("Hälsolänet")
    compass = page.get_by_role("img", name="Värdekompassen för Landstingets värdegrund")
    expect(compass).to_be_visible()
    expect(page.locator(".compass__text")).to_contain_text("Engagerat")
    expect(page.get_by_text("Senast uppdaterad")).to_be_visible()
    expect(page.get_by_role("navigation", name=MENU)).to_have_count(0)
    accessible(page)

    page.get_by_role("region", name="Våra värdeord").get_by_role("link", name="Engagerat").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Engagerat")
    expect(page.get_by_role("region", name="Varjedag-berättelser")).to_contain_text(
        "Hon satt kvar tills dottern kom"
    )
    page.get_by_role("button", name="Ja").click()
    expect(page.get_by_role("status")).to_contain_text("Tack för ditt svar")
    accessible(page)


def test_a_story_is_written_moderated_published_and_found_under_its_value_word(
    page: Page, sign_in: SignIn, accessible: Check
) -> None:
    sign_in(page, "rapportor")
    page.get_by_role("navigation", name=MENU).get_by_role("link", name="Värdegrund").click()
    page.get_by_role("navigation", name=VALUES_MENU).get_by_role(
        "link", name="Berättelser", exact=True
    ).click()
    page.get_by_role("link", name="Skriv en berättelse").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Skriv en berättelse")
    page.get_by_label("Titel").fill(TITLE)
    story = page.get_by_label("Din berättelse")
    story.fill("Tolken uteblev. Min kollega ringde runt tills en telefontolk svarade, 19121212-1212.")
    expect(page.locator("#story_text_pnr")).to_contain_text("19121212-****")
    story.fill("Tolken uteblev. Min kollega ringde runt tills en telefontolk svarade inom tio minuter.")
    expect(page.locator("#story_text_pnr")).to_have_text("")
    expect(page.get_by_label("Enhet (kod)")).to_have_value(re.compile("KLL-"))
    page.get_by_role("group", name="Värdeord som berättelsen visar").get_by_label("Engagerat").check()
    accessible(page)
    page.get_by_role("button", name="Skicka in berättelsen").click()
    expect(page.get_by_role("alert")).to_contain_text("skickades inte in")  # consent not given
    expect(page.get_by_label("Titel")).to_have_value(TITLE)
    page.get_by_label(re.compile("Jag intygar att berättelsen får publiceras")).check()
    page.get_by_role("button", name="Skicka in berättelsen").click()
    expect(page.get_by_role("status")).to_contain_text("Tack!")
    with translation.override("sv"):
        awaiting = str(Story.Status.SUBMITTED.label)
    expect(page.get_by_role("note")).to_contain_text(awaiting)
    assert Story.objects.get(title=TITLE).status == Story.Status.SUBMITTED
    _sign_out(page)

    sign_in(page, "redaktor")
    page.get_by_role("link", name=re.compile("väntar på granskning")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Berättelser att granska")
    card = page.get_by_role("article", name=TITLE)
    accessible(page)
    card.get_by_role("button", name="Publicera").click()
    expect(page.get_by_role("status")).to_contain_text("publicerades")
    assert Story.objects.get(title=TITLE).status == Story.Status.PUBLISHED

    page.get_by_role("navigation", name=VALUES_MENU).get_by_role(
        "link", name="Berättelser", exact=True
    ).click()
    page.get_by_role("combobox", name="Värdeord").select_option(label="Engagerat")
    page.get_by_role("button", name="Visa", exact=True).click()
    found = page.get_by_role("article", name=TITLE)
    expect(found).to_be_visible()
    expect(found.get_by_role("list", name="Värdeord")).to_contain_text("Engagerat")
    found.get_by_role("button", name=re.compile("Lyft")).click()
    expect(found.get_by_role("button", name=re.compile("Lyft"))).to_have_attribute("aria-pressed", "true")
    expect(found.locator(".lift__count")).to_have_text("1")
    expect(found.get_by_role("button", name=re.compile("Lyft"))).to_be_focused()  # htmx kept the focus
    accessible(page)
    engaged = ValueWord.objects.get(word="Engagerat", value_base__primary=True)
    assert page.url.endswith(f"?word={engaged.pk}&unit=&year=")


def test_the_manager_records_a_value_dialogue_and_quality_drills_into_the_coverage(
    page: Page, sign_in: SignIn, accessible: Check
) -> None:
    sign_in(page, "chef")
    page.goto("/dialogues/")
    page.get_by_role("link", name="Registrera en värdegrundsdialog").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Registrera en värdegrundsdialog")
    page.get_by_label("Antal deltagare").fill("11")
    words = page.get_by_role("group", name="Värdeord som diskuterades")
    words.get_by_label("Öppet").check()
    words.get_by_label("Kunnigt").check()
    page.get_by_label("Vad betyder det för oss").fill("Vi säger till direkt och delar det vi lär oss.")
    page.get_by_role("button", name="En rad till").click()
    expect(page.get_by_label("Vad betyder det för oss")).to_have_value(
        "Vi säger till direkt och delar det vi lär oss."
    )
    rows = page.locator(".commitment-row")
    expect(rows).to_have_count(4)
    rows.nth(0).get_by_label("Åtagande").fill("Lärande exempel på varje APT")
    rows.nth(0).get_by_label("Klart senast").fill("2030-06-30")
    accessible(page)
    page.get_by_role("button", name="Registrera dialogen").click()
    expect(page.get_by_role("status")).to_contain_text("registrerades")
    expect(page.get_by_role("region", name="Vad vi ska göra", exact=True)).to_contain_text(
        "Lärande exempel på varje APT"
    )
    dialogue = Dialogue.objects.get(conclusions="Vi säger till direkt och delar det vi lär oss.")
    assert Action.objects.filter(source_id=dialogue.pk, title="Lärande exempel på varje APT").exists()

    page.get_by_role("navigation", name="Brödsmulor").get_by_role("link", name="Värdegrundsdialoger").click()
    _sign_out(page)
    sign_in(page, "kvalitet")  # the förvaltning's quality coordinator drills into it
    page.goto("/dialogues/")
    page.get_by_role("link", name=re.compile("Vilka enheter som hållit sin dialog")).click()
    expect(page.get_by_role("img", name=re.compile("Andel enheter"))).to_be_visible()
    table = page.get_by_role("table", name=re.compile("Enheter som hållit en värdegrundsdialog"))
    table.get_by_role("link").first.click()
    expect(page.get_by_role("heading", name=re.compile("Enheter utan dialog"))).to_be_visible()
    accessible(page)


def test_the_compass_and_the_story_form_fit_a_phone(phone: Page, sign_in: SignIn, accessible: Check) -> None:
    phone.goto("/vision/")
    box = phone.get_by_role("img", name=re.compile("Värdekompassen")).bounding_box()
    assert box is not None and 300 <= box["width"] <= 375
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375  # nothing scrolls sideways
    sign_in(phone, "lasare")
    phone.goto("/stories/new/")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    accessible(phone)
