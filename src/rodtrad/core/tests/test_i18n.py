"""Swedish first: the catalogue is complete, pages are Swedish by default and English on request."""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils.translation import trans_real

from rodtrad.core.tests.factories import make_user

LOCALE = Path(settings.BASE_DIR) / "locale"


@dataclass
class Entry:
    msgid: str = ""
    msgstrs: list[str] = field(default_factory=list)
    flags: set[str] = field(default_factory=set)
    obsolete: bool = False


def read_po(path: Path) -> list[Entry]:
    """A small .po reader: enough to see empty and fuzzy entries, so no extra dependency is needed."""
    entries: list[Entry] = []
    current = Entry()
    target: str | None = None
    for raw in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        line = raw.strip()
        if not line:
            if target is not None:
                entries.append(current)
            current, target = Entry(), None
        elif line.startswith("#~"):
            current.obsolete = True
        elif line.startswith("#,"):
            current.flags |= {flag.strip() for flag in line[2:].split(",")}
        elif line.startswith("#"):
            continue
        else:
            match = re.match(r'^(msgid|msgid_plural|msgctxt|msgstr(?:\[\d+\])?)?\s*"(.*)"$', line)
            assert match, f"{path}: cannot read {line!r}"
            keyword, text = match.groups()
            if keyword:
                target = keyword
                if keyword.startswith("msgstr"):
                    current.msgstrs.append("")
            if target == "msgid":
                current.msgid += text
            elif target and target.startswith("msgstr"):
                current.msgstrs[-1] += text
    return entries


def test_swedish_catalogue_is_complete_and_has_no_fuzzy_entries():
    entries = read_po(LOCALE / "sv" / "LC_MESSAGES" / "django.po")
    assert len(entries) > 100
    untranslated = [e.msgid for e in entries if e.msgid and not all(e.msgstrs)]
    fuzzy = [e.msgid or "(header)" for e in entries if "fuzzy" in e.flags]
    assert not untranslated, f"untranslated: {untranslated}"
    assert not fuzzy, f"fuzzy: {fuzzy}"
    assert not [e.msgid for e in entries if e.obsolete]


def test_english_catalogue_has_the_same_messages():
    def ids(lang: str) -> set[str]:
        return {e.msgid for e in read_po(LOCALE / lang / "LC_MESSAGES" / "django.po") if e.msgid}

    assert ids("en") == ids("sv")


@pytest.fixture(scope="module")
def catalogues() -> Any:
    """Compile the catalogues when the .mo files are missing or older (``make setup`` does it too)."""
    po = LOCALE / "sv" / "LC_MESSAGES" / "django.po"
    mo = po.with_suffix(".mo")
    if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
        with contextlib.chdir(LOCALE):  # compilemessages also walks the working directory
            call_command("compilemessages", locale=["sv", "en"], verbosity=0)
        trans_real._translations = {}  # type: ignore[attr-defined]
        trans_real._default = None  # type: ignore[attr-defined]
    return LOCALE


def test_pages_are_swedish_by_default_and_english_after_switching(orgtree, catalogues):
    anonymous = Client()
    login = anonymous.get(reverse("core:login")).content.decode()
    assert '<html lang="sv">' in login and "Logga in" in login and "Hoppa till innehållet" in login

    client = Client()
    client.force_login(make_user(unit=orgtree.a1, role="reader"))
    home = client.get(reverse("core:home")).content.decode()
    assert "<h1>Min sida</h1>" in home and "Mina enheter och roller" in home and "Läsare" in home

    response = client.post("/i18n/setlang/", {"language": "en", "next": reverse("core:home")})
    assert response.status_code == 302 and response["Location"] == reverse("core:home")
    home = client.get(reverse("core:home")).content.decode()
    assert '<html lang="en">' in home and "<h1>My page</h1>" in home and "Reader" in home
    assert 'value="sv" lang="sv"' in home  # the switch back offers Svenska

    client.post("/i18n/setlang/", {"language": "sv", "next": reverse("core:units")})
    assert "Enhetsträd" in client.get(reverse("core:units")).content.decode()


def test_unit_kinds_and_form_labels_are_translated(orgtree, region_admin, catalogues):
    client = Client()
    client.force_login(region_admin)
    page = client.get(reverse("core:unit", args=[orgtree.a.pk])).content.decode()
    assert "Förvaltning" in page and "Ändra enheten" in page and "Ny överordnad enhet (kod)" in page
