"""Page feedback: one mechanism for every page, signed targets, rate limits, htmx and plain posts."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.urls import reverse

from rodtrad.core.models import PageFeedback
from rodtrad.core.services import feedback
from rodtrad.core.tests.factories import make_user

HTMX = {"HX-Request": "true"}


@pytest.fixture(autouse=True)
def empty_cache(db: Any) -> Any:
    cache.clear()
    yield
    cache.clear()


def post(client: Client, page: Any, useful: str = "yes", comment: str = "", **extra: Any) -> Any:
    data = {"page": feedback.token(page), "useful": useful, "comment": comment, "next": "/somewhere/"}
    return client.post(reverse("core:feedback"), data, **extra)


def answers() -> list[PageFeedback]:
    return list(PageFeedback.objects.order_by("pk"))


def test_anonymous_answer_without_javascript_is_stored_and_redirects_back(orgtree: Any) -> None:
    response = post(Client(), orgtree.a1, "no", "Saknar telefonnummer")
    assert response.status_code == 302 and response["Location"] == "/somewhere/"
    [answer] = answers()
    assert answer.page == orgtree.a1 and answer.useful is False
    assert answer.comment == "Saknar telefonnummer" and answer.user is None


def test_signed_in_answer_by_htmx_returns_the_thank_you_part(orgtree: Any) -> None:
    person = make_user(unit=orgtree.a1, role="reader")
    client = Client()
    client.force_login(person)
    response = post(client, orgtree.a1, headers=HTMX)
    assert response.status_code == 200
    assert "Tack för ditt svar!" in response.content.decode()
    assert answers()[0].user == person


def test_unit_of_the_page_is_kept_for_access(orgtree: Any) -> None:
    from rodtrad.documents.tests.factories import make_document

    doc = make_document(make_user(unit=orgtree.a, role="editor"), orgtree.a)
    feedback.record(doc, useful=True, by=None, client="10.0.0.1")
    assert PageFeedback.objects.get().unit == orgtree.a
    assert PageFeedback.objects.visible_to(make_user(unit=orgtree.b1, role="reader")).count() == 0
    assert PageFeedback.objects.visible_to(make_user(unit=orgtree.a1, role="reader")).count() == 0
    assert PageFeedback.objects.visible_to(make_user(unit=orgtree.a, role="reader")).count() == 1


def test_forged_or_missing_page_is_refused(orgtree: Any) -> None:
    data = {"page": "forged:token", "useful": "yes"}
    assert Client().post(reverse("core:feedback"), data).status_code == 400
    assert not answers()


def test_missing_answer_is_an_error_and_nothing_is_stored(orgtree: Any) -> None:
    response = post(Client(), orgtree.a1, useful="kanske", headers=HTMX)
    assert response.status_code == 200 and "errorlist" in response.content.decode()
    response = post(Client(), orgtree.a1, useful="kanske")
    assert response.status_code == 302
    assert not answers()


def test_too_long_comment_is_refused(orgtree: Any) -> None:
    response = post(Client(), orgtree.a1, comment="x" * 2001, headers=HTMX)
    assert "errorlist" in response.content.decode()
    with pytest.raises(ValidationError):
        feedback.record(orgtree.a1, useful=True, comment="a\x00b", by=None, client="1")
    assert not answers()


def test_flooding_from_one_client_is_limited_with_a_clear_message(orgtree: Any) -> None:
    client = Client()
    for _ in range(feedback.RATE_LIMIT):
        assert "Tack" in post(client, orgtree.a1, headers=HTMX).content.decode()
    response = post(client, orgtree.a1, headers=HTMX)
    assert "Försök igen om en timme" in response.content.decode()
    assert len(answers()) == feedback.RATE_LIMIT
    other_client = Client(REMOTE_ADDR="10.1.1.1")
    assert "Tack" in post(other_client, orgtree.a1, headers=HTMX).content.decode()
    assert "Tack" in post(client, orgtree.b1, headers=HTMX).content.decode()
    assert len(answers()) == feedback.RATE_LIMIT + 2


def test_summary_counts_answers_and_lists_comments(orgtree: Any) -> None:
    for n, (useful, comment) in enumerate([(True, ""), (True, "Bra"), (False, "Otydligt")]):
        feedback.record(orgtree.a1, useful=useful, comment=comment, by=None, client=str(n))
    feedback.record(orgtree.b1, useful=False, by=None, client="9")
    result = feedback.summary(orgtree.a1)
    assert (result.useful, result.not_useful) == (2, 1)
    assert [a.comment for a in result.comments] == ["Otydligt", "Bra"]


def test_feedback_needs_post(db: Any) -> None:
    assert Client().get(reverse("core:feedback")).status_code == 405


def test_the_rate_limit_is_shared_by_every_app_process(db: Any) -> None:
    """The cache is the database's, so a second gunicorn worker sees the same counts."""
    from django.conf import settings

    assert settings.CACHES["default"]["BACKEND"].endswith("DatabaseCache")
    cache.set("probe", 1)
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM rodtrad_cache")
        assert cursor.fetchone()[0] >= 1
