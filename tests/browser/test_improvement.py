"""The improvement loop in a real browser at phone size: a nurse reports an event in a few taps (a
personal identity number in the text is flagged as she types and saved masked), the manager
triages it, adds an action and closes it, and the nurse sees the outcome in Mina rapporter."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import Browser, Page, expect

from rodtrad.core import pnr
from rodtrad.core.models import User
from rodtrad.improvement.models import Action, Event

pytestmark = pytest.mark.browser

SignIn = Callable[[Page, str], None]
Check = Callable[[Page], None]
PNR = "19121212-1212"
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


def sv(text: str) -> str:
    """A UI string as the Swedish pages show it, whether or not its translation is compiled yet."""
    with translation.override("sv"):
        return gettext(text)


@pytest.fixture
def phones(browser: Browser, live_server: Any, demo: None) -> Iterator[Callable[[], Page]]:
    """``phones()`` opens one more phone-sized browser, each with its own sign-in."""
    contexts = []

    def open_phone() -> Page:
        context = browser.new_context(base_url=live_server.url, locale="sv-SE", **PHONE)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield open_phone
    for context in contexts:
        context.close()


def test_report_triage_act_close_and_the_reporter_sees_the_outcome(
    phones: Callable[[], Page], sign_in: SignIn, accessible: Check
) -> None:
    nurse = phones()
    sign_in(nurse, "rapportor")
    nurse.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name=sv("Report an event")).click()
    expect(nurse.get_by_role("heading", level=1)).to_have_text(sv("Report an event"))
    expect(nurse.locator("#report_unit")).to_have_value(
        str(User.objects.get(username="rapportor").home_unit_id)
    )

    # Four field interactions: what, category, who, what was done (time and unit are pre-filled).
    nurse.locator("#report_description").press_sequentially(f"Patient {PNR} föll vid sängen på sal 4.")
    warning = nurse.locator("#report_description_pnr")
    expect(warning).to_contain_text("19121212-****")
    expect(warning).to_have_attribute("aria-live", "polite")
    nurse.locator("#report_category").select_option(label="Fall")
    nurse.locator("#report_affected").get_by_label(sv("Patient")).check()
    nurse.locator("#report_immediate_action").fill("Läkare tillkallades, ingen synlig skada.")
    accessible(nurse)
    assert nurse.evaluate("() => document.documentElement.scrollWidth") <= 390  # no sideways scrolling
    nurse.get_by_role("button", name=sv("Send the report")).click()

    expect(nurse.get_by_role("heading", level=1)).to_have_text(sv("My reports"))
    event = Event.objects.filter(reporter__username="rapportor").latest("pk")
    card = nurse.locator(f"#event-{event.pk}")
    expect(card).to_contain_text("19121212-****")
    assert PNR not in nurse.content()
    assert nurse.evaluate("() => Object.keys(localStorage).filter(k => k.startsWith('rodtrad:draft'))") == []
    accessible(nurse)

    manager = phones()
    sign_in(manager, "chef")
    manager.get_by_role("navigation", name="Huvudmeny").get_by_role(
        "link", name=sv("Events"), exact=True
    ).click()
    expect(manager.get_by_role("table")).to_contain_text("föll vid sängen")
    accessible(manager)
    manager.get_by_role("link", name=str(event.pk), exact=True).click()
    expect(manager.get_by_role("heading", level=1)).to_contain_text(str(event.pk))
    expect(manager.locator("#facts")).to_contain_text("Rasmus Rapportör")  # handlers see who reported
    accessible(manager)

    manager.locator("#triage_probability").get_by_label("3").check()
    manager.locator("#triage_consequence").get_by_label("2").check()
    manager.locator("#triage_harm").select_option("risk")
    manager.get_by_role("button", name=sv("Save the assessment")).click()
    expect(manager.locator("#triage").get_by_role("status")).to_be_visible()  # swapped in place by htmx
    expect(manager.locator(".matrix__current")).to_contain_text("6")
    assert Event.objects.get(pk=event.pk).status == Event.Status.TRIAGED

    manager.locator("summary", has_text=sv("Add an action")).click()
    manager.locator("#action_title").fill("Sänggrindar uppe nattetid")
    manager.locator("#action_owner").select_option(str(User.objects.get(username="chef").pk))
    manager.locator("#action_due_date").fill("2099-01-31")
    manager.get_by_role("button", name=sv("Add the action")).click()
    expect(manager.get_by_role("status")).to_contain_text(sv("The action was added."))
    manager.get_by_role("link", name="Sänggrindar uppe nattetid").click()
    expect(manager.get_by_role("heading", level=1)).to_have_text("Sänggrindar uppe nattetid")
    accessible(manager)
    assert Action.objects.get(title="Sänggrindar uppe nattetid").source == Event.objects.get(pk=event.pk)
    manager.go_back()

    manager.locator("#close_comment").fill("Rutinen för sänggrindar är uppdaterad.")
    manager.get_by_role("button", name=sv("Close the event")).click()
    expect(manager.locator("#facts")).to_contain_text("Rutinen för sänggrindar är uppdaterad.")

    manager.goto("/complaints/new/")
    manager.locator("#complaint_channel").select_option("1177")
    manager.locator("#complaint_sender").get_by_label(sv("Relative")).check()
    manager.locator("#complaint_description").fill("Anhörig saknade information om fallet.")
    manager.locator("#complaint_events").fill(str(event.pk))
    accessible(manager)
    manager.get_by_role("button", name=sv("Register")).click()
    expect(manager.get_by_role("heading", level=1)).to_contain_text(
        sv("Complaint %(number)s") % {"number": ""}
    )
    accessible(manager)

    manager.goto("/proposals/new/")
    manager.locator("#proposal_title").fill("Nattlampor vid sängarna")
    manager.locator("#proposal_idea").fill("Svagt ljus nattetid minskar fallrisken.")
    manager.get_by_role("button", name=sv("Send the proposal")).click()
    expect(manager.get_by_role("heading", level=1)).to_have_text("Nattlampor vid sängarna")
    accessible(manager)

    nurse.goto("/events/mine/")
    card = nurse.locator(f"#event-{event.pk}")
    expect(card).to_contain_text("Rutinen för sänggrindar är uppdaterad.")
    expect(card).to_contain_text("19121212-****")
    assert PNR not in nurse.content()


def test_a_failed_send_keeps_the_draft_in_the_browser(
    phones: Callable[[], Page], sign_in: SignIn, live_server: Any
) -> None:
    nurse = phones()
    sign_in(nurse, "rapportor")
    before = Event.objects.count()
    nurse.goto("/events/new/")
    nurse.locator("#report_description").fill("Larmet på sal 2 tystnade inte.")
    nurse.locator("#report_category").select_option(label="Medicinteknik")
    nurse.context.set_offline(True)
    with pytest.raises(Exception):  # noqa: B017, PT011 (the browser reports the lost connection)
        nurse.get_by_role("button", name=sv("Send the report")).click(no_wait_after=False)
        nurse.wait_for_url("**/events/mine/**", timeout=2_000)
    nurse.context.set_offline(False)
    nurse.goto("/events/new/")
    expect(nurse.locator("[data-draft-note]")).to_be_visible()
    expect(nurse.locator("#report_description")).to_have_value("Larmet på sal 2 tystnade inte.")
    expect(nurse.locator("#report_category option:checked")).to_have_text("Medicinteknik")
    assert Event.objects.count() == before


def _luhn_tail(date: str, start: str) -> str:
    """``start`` (three digits) with the check digit that makes ``date`` + tail a valid number."""
    return next(start + d for d in "0123456789" if pnr.find(date + start + d))


def test_the_browser_flags_exactly_the_numbers_the_server_masks(browser: Browser) -> None:
    """pnr.js and rodtrad.core.pnr follow one rule: the warning shows what will be stored."""
    coordination = "851272" + _luhn_tail("851272", "238")  # day 12 + 60
    texts = [
        f"Patient {PNR} föll.",
        "Pat 121212-1212 och 1212121212 samt 191212121212.",
        "Äldre än hundra: 121212+1212.",
        f"Samordningsnummer {coordination} och 19{coordination[:6]}-{coordination[6:]}.",
        "Fel kontrollsiffra 19121212-1213, fel månad 19121312-1212.",
        "Telefon 0701234567, ordernummer 12345678901, 2026-03-14 kl 08:30.",
        "Del av längre tal 9919121212-1212 och -121212-1212.",
        "Dag noll 19121200-1212 och dag 92 19121292-1212.",
    ]
    context = browser.new_context()
    page = context.new_page()
    page.set_content("<!doctype html><title>pnr</title><p>pnr</p>")
    page.add_script_tag(path=str(Path(pnr.__file__).parents[1] / "static" / "rodtrad" / "pnr.js"))
    for text in texts:
        expected = [m.masked for m in pnr.find(text)]
        assert page.evaluate("t => window.rodtradPnr.find(t)", text) == expected, text
    assert any(pnr.find(t) for t in texts) and not pnr.find(texts[5])
    context.close()


def test_the_quality_coordinators_pages_are_accessible(
    page: Page, sign_in: SignIn, accessible: Check
) -> None:
    """Duties with their clocks, the IVO summary, trends, learnings and Min sida over the demo's two years."""
    sign_in(page, "kvalitet")
    expect(page.get_by_role("heading", name=sv("My reports"))).to_be_visible()
    accessible(page)
    page.goto("/duties/")
    expect(page.get_by_role("table")).to_be_visible()
    accessible(page)
    page.get_by_role("link", name=sv("Summary for IVO")).first.click()
    expect(page.locator(".ivo-text")).to_contain_text("IVO")
    accessible(page)
    page.goto("/events/trends/")
    expect(page.locator("svg").first).to_be_visible()
    accessible(page)
    page.goto("/learnings/")
    page.locator(".results a").first.click()
    expect(page.get_by_role("heading", level=1)).not_to_have_text(sv("Learnings"))
    accessible(page)
