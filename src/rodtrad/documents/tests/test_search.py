"""Swedish full-text search: stemming, ranking, snippets, filters and who may find what.

The tests hold on SQLite and PostgreSQL alike (CI runs them with DATABASE_URL): the same
query must find the same documents on both.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from rodtrad.core.access import SYSTEM
from rodtrad.core.models import Role
from rodtrad.core.services import people
from rodtrad.core.tests.factories import make_user
from rodtrad.documents import search, search_views, services
from rodtrad.documents.extract import UnreadableFile, extract_text
from rodtrad.documents.models import SearchEntry
from rodtrad.documents.tests.factories import doc_type, make_document, publish_document
from rodtrad.documents.tests.samples import docx_bytes, odt_bytes, pdf_bytes

IMPROVEMENT = "# Arbetssätt\n\nVi arbetar med ständiga förbättringar i det dagliga arbetet.\n"
HYGIENE = "# Handhygien\n\nFörbättringen av följsamheten till basala hygienrutiner mäts varje månad.\n"
OTHER = "# Läkemedel\n\nLäkemedel förvaras inlåsta och kontrolleras varje vecka.\n"


def _published(staff: Any, unit: Any, title: str, content: str, **extra: Any) -> Any:
    doc = make_document(staff.editor, unit, title=title, content=content, **extra)
    return publish_document(doc, editor=staff.editor, approver=staff.approver)


def _ids(client: Any, query: str) -> set[int]:
    response = client.get(f"/search?q={query}")
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["count"] == len(data["items"])
    return {item["document"]["id"] for item in data["items"]}


@pytest.fixture
def corpus(orgtree, staff):
    return {
        "improvement": _published(staff, orgtree.a, "Policy för kvalitet", IMPROVEMENT),
        "hygiene": _published(staff, orgtree.a1, "Rutin för handhygien", HYGIENE, keywords=["vårdhygien"]),
        "other": _published(
            staff, orgtree.a, "Riktlinje för läkemedel", OTHER, references=[("SOSFS", "2011:9")]
        ),
    }


def test_stems_match_inflected_forms():
    assert search.query_terms("förbättringar förbättringen") == ["förbättring"]
    assert search.query_terms("och att det") == []  # stop words only
    assert search.stems("Rutiner, rutinen!") == "rutin rutin"


@pytest.mark.parametrize("query", ["förbättring", "förbättringar", "förbättringen", "FÖRBÄTTRINGARNA"])
def test_inflected_forms_find_the_same_documents(corpus, staff, api_as, query):
    assert _ids(api_as(staff.reader_a1), query) == {corpus["improvement"].pk, corpus["hygiene"].pk}


def test_every_word_must_match_and_stop_words_are_ignored(corpus, staff, api_as):
    client = api_as(staff.reader_a1)
    assert _ids(client, "förbättringar och hygienrutiner") == {corpus["hygiene"].pk}
    assert _ids(client, "och det att") == set()
    assert _ids(client, "fotboll") == set()


def test_title_and_metadata_are_searched_and_title_ranks_first(corpus, orgtree, staff, api_as):
    client = api_as(staff.reader_a1)
    assert _ids(client, "vårdhygien") == {corpus["hygiene"].pk}  # keyword
    assert _ids(client, "SOSFS 2011:9") == {corpus["other"].pk}  # requirement reference
    assert _ids(client, corpus["other"].number) == {corpus["other"].pk}  # document number
    assert _ids(client, "riktlinjer") == {corpus["other"].pk}  # the type and the title
    extra = _published(staff, orgtree.a1, "Genomgång", OTHER)
    ranked = [i["document"]["id"] for i in client.get("/search?q=läkemedel").json()["items"]]
    assert ranked[0] == corpus["other"].pk and set(ranked) == {corpus["other"].pk, extra.pk}


def test_snippet_marks_hits_and_escapes_the_rest(orgtree, staff, api_as):
    _published(
        staff,
        orgtree.a,
        "Rutin",
        "Text <script>alert(1)</script> om förbättringsarbete och förbättringar & mer.",
    )
    item = api_as(staff.reader_a1).get("/search?q=förbättring").json()["items"][0]
    assert "<mark>förbättringar</mark>" in item["snippet"]
    assert "<script>" not in item["snippet"] and "&amp;" in item["snippet"]
    assert "<mark>förbättringsarbete</mark>" not in item["snippet"]  # compounds are not split


def test_a_word_that_stems_to_a_stop_word_finds_only_itself(orgtree, staff, api_as):
    """ "förs" stems to "för", a stop word: as on PostgreSQL, a text that only says "för" is no hit."""
    only_stop = _published(staff, orgtree.a, "Rutin", "Detta gäller för alla enheter.")
    found = _published(staff, orgtree.a, "Journal", "Uppgiften förs in i journalen för patienten.")
    client = api_as(staff.reader_a1)
    assert _ids(client, "förs") == {found.pk} and only_stop.pk not in _ids(client, "före")
    snippet = client.get("/search?q=förs").json()["items"][0]["snippet"]
    assert "<mark>förs</mark>" in snippet and "<mark>för</mark>" not in snippet


def test_snippet_around_a_late_hit():
    text = " ".join(["ord"] * 100 + ["förbättringen"] + ["ord"] * 100)
    result = search.snippet(text, ["förbättring"])
    assert result.startswith("… ") and result.endswith(" …") and "<mark>förbättringen</mark>" in result


def test_snippet_without_a_hit_or_with_hits_near_the_start():
    assert search.snippet("Rutin för läkemedel.", ["förbättring"]) == "Rutin för läkemedel"
    opening = search.snippet(" ".join(f"ord{n}" for n in range(50)), ["förbättring"])
    assert opening.startswith("ord0 ") and opening.endswith("ord29 …")
    early = search.snippet("Vi gör förbättringar, fler förbättringar. Slut.", ["förbättring"])
    assert early == "Vi gör <mark>förbättringar</mark>, fler <mark>förbättringar</mark>. Slut"
    assert search.snippet("", ["förbättring"]) == ""


def test_visibility_in_results_and_counts(orgtree, staff, api_as):
    text = "Förbättringar av arbetsmiljön."
    public = _published(staff, orgtree.a, "Öppen", text, classification_k=0)
    internal = _published(staff, orgtree.a, "Intern", text, classification_k=2)
    unit_only = _published(staff, orgtree.a, "Förvaltning A", text, classification_k=3)
    named = _published(
        staff, orgtree.a, "Hemlig", text, classification_k=4, readers=[staff.reader_b1], owner=staff.approver
    )
    draft = make_document(staff.editor, orgtree.a, title="Utkast", content=text)
    other = make_user("outsider", unit=orgtree.b1, role=Role.READER)
    assert api_as(None).get("/search?q=förbättring").status_code == 401
    assert _ids(api_as(staff.reader_a1), "förbättring") == {public.pk, internal.pk, unit_only.pk}
    assert _ids(api_as(other), "förbättring") == {public.pk, internal.pk}
    assert _ids(api_as(staff.reader_b1), "förbättring") == {public.pk, internal.pk, named.pk}
    assert _ids(api_as(staff.editor), "förbättring") == {public.pk, internal.pk, unit_only.pk, draft.pk}
    listed = api_as(None).get("/public/documents?q=förbättring").json()
    assert [d["id"] for d in listed["items"]] == [public.pk] and listed["count"] == 1
    for nothing_to_match in ("och det", "\U000f0a90", "–?!"):  # stop words, symbols: found nothing
        empty = api_as(None).get(f"/public/documents?{urlencode({'q': nothing_to_match})}")
        assert empty.status_code == 200 and empty.json() == {"items": [], "count": 0}


def test_public_list_is_k0_published_only_for_everyone(orgtree, staff, api_as):
    public = _published(staff, orgtree.a, "Öppen policy", IMPROVEMENT, classification_k=0)
    _published(staff, orgtree.a, "Intern policy", IMPROVEMENT, classification_k=1)
    make_document(staff.editor, orgtree.a, title="Öppet utkast", classification_k=0)
    for user in (None, staff.editor):
        data = api_as(user).get("/public/documents").json()
        assert [d["id"] for d in data["items"]] == [public.pk] and data["count"] == 1
        assert data["items"][0]["type"] == "Rutin" and data["items"][0]["published_at"]


def test_filters(corpus, orgtree, staff, api_as):
    client = api_as(staff.editor)
    soon = timezone.localdate() + dt.timedelta(days=5)
    services.update_document(corpus["hygiene"].pk, by=staff.editor, version=None, review_by=soon)
    draft = make_document(staff.editor, orgtree.a, title="Förbättringar i utkast", classification_k=3)
    both = {corpus["improvement"].pk, corpus["hygiene"].pk}
    assert _ids(client, "förbättring") == both | {draft.pk}
    assert _ids(client, "förbättring&status=draft") == {draft.pk}
    assert _ids(client, "förbättring&classification=3") == {draft.pk}
    assert _ids(client, f"förbättring&unit={orgtree.a1.pk}") == {corpus["hygiene"].pk}
    assert _ids(client, "förbättring&due_for_review=true") == {corpus["hygiene"].pk}
    assert _ids(client, f"förbättring&type={doc_type('Policy').pk}") == set()
    assert client.get("/search?q=förbättring&unit=999999").status_code == 404


def test_index_follows_new_versions_and_withdrawal(orgtree, staff, api_as):
    doc = _published(staff, orgtree.a, "Rutin", "Gammal text om dokumentation.")
    client = api_as(staff.reader_a1)
    services.save_version(doc.pk, by=staff.editor, version=None, content="Ny text om journalföring.")
    assert _ids(client, "dokumentationen") == {doc.pk}  # readers still see the published text
    publish_document(doc, editor=staff.editor, approver=staff.approver)
    assert _ids(client, "dokumentationen") == set() and _ids(client, "journalföringen") == {doc.pk}
    services.update_document(doc.pk, by=staff.editor, version=None, title="Rutin för journaler")
    assert _ids(client, "journalerna") == {doc.pk}
    services.withdraw(doc.pk, by=staff.approver, version=None, reason="Ersatt")
    assert _ids(client, "journalföring") == set()
    assert SearchEntry.objects.filter(document=doc).exists()


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("rutin.pdf", pdf_bytes("Förbättringar av patientsäkerheten")),
        ("rutin.docx", docx_bytes("Rubrik", "Förbättringar av patientsäkerheten")),
        ("rutin.odt", odt_bytes("Rubrik", "Förbättringar av patientsäkerheten")),
    ],
)
def test_uploaded_files_are_searchable(orgtree, staff, api_as, name, data):
    doc = make_document(staff.editor, orgtree.a, content="")
    response = api_as(staff.editor).client.post(
        f"/api/v1/documents/{doc.pk}/versions",
        {"version": doc.version, "file": SimpleUploadedFile(name, data)},
        headers=api_as(staff.editor).headers,
    )
    assert response.status_code == 200, response.content
    assert _ids(api_as(staff.editor), "patientsäkerhet") == {doc.pk}


@pytest.mark.parametrize("name", ["trasig.pdf", "trasig.docx", "trasig.odt"])
def test_a_damaged_upload_is_refused_by_name(orgtree, staff, api_as, name):
    doc = make_document(staff.editor, orgtree.a)
    data = b"%PDF-1.7 broken" if name.endswith(".pdf") else b"PK\x03\x04 broken"
    client = api_as(staff.editor)
    response = client.client.post(
        f"/api/v1/documents/{doc.pk}/versions",
        {"version": doc.version, "file": SimpleUploadedFile(name, data)},
        headers=client.headers,
    )
    assert response.status_code == 400
    assert name in response.json()["detail"][0]["msg"]
    with pytest.raises(UnreadableFile, match=name):
        extract_text(name, data)


def test_search_query_budget_does_not_grow(orgtree, staff, api_as):
    client = api_as(staff.reader_a1)
    _published(staff, orgtree.a, "Förbättringar 1", IMPROVEMENT)

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/search?q=förbättring").status_code == 200
        return len(ctx.captured_queries)

    queries()  # ranked once: from now on a search first checks whether the index changed since
    _published(staff, orgtree.a1, "Förbättringar 2", IMPROVEMENT, classification_k=3)
    before = queries()
    for n in range(5):
        _published(staff, orgtree.a1, f"Förbättringar {n + 3}", IMPROVEMENT, classification_k=3)
    assert queries() == before <= 8


def test_search_page_and_htmx_results(corpus, staff, client):
    client.force_login(staff.reader_a1)
    page = client.get("/documents/search/", {"q": "förbättringar"})
    assert page.status_code == 200 and b'role="search"' in page.content
    assert page.content.count(b"<mark>") >= 2 and corpus["improvement"].number.encode() in page.content
    partial = client.get("/documents/search/", {"q": "förbättringar"}, headers={"HX-Request": "true"})
    assert b"<html" not in partial.content and b"<mark>" in partial.content
    assert client.get("/documents/search/", {"q": "fotboll"}).status_code == 200


def test_every_page_has_a_search_box_for_documents(corpus, staff, client):
    assert 'id="site-search-q"' not in client.get("/login/").text  # only for the signed-in
    client.force_login(staff.reader_a1)
    home = client.get("/").text
    assert 'action="/documents/search/" role="search"' in home and 'id="site-search-q" name="q"' in home
    assert 'href="/documents/search/"' in client.get("/documents/").text
    search_page = client.get("/documents/search/", {"q": "förbättringar"}).text
    assert search_page.count('role="search"') == 1  # the page's own form, not a second one above it


def _ranked(staff: Any, orgtree: Any) -> list[Any]:
    """Seven hits for "förbättring" with different ranks; the K 3 ones only members of A see."""
    return [
        _published(
            staff,
            orgtree.a,
            f"Rutin {n}",
            "Förbättringar. " * (n + 1) + "Övrigt arbete. " * 5,
            classification_k=3 if n % 3 == 0 else 2,
        )
        for n in range(7)
    ]


def test_every_page_and_the_count_are_what_search_finds(orgtree, staff, monkeypatch):
    monkeypatch.setattr(search, "FIRST_CHUNK", 2)  # walk the ranking a few ids at a time
    monkeypatch.setattr(search, "LAST_CHUNK", 3)
    _ranked(staff, orgtree)
    for user in (staff.reader_a1, staff.reader_b1):
        expected = [d.pk for d in search.search(user, "förbättringar")]
        results = search.Results(user, "förbättringar")
        paged = [hit.document.pk for start in range(0, 9, 3) for hit in results[start : start + 3]]
        assert paged == expected and results.count() == len(expected)
        assert [hit.document.pk for hit in results] == expected and results[1].document.pk == expected[1]
    assert len(search.Results(staff.reader_b1, "förbättringar")) == 4  # the three K 3 hits are left out


def test_a_caller_who_sees_few_of_the_best_hits_gets_them_from_a_longer_ranking(orgtree, staff, monkeypatch):
    monkeypatch.setattr(search, "TOP", 1)  # rank only the best few at first
    ranked = _ranked(staff, orgtree)  # the K 3 ones (n = 0, 3, 6) are hidden from B
    best_hidden = _published(staff, orgtree.a, "Rutin X", "Förbättringar. " * 20, classification_k=3)
    expected = [d.pk for d in search.search(staff.reader_b1, "förbättringar")]
    assert best_hidden.pk not in expected and expected[0] == ranked[5].pk
    results = search.Results(staff.reader_b1, "förbättringar")
    assert [hit.document.pk for hit in results[0:1]] == expected[:1]
    assert [hit.document.pk for hit in results[2:4]] == expected[2:4]


def test_equal_ranks_come_in_the_order_the_documents_were_made(orgtree, staff, api_as):
    twins = [_published(staff, orgtree.a, "Rutin", IMPROVEMENT) for _ in range(3)]
    ranks = {h.rank for h in search.Results(staff.reader_a1, "förbättringar")}
    assert len(ranks) == 1  # the same text ranks the same
    items = api_as(staff.reader_a1).get("/search?q=förbättringar").json()["items"]
    assert [i["document"]["id"] for i in items] == sorted(d.pk for d in twins)


def test_the_api_pages_through_ranked_hits(orgtree, staff, api_as):
    docs = _ranked(staff, orgtree)
    client = api_as(staff.reader_a1)
    first = client.get("/search?q=förbättring&limit=4").json()
    rest = client.get("/search?q=förbättring&limit=4&offset=4").json()
    ranked = [item["document"]["id"] for item in first["items"] + rest["items"]]
    assert ranked == [d.pk for d in reversed(docs)]  # more hits rank higher
    assert first["count"] == rest["count"] == 7
    ranks = [item["rank"] for item in first["items"] + rest["items"]]
    assert ranks == sorted(ranks, reverse=True)


def test_counts_stop_past_the_limit_and_say_so(orgtree, staff, api_as, client, monkeypatch):
    _ranked(staff, orgtree)  # A sees all 7 hits; B sees 4 (the K 3 ones are hidden from B)
    monkeypatch.setattr(search, "COUNT_LIMIT", 4)
    many = api_as(staff.reader_a1).get("/search?q=förbättring&limit=10").json()
    assert (many["count"], many["count_exact"], len(many["items"])) == (4, False, 7)
    few = api_as(staff.reader_b1).get("/search?q=förbättring").json()
    assert (few["count"], few["count_exact"]) == (4, True)  # hidden hits count for nothing
    monkeypatch.setattr(search_views, "PAGE_SIZE", 2)
    client.force_login(staff.reader_a1)
    page = client.get("/documents/search/", {"q": "förbättring"}).text
    assert "Fler än 4 dokument hittades" in page and "Sida 1</span>" in page  # the last page is unknown
    client.force_login(staff.reader_b1)
    page = client.get("/documents/search/", {"q": "förbättring"}).text
    assert "4 dokument hittades" in page and "Sida 1 av 2" in page


def test_a_repeated_search_reuses_its_ranking_until_the_index_changes(orgtree, staff, api_as):
    doc = _published(staff, orgtree.a, "Rutin", IMPROVEMENT)
    client = api_as(staff.reader_a1)

    def rankings() -> int:
        """How many ranking statements a search ran."""
        with CaptureQueriesContext(connection) as ctx:
            assert _ids(client, "förbättringar") == set(found)
        return sum("bm25(" in q["sql"] or "ts_rank(" in q["sql"] for q in ctx.captured_queries)

    found = [doc.pk]
    assert rankings() == 1
    assert rankings() == 0  # kept
    found.append(_published(staff, orgtree.a1, "Ny rutin", HYGIENE).pk)
    assert rankings() == 1  # the index changed: ranked anew


def test_the_ranking_reads_the_index_alone_and_leaves_the_connection_as_it_was(orgtree, staff):
    """No join per match; on PostgreSQL the matches come through the GIN index, with sequential
    scans turned off for that one statement only."""
    for n in range(3):
        _published(staff, orgtree.a, f"Rutin {n}", IMPROVEMENT)
    with CaptureQueriesContext(connection) as ctx:
        ranked = search.ranking("förbättringar")
    assert len(ranked.ids) == 3
    [ranking] = [q["sql"] for q in ctx.captured_queries if "bm25(" in q["sql"] or "ts_rank(" in q["sql"]]
    assert "documents_document" not in ranking
    if connection.vendor == "postgresql":
        assert ranking.startswith("SET LOCAL enable_seqscan = off;")
        with connection.cursor() as cursor:  # the test's transaction goes on with the setting it had
            cursor.execute("SHOW enable_seqscan")
            assert cursor.fetchone() == ("on",)


def test_a_cached_ranking_never_decides_who_sees_what(orgtree, staff, api_as):
    secret = _published(staff, orgtree.a, "Förvaltningens rutin", IMPROVEMENT, classification_k=3)
    outsider = make_user("outsider", unit=orgtree.b1, role=Role.READER)
    client = api_as(outsider)
    assert _ids(client, "förbättringar") == set()
    people.grant_role(by=SYSTEM, user=outsider, unit=orgtree.a1, role=Role.READER)  # the index is unchanged
    assert _ids(client, "förbättringar") == {secret.pk}


def test_a_ranking_from_a_rolled_back_write_is_never_served(orgtree, staff):
    with pytest.raises(RuntimeError), transaction.atomic():
        _published(staff, orgtree.a, "Borttagen", IMPROVEMENT)
        assert len(search.Results(staff.reader_a1, "förbättringar")[0:20]) == 1  # ranked and kept
        raise RuntimeError("rolled back")
    # The same writes again (the same steps, maybe the same id) with text that does not match:
    # a generation that counted up would now equal the rolled-back one and serve its ranking.
    _published(staff, orgtree.a, "Kvar", OTHER)
    assert search.Results(staff.reader_a1, "förbättringar")[0:20] == []
