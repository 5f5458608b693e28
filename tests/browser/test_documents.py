"""Documents in a real browser: create → review → approve → publish, read from Att läsa, public pages."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from rodtrad.documents.models import Document

pytestmark = pytest.mark.browser

SignIn = Callable[[Page, str], None]
Check = Callable[[Page], None]
TITLE = "Rutin för förbättringsarbete på avdelningen"


def _switch_user(page: Page, sign_in: SignIn, username: str) -> None:
    page.get_by_role("button", name="Logga ut").click()
    expect(page).to_have_url(re.compile(r"/login/"))
    sign_in(page, username)


def _open(page: Page, doc: Document) -> None:
    page.goto(f"/documents/{doc.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(doc.title)


def test_document_from_draft_to_read(page: Page, sign_in: SignIn, accessible: Check) -> None:
    sign_in(page, "redaktor")
    page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Dokument").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Dokument")
    accessible(page)

    page.get_by_role("link", name="Nytt dokument").click()
    accessible(page)
    page.get_by_label("Titel").fill(TITLE)
    page.get_by_label("Typ").select_option(label="Rutin")
    page.get_by_label("Verksamhet, enhet (kod)").fill("KLL-MAVD1")
    page.get_by_label("Referenser").fill("ISO 9001 (10.3)")
    page.get_by_label("Innehåll (Markdown)").fill("# Förbättringar\n\nVi förbättrar arbetet varje vecka.\n")
    page.get_by_role("button", name="Skapa dokument").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(page.get_by_role("status")).to_contain_text("skapades")
    expect(page.locator(".doc-meta")).to_contain_text("ISO 9001 (10.3)")
    accessible(page)
    doc = Document.objects.get(title=TITLE)

    page.get_by_role("link", name="Ändra").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Ändra {TITLE}")
    accessible(page)
    page.get_by_label("Ändringsnotering").fill("Första utkastet")
    page.get_by_role("button", name="Spara").click()
    expect(page.get_by_role("status")).to_contain_text("Ändringarna sparades.")

    page.get_by_label("Granskare (användarnamn)").fill("kvalitet")
    page.get_by_role("button", name="Skicka vidare").click()
    expect(page.get_by_role("status")).to_contain_text("Dokumentet skickades vidare.")
    expect(page.locator(".reviews")).to_contain_text("Karin Kvalitet")

    _switch_user(page, sign_in, "kvalitet")
    _open(page, doc)
    page.get_by_label("Din kommentar").fill("Tydlig rutin.")
    page.get_by_label("Min granskning är klar").check()
    accessible(page)
    page.get_by_role("button", name="Spara granskningen").click()
    expect(page.get_by_role("status")).to_contain_text("Din granskning sparades.")

    _switch_user(page, sign_in, "godkannare")
    _open(page, doc)
    accessible(page)
    page.get_by_label("Kommentar till beslutet").fill("Godkänd.")
    page.get_by_role("button", name="Godkänn", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("Dokumentet godkändes.")

    _switch_user(page, sign_in, "redaktor")
    _open(page, doc)
    page.get_by_label("Enheter som ska läsa det (koder)").fill("KLL-MAVD1")
    page.get_by_label("Läsare", exact=True).check()
    accessible(page)
    page.get_by_role("button", name="Publicera", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("Dokumentet publicerades.")
    expect(page.locator(".doc-meta")).to_contain_text("Publicerad")
    expect(page.get_by_role("heading", name="Läskvittenser")).to_be_visible()
    accessible(page)

    _switch_user(page, sign_in, "lasare")
    to_read = page.locator("section", has=page.get_by_role("heading", name="Att läsa"))
    expect(to_read.get_by_role("link", name=TITLE)).to_be_visible()
    accessible(page)
    to_read.locator("li", has_text=TITLE).get_by_role("button", name=re.compile("^Jag har läst")).click()
    expect(page.get_by_role("status")).to_contain_text(f"Du har bekräftat att du läst {TITLE}")
    expect(to_read.get_by_role("link", name=TITLE)).to_have_count(0)
    _open(page, doc)
    expect(page.get_by_text("Du bekräftade att du läst version 1")).to_be_visible()

    # The text says "Förbättringar"; search from the header finds it by other inflected forms.
    header_search = page.get_by_role("searchbox", name="Sök dokument")
    header_search.fill("förbättring")
    header_search.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sök dokument")
    expect(page.get_by_role("link", name=f"{doc.number} {TITLE}")).to_be_visible()
    expect(page).to_have_url(re.compile(r"q=f%C3%B6rb%C3%A4ttring"))
    accessible(page)
    page.get_by_label("Sök efter").fill("förbättringen")
    page.get_by_role("button", name="Sök", exact=True).click()
    expect(page).to_have_url(re.compile(r"q=f%C3%B6rb%C3%A4ttringen"))
    expect(page.get_by_role("link", name=f"{doc.number} {TITLE}")).to_be_visible()
    accessible(page)


def test_document_list_filters_and_att_revidera(page: Page, sign_in: SignIn, accessible: Check) -> None:
    sign_in(page, "kvalitet")
    expect(page.get_by_role("heading", name="Att revidera")).to_be_visible()
    page.get_by_role("link", name="Allt som ska revideras, per enhet").click()
    expect(page.get_by_role("link", name=re.compile("Rutin för händelseanalys$"))).to_be_visible()
    accessible(page)
    page.goto("/documents/")
    page.get_by_label("Status").select_option("draft")
    page.get_by_role("button", name="Filtrera").click()
    expect(page.get_by_role("link", name="Riktlinje för läkemedelshantering")).to_be_visible()
    expect(page.get_by_role("link", name="Rutin för händelseanalys", exact=True)).to_have_count(0)
    accessible(page)


def test_public_pages_without_login(page: Page, accessible: Check) -> None:
    page.goto("/public/documents/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Publika dokument")
    expect(page.get_by_role("navigation", name="Huvudmeny")).to_have_count(0)
    expect(page.get_by_role("button", name="English")).to_be_visible()
    accessible(page)
    page.get_by_role("link", name=re.compile("^Patientsäkerhetsberättelse 20")).click()
    expect(page.get_by_text("Senast uppdaterad")).to_be_visible()
    accessible(page)
    page.get_by_label("Kommentar (frivillig)").fill("Lätt att förstå.")
    page.get_by_role("button", name="Ja", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("Tack för ditt svar!")
    accessible(page)
    internal = Document.objects.exclude(classification_k=0).first()
    assert internal is not None
    response = page.goto(f"/public/documents/{internal.pk}/")
    assert response is not None and response.status == 404


def test_import_page(page: Page, sign_in: SignIn, accessible: Check) -> None:
    sign_in(page, "redaktor")
    page.goto("/documents/")
    page.get_by_role("link", name="Importera dokument").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Importera dokument")
    accessible(page)

    files = page.get_by_label("Filer")
    markdown = b"# Rutin f\xc3\xb6r sp\xc3\xa5rbarhet\n\nVi sparar varje prov.\n"
    files.set_input_files([{"name": "bild.png", "mimeType": "image/png", "buffer": b"\x89PNG"}])
    page.get_by_role("button", name="Importera", exact=True).click()
    expect(page.locator(".errorlist")).to_contain_text("bild.png")
    accessible(page)  # the refused upload, its error on the field

    page.get_by_label("Filer").set_input_files(
        [
            {"name": "sparbarhet.md", "mimeType": "text/markdown", "buffer": markdown},
            {"name": "trasig.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4 broken"},
        ]
    )
    page.get_by_label("Verksamhet, enhet (kod)").fill("KLL-MAVD1")
    page.get_by_role("button", name="Importera", exact=True).click()
    rows = page.get_by_role("table").get_by_role("row")
    expect(rows.filter(has_text="sparbarhet.md")).to_contain_text("importerad")
    expect(rows.filter(has_text="trasig.pdf")).to_contain_text("misslyckades")
    accessible(page)
    rows.filter(has_text="sparbarhet.md").get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Rutin för spårbarhet")
