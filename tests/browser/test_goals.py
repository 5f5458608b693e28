"""Goals in a real browser: Bryt ned to three units, a red value, the follow-up, the overview turns red."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from rodtrad.core.access import SYSTEM
from rodtrad.core.models import Unit
from rodtrad.goals import services
from rodtrad.goals.models import FollowUp, Goal, Indicator

pytestmark = pytest.mark.browser

SignIn = Callable[[Page, str], None]
Check = Callable[[Page], None]
TITLE = "Kortare väntan på akuten"
AREA = "Akutsjukvård"
CENTRES = ("Medicincentrum, Länssjukhuset i Kalmar", "Kirurgicentrum", "Akut- och ambulanscentrum")


def _regional_goal() -> Goal:
    """A new goal area with one regional goal and its indicator (lower is better, target 4 hours)."""
    year = timezone.localdate().year
    region = Unit.objects.get(code="KLL")
    area = services.create_area(by=SYSTEM, name=AREA, colour="#b35c00")
    indicator = services.create_indicator(
        by=SYSTEM,
        code="AKUT-01",
        name="Tid till läkare på akuten",
        unit=region,
        measure="timmar",
        direction=Indicator.Direction.LOWER,
        targets=[services.TargetIn(year, 4)],
    )
    return services.create_goal(
        by=SYSTEM, area=area, unit=region, title=TITLE, year_from=year, indicators=[indicator]
    )


def test_break_down_measure_follow_up_and_see_the_overview_turn_red(
    page: Page, sign_in: SignIn, accessible: Check
) -> None:
    goal = _regional_goal()
    period = f"{timezone.localdate().year}-T3"
    sign_in(page, "kvalitet")
    expect(page.get_by_role("heading", name=re.compile("Att följa upp"))).to_be_visible()
    page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Mål").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"^Mål \d{4}$"))
    area = page.get_by_role("region", name=AREA)
    expect(area).to_contain_text("Ingen status")
    accessible(page)

    area.get_by_role("link", name=TITLE).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    accessible(page)
    for centre in CENTRES:
        page.get_by_role("group", name="Enheter under").get_by_label(centre).check()
    page.get_by_role("button", name="Bryt ned").click()
    expect(page.get_by_role("status")).to_contain_text("Mål skapades för")
    expect(page.locator(".chain__text")).to_contain_text("Akut- och ambulanscentrum")
    assert goal.children.count() == 3

    page.locator(".chain__text").get_by_role("link", name=TITLE).last.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    page.get_by_role("navigation", name="Brödsmulor").get_by_role(
        "link", name="Akut- och ambulanscentrum"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Våra mål: Akut- och ambulanscentrum")
    page.get_by_role("region", name="Registrera ett mätvärde").locator("details > summary").click()
    page.get_by_label("Indikator", exact=True).select_option(label="AKUT-01 Tid till läkare på akuten")
    page.get_by_label("Period", exact=True).fill(period)
    page.get_by_label("Värde", exact=True).fill("6,5")
    page.get_by_role("button", name="Spara värdet").click()
    expect(page.get_by_role("status")).to_contain_text("sparades")
    card = page.get_by_role("region", name=TITLE, exact=True)
    expect(card).to_contain_text("Röd")
    card.locator("details > summary").click()  # the follow-up form loads when opened
    expect(card.get_by_label("Status", exact=True)).to_be_visible()
    expect(card.get_by_role("button", name=re.compile("Spara uppföljningen"))).to_be_visible()
    accessible(page)

    card.get_by_role("link", name=re.compile("Uppföljningssidan")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Uppföljning T3")
    page.get_by_label("Status", exact=True).select_option(label="Ej uppfyllt")
    page.get_by_label("Analys").fill("Fler patienter än planerat under hösten.")
    page.get_by_label("Nästa steg").fill("Snabbspår för lindriga besvär från januari.")
    page.get_by_label("Klarmarkera uppföljningen").check()
    accessible(page)
    page.get_by_role("button", name=re.compile("Spara uppföljningen")).click()
    expect(page.get_by_role("status")).to_contain_text("sparades")
    followup = FollowUp.objects.get(goal__parent=goal, goal__unit__code="KLL-AKUT")
    assert followup.done and followup.status == FollowUp.Status.NOT_MET

    page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Mål").click()
    area = page.get_by_role("region", name=AREA)
    expect(area.locator(".status-line .light--red")).to_have_text("Röd")
    expect(area).to_contain_text(f"målet ”{TITLE}” är röd")
    # The region measures nothing itself: the centre's value, aggregated, makes its indicator red.
    expect(area.locator(".goal-list .reason")).to_contain_text(re.compile(r"AKUT-01 .*6,5 timmar"))

    area.get_by_role("link", name=TITLE).click()
    page.locator(".chain__text").get_by_role("link", name=re.compile("AKUT-01")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("AKUT-01 Tid till läkare på akuten")
    expect(page.get_by_role("table", name=re.compile("Värden för AKUT-01"))).to_be_visible()
    accessible(page)


def test_tree_rounds_and_a_unit_page_as_the_manager(page: Page, sign_in: SignIn, accessible: Check) -> None:
    sign_in(page, "chef")
    page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Mål").click()
    page.get_by_role("link", name="Den röda tråden som träd").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("Den röda tråden"))
    first = page.locator(".goal-tree .tree__toggle").first
    expect(first).to_have_attribute("aria-expanded", "false")
    first.click()
    expect(first).to_have_attribute("aria-expanded", "true")
    branch = page.locator(f"#{first.get_attribute('aria-controls')}")
    expect(branch).to_be_visible()
    expect(branch.locator(".goal-tree__kind").first).to_be_visible()
    expect(branch.locator(":scope > li").first).not_to_have_text("Laddar…")
    accessible(page)
    first.click()
    expect(first).to_have_attribute("aria-expanded", "false")
    expect(branch).to_be_hidden()
    page.goto("/goals/rounds/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Uppföljningsomgångar")
    page.get_by_role("table").get_by_role("link").first.click()
    expect(page.get_by_role("table")).to_contain_text("Medicinavdelning 1")
    accessible(page)
    page.goto("/")
    page.locator("section", has_text="Att följa upp").get_by_role("link").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Uppföljning")
    accessible(page)
