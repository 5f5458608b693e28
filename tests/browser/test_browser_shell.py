"""The shell in a real browser: sign in, Min sida, the tree, a unit, user admin, language, phone."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from rodtrad.core.models import Unit, User

pytestmark = pytest.mark.browser

SignIn = Callable[[Page, str], None]
Check = Callable[[Page], None]


def test_sign_in_and_min_sida(page: Page, sign_in: SignIn, accessible: Check) -> None:
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/login/"))
    accessible(page)
    sign_in(page, "lasare")
    expect(page.locator("html")).to_have_attribute("lang", "sv")
    expect(page.get_by_role("heading", name="Mina enheter och roller")).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text("Läsare")
    expect(page.get_by_role("main")).to_contain_text("Medicinavdelning 1")
    expect(page.get_by_role("navigation", name="Huvudmeny").get_by_role("link")).to_have_text(
        ["Min sida", "Organisation", "Värdegrund", "Mål", "Dokument", "Händelser", "Rapportera händelse"]
    )
    accessible(page)


def test_wrong_password_is_refused_accessibly(page: Page, sign_in: SignIn, accessible: Check) -> None:
    page.goto("/login/")
    page.get_by_label("Användarnamn").fill("lasare")
    page.get_by_label("Lösenord").fill("fel-lösenord")
    page.get_by_role("button", name="Logga in").click()
    expect(page.locator(".errorlist")).to_be_visible()
    accessible(page)


def test_notification_is_marked_read_with_htmx(page: Page, sign_in: SignIn, accessible: Check) -> None:
    sign_in(page, "chef")  # the demo role and the unit's new events sent notifications
    notes = page.locator("#notification-items")
    buttons = notes.get_by_role("button", name=re.compile("^Markera som läst"))
    unread = buttons.count()
    assert unread >= 1
    buttons.first.click()
    expect(buttons).to_have_count(unread - 1)
    expect(page).to_have_url(re.compile(r"/$"))
    accessible(page)


def test_browse_the_tree_and_search(page: Page, sign_in: SignIn, accessible: Check) -> None:
    sign_in(page, "lasare")
    page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Organisation").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Organisation")
    accessible(page)

    controls = page.locator("button.tree__toggle[aria-expanded='false']").first.get_attribute("aria-controls")
    toggle = page.locator(f"button[aria-controls='{controls}']")
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    children = page.locator(f"#{controls}")
    expect(children.get_by_role("link").first).to_be_visible()
    expect(children.locator(":scope > li.muted")).to_have_count(0)  # the "Laddar…" placeholder is gone
    accessible(page)
    toggle.click()
    expect(children).to_be_hidden()

    page.get_by_label("Sök enheter på namn eller kod").fill("medicin")
    results = page.locator("#unit-search-results")
    expect(results.get_by_role("link", name="Medicinavdelning 1")).to_be_visible()
    accessible(page)
    results.get_by_role("link", name="Medicinavdelning 1").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Medicinavdelning 1")
    expect(page.get_by_role("navigation", name="Brödsmulor")).to_contain_text("Landstinget i Kalmar län")
    accessible(page)


def test_unit_page_as_admin(page: Page, sign_in: SignIn, accessible: Check) -> None:
    unit = Unit.objects.get(code="KLL-MAVD1")
    sign_in(page, "admin")
    page.goto(f"/units/{unit.pk}/")
    expect(page.get_by_role("heading", name="Roller på enheten")).to_be_visible()
    expect(page.get_by_role("heading", name="Historik")).to_be_visible()
    for summary in page.locator("details.panel > summary").all():
        summary.click()
    accessible(page)

    edit = page.locator("form[action$='/edit/']")
    edit.get_by_label("Namn", exact=True).fill("Medicinavdelning 1 (hjärta)")
    edit.get_by_role("button", name="Spara").click()
    expect(page.get_by_role("status")).to_contain_text("Enheten sparades.")
    expect(page.get_by_role("heading", level=1)).to_have_text("Medicinavdelning 1 (hjärta)")

    page.get_by_text("Flytta enheten").click()
    move = page.locator("form[action$='/move/']")
    move.get_by_label("Ny överordnad enhet (kod)").fill("FINNS-INTE")
    move.get_by_role("button", name="Flytta").click()
    expect(move.locator(".errorlist")).to_contain_text("Det finns ingen enhet med koden FINNS-INTE.")
    accessible(page)


def test_user_administration(page: Page, sign_in: SignIn, accessible: Check) -> None:
    sign_in(page, "admin")
    page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Användare").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Användare")
    accessible(page)

    page.get_by_role("link", name="Lägg till en användare").click()
    accessible(page)
    page.get_by_label("Användarnamn").fill("nyanstalld")
    page.get_by_label("Namn", exact=True).fill("Nora Nyanställd")
    page.get_by_label("Hemenhet (kod)").fill("KLL-MAVD2")
    page.get_by_role("button", name="Lägg till användare").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Nora Nyanställd")

    page.get_by_text("Tilldela en roll").click()
    grant = page.locator("form[action$='/grant/']")
    grant.get_by_label("Enhet (kod)").fill("KLL-MAVD2")
    grant.get_by_label("Roll").select_option("editor")
    grant.get_by_role("button", name="Tilldela roll").click()
    expect(page.get_by_role("status")).to_contain_text("Rollen Redaktör tilldelades")
    page.get_by_text("Ändra användaren").click()
    accessible(page)
    assert User.objects.get(username="nyanstalld").memberships.get().role == "editor"

    page.goto("/users/?q=nora")
    expect(page.get_by_role("link", name="Nora Nyanställd")).to_be_visible()

    page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Granskningslogg").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Granskningslogg")
    page.get_by_label("Ändrad av (användarnamn)").fill("admin")
    page.get_by_role("button", name="Filtrera").click()
    expect(page.locator("table.audit")).to_contain_text("Nora Nyanställd")
    accessible(page)


def test_reader_is_refused_admin_pages(page: Page, sign_in: SignIn, accessible: Check) -> None:
    sign_in(page, "lasare")
    response = page.goto("/users/")
    assert response is not None and response.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text("Inte tillåtet")
    accessible(page)


def test_switch_language(page: Page, sign_in: SignIn, accessible: Check) -> None:
    sign_in(page, "lasare")
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My page")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    accessible(page)
    page.get_by_role("button", name="Svenska").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Min sida")


def test_phone_has_no_horizontal_scroll(phone: Page, sign_in: SignIn, accessible: Check) -> None:
    sign_in(phone, "admin")
    for path in ("/", "/units/", "/users/", "/audit/"):
        phone.goto(path)
        overflow = phone.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px at 375px"
    phone.goto("/")
    accessible(phone)
