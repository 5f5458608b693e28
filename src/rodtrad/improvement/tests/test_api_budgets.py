"""The improvement lists answer in a fixed number of queries, whatever the number of rows."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tasks_db.models import DBTaskResult

from rodtrad.core.models import Notification, Role, User
from rodtrad.core.tests.factories import make_user
from rodtrad.core.tests.statements import in_first_transaction
from rodtrad.improvement import services
from rodtrad.improvement.models import Duty
from rodtrad.improvement.tests.factories import category, make_action, make_complaint, make_proposal, report

pytestmark = pytest.mark.usefixtures("categories")

#: Queries per request: the token, the caller's roles, the count and the page (plus prefetches; events
#: read the page's ids first, then its rows).
BUDGETS = {
    "/events?limit=100": 5,
    "/actions?limit=100": 4,
    "/duties?limit=100": 4,
    "/complaints?limit=100": 5,
    "/proposals?limit=100": 4,
    "/learnings?limit=100": 3,
}


def _grow(orgtree: Any, people: Any, n: int) -> None:
    for _ in range(n):
        event = report(people.nurse_a1, orgtree.a1)
        services.open_duty(event, by=people.manager_a1, kind=Duty.Kind.LEX_MARIA)
        make_action(people.manager_a1, orgtree.a1, people.nurse_a1, source=event)
        make_complaint(people.manager_a1, orgtree.a1, events=[event])
        make_proposal(people.nurse_a1, orgtree.a1)
        event.refresh_from_db()
        event = services.close_event(event, by=people.manager_a1, version=event.version, comment="Klart.")
        services.publish_learning(by=people.manager_a1, event=event, title="Lärdom", summary="Text")


def _counts(api: Any) -> dict[str, int]:
    counts = {}
    for path in BUDGETS:
        api.get(path)  # per-process caches (content types, translations) are not the endpoint's cost
        with CaptureQueriesContext(connection) as queries:
            response = api.get(path)
        assert response.status_code == 200, (path, response.content)
        assert response.json()["count"] > 0, path
        counts[path] = len(queries.captured_queries)
    return counts


def _report(orgtree: Any) -> dict[str, Any]:
    """A quick report's body: a fall at enhet A1."""
    return {
        "unit": orgtree.a1.pk,
        "occurred_at": "2026-01-05T10:00:00+01:00",
        "description": "Föll.",
        "category": category("fall").pk,
        "affected": "patient",
    }


def test_the_lists_stay_within_budget_and_do_not_grow_with_the_rows(
    orgtree: Any, people: Any, api_as: Any
) -> None:
    api = api_as(people.quality_a)
    _grow(orgtree, people, 2)
    small = _counts(api)
    _grow(orgtree, people, 12)
    large = _counts(api)
    assert large == small
    over = {path: count for path, count in large.items() if count > BUDGETS[path]}
    assert not over, f"over budget: {over}"


def test_the_quick_report_and_the_inbox_use_a_fixed_number_of_queries(
    orgtree: Any, people: Any, api_as: Any, django_assert_max_num_queries: Any
) -> None:
    """The report: token, unit, category, the insert in a savepoint, the audit chain (head, entry, head)
    and the handlers to notify, whatever the number of events; the inbox: token, roles, the unit filter,
    count, the page's ids and its rows."""
    _grow(orgtree, people, 3)
    api = api_as(people.nurse_a1)
    body = _report(orgtree)
    api.post("/events", body)
    with django_assert_max_num_queries(12):  # with the handlers' notifications and their e-mail task
        assert api.post("/events", body).status_code == 201
    manager = api_as(people.manager_a)
    manager.get("/events?status=new&limit=50")
    with django_assert_max_num_queries(6):
        assert manager.get(f"/events?unit={orgtree.a.pk}&status=new&limit=50").status_code == 200


def test_the_quick_report_with_its_notifications_costs_the_same_for_two_handlers_or_twelve(
    orgtree: Any, people: Any, api_as: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """The handlers' notifications go in one insert and their e-mails in one task."""
    api = api_as(people.nurse_a1)
    body = _report(orgtree)

    def report() -> int:
        with (
            CaptureQueriesContext(connection) as queries,
            django_capture_on_commit_callbacks(execute=True),
        ):
            assert api.post("/events", body).status_code == 201
        return len(queries.captured_queries)

    report()  # per-process caches
    few = report()
    handlers = User.objects.filter(notifications__title__contains="Enhet A1").distinct().count()
    for i in range(10):
        make_user(f"handler{i}", unit=orgtree.a1, role=Role.MANAGER, email=f"handler{i}@example.se")
    Notification.objects.all().delete()
    tasks = DBTaskResult.objects.count()
    many = report()

    assert many == few <= 12
    assert handlers == 4  # quality_r, quality_a, manager_a and manager_a1: roles on A1 and above
    assert Notification.objects.filter(title__contains="Enhet A1").count() == handlers + 10
    assert DBTaskResult.objects.count() == tasks + 1  # one e-mail task per report, however many handlers


def test_the_quick_report_reads_before_its_transaction(orgtree: Any, people: Any, api_as: Any) -> None:
    """On SQLite a transaction holds the one write lock from its start, and reports are what many
    people write at once: inside it the report only writes, and reads the audit chain's head."""
    api = api_as(people.nurse_a1)
    body = _report(orgtree)
    with CaptureQueriesContext(connection) as queries:
        assert api.post("/events", body).status_code == 201
    inside = in_first_transaction(queries.captured_queries)
    reads = [sql for sql in inside if sql.startswith("SELECT")]
    assert len(reads) == 1 and '"core_audithead"' in reads[0], reads
    assert any('"core_notification"' in sql for sql in inside)  # the handlers are told
