"""Playwright with Debian's chromium against a live server holding the Kalmar demo."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect, sync_playwright

from rodtrad.core.demo.loader import load
from rodtrad.core.demo.profiles import DEMO_PASSWORD

# Playwright's sync API keeps an event loop in this thread; the test's own ORM calls are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
#: WCAG 2.0 and 2.1, levels A and AA: what the issue asks of every page.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(
            f"The browser tests need Debian's chromium at {CHROMIUM}: run `apt-get install -y chromium`. "
            "(`npx playwright install` cannot work here.)",
            pytrace=False,
        )
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def demo(django_db_serialized_rollback: Any) -> None:
    """The Kalmar demo; the rollback restores rows that migrations create (e.g. document types)."""
    load("kalmar")


def _new_page(browser: Browser, live_server: Any, **options: Any) -> Iterator[Page]:
    context = browser.new_context(base_url=live_server.url, locale="sv-SE", **options)
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


@pytest.fixture
def page(browser: Browser, live_server: Any, demo: None) -> Iterator[Page]:
    yield from _new_page(browser, live_server)


@pytest.fixture
def phone(browser: Browser, live_server: Any, demo: None) -> Iterator[Page]:
    yield from _new_page(browser, live_server, viewport={"width": 375, "height": 812}, is_mobile=True)


def _sign_in(page: Page, username: str) -> None:
    page.goto("/login/")
    page.get_by_label("Användarnamn").fill(username)
    page.get_by_label("Lösenord").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Min sida")


_axe = Axe()


def _assert_accessible(page: Page) -> None:
    """No WCAG 2.1 A/AA violations on the page as it is now; the failure lists each one."""
    results = _axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    violations = results.response["violations"]
    report = "\n".join(
        f"- {v['id']} ({v['impact']}): {v['help']}\n"
        + "\n".join(f"    {node['target']}: {node['failureSummary']}" for node in v["nodes"])
        for v in violations
    )
    assert not violations, f"axe found WCAG violations on {page.url}:\n{report}"


@pytest.fixture
def sign_in() -> Callable[[Page, str], None]:
    """``sign_in(page, username)`` signs a demo user in and lands on Min sida."""
    return _sign_in


@pytest.fixture
def accessible() -> Callable[[Page], None]:
    """``accessible(page)`` runs axe-core on the page and fails on any WCAG 2.1 A/AA violation."""
    return _assert_accessible
