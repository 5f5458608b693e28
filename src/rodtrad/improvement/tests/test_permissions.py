"""Every improvement endpoint tried as anonymous, as a person without the role, with the role on another
unit, with the wrong role and with the right one. Denied calls come before the allowed one, so a write that
succeeds last does not change what the others saw."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from rodtrad.core.models import Role
from rodtrad.core.tests.factories import make_user
from rodtrad.improvement import services
from rodtrad.improvement.models import Duty
from rodtrad.improvement.tests.factories import make_action, make_complaint, make_proposal, report, triage

pytestmark = pytest.mark.usefixtures("categories")


def _cases(org: Any, p: Any) -> list[tuple[str, str, str, Any, str, int]]:
    """(label, method, path, body, who, expected status)."""
    p.reader_a1 = make_user("reader_a1", unit=org.a1, role=Role.READER)
    event, to_investigate, to_close, closed = (report(p.nurse_a1, org.a1) for _ in range(4))
    triage(to_close, p.manager_a1, probability=1)
    to_close.refresh_from_db()
    services.close_event(closed, by=p.manager_a1, version=closed.version, comment="Klart.")
    services.save_investigation(to_investigate, by=p.manager_a1, version=None, kind="short")
    duty = services.open_duty(event, by=p.manager_a1, kind=Duty.Kind.LEX_MARIA)
    action = make_action(p.manager_a1, org.a1, p.manager_a1)
    complaint = make_complaint(p.manager_a1, org.a1)
    proposal = make_proposal(p.nurse_a1, org.a1)
    trial = make_proposal(p.nurse_a1, org.a1)
    trial = services.move_proposal(trial, by=p.manager_a1, version=trial.version, status="assessing")
    trial = services.move_proposal(trial, by=p.manager_a1, version=trial.version, status="ongoing")
    learning = services.publish_learning(by=p.manager_a1, event=closed, title="Lärdom", summary="Text")
    today = timezone.localdate().isoformat()
    new_event = {
        "unit": org.a1.pk,
        "occurred_at": timezone.now().isoformat(),
        "description": "Något hände.",
        "category": event.category_id,
        "affected": "staff",
    }
    rows: list[tuple[str, str, str, Any, str, int]] = []

    def case(label: str, method: str, path: str, body: Any, expected: dict[str, int]) -> None:
        rows.extend((label, method, path, body, who, status) for who, status in expected.items())

    case("categories", "get", "/event-categories", None, {"anon": 401, "nobody": 200})
    case("report", "post", "/events", new_event, {"anon": 401, "nobody": 201, "nurse_a1": 201})
    case("list events", "get", "/events", None, {"anon": 401, "nobody": 200, "manager_a1": 200})
    case(
        "read event",
        "get",
        f"/events/{event.pk}",
        None,
        {"anon": 401, "nobody": 404, "reader_a1": 404, "manager_b": 404, "nurse_a1": 200, "manager_a1": 200},
    )
    case(
        "triage",
        "patch",
        f"/events/{event.pk}",
        {"version": event.version, "probability": 2},
        {"anon": 401, "nobody": 404, "manager_b": 404, "nurse_a1": 403, "manager_a1": 200},
    )
    case(
        "read investigation",
        "get",
        f"/events/{to_investigate.pk}/investigation",
        None,
        {"anon": 401, "nurse_a1": 404, "manager_b": 404, "quality_a": 200},
    )
    case(
        "investigate",
        "put",
        f"/events/{to_investigate.pk}/investigation",
        {"kind": "full"},
        {"anon": 401, "nobody": 404, "manager_b": 404, "nurse_a1": 403, "manager_a1": 200},
    )
    case(
        "close",
        "post",
        f"/events/{to_close.pk}/close",
        {"version": to_close.version, "comment": "Åtgärdat."},
        {"anon": 401, "manager_b": 404, "nurse_a1": 403, "manager_a1": 200},
    )
    case(
        "publish learning",
        "post",
        f"/events/{to_close.pk}/learning",
        {"title": "Lärdom", "summary": "Det vi lärde oss."},
        {"anon": 401, "manager_b": 404, "nurse_a1": 403, "manager_a1": 201},
    )
    case("stats", "get", "/events/stats", None, {"anon": 401, "nobody": 200, "quality_a": 200})
    case("list duties", "get", "/duties", None, {"anon": 401, "nobody": 200, "quality_a": 200})
    case(
        "read duty",
        "get",
        f"/duties/{duty.pk}",
        None,
        {"anon": 401, "nurse_a1": 404, "manager_b": 404, "manager_a1": 200},
    )
    case(
        "open duty",
        "post",
        "/duties",
        {"event": event.pk, "kind": "personal_data"},
        {"anon": 401, "nurse_a1": 400, "manager_b": 400, "manager_a1": 201},
    )
    case(
        "decide duty",
        "post",
        f"/duties/{duty.pk}/decide",
        {"version": duty.version, "decision": "reported", "reasoning": "Allvarlig vårdskada."},
        {"anon": 401, "nurse_a1": 404, "manager_b": 404, "manager_a1": 403, "quality_a": 200},
    )
    case("list actions", "get", "/actions", None, {"anon": 401, "nobody": 200, "manager_a1": 200})
    case(
        "create action",
        "post",
        "/actions",
        {"unit": org.a1.pk, "title": "Åtgärd", "owner": p.nurse_a1.pk, "due_date": today},
        {"anon": 401, "nobody": 403, "nurse_a1": 403, "manager_b": 403, "manager_a1": 201},
    )
    case(
        "read action",
        "get",
        f"/actions/{action.pk}",
        None,
        {"anon": 401, "nobody": 404, "nurse_a1": 404, "manager_b": 404, "quality_a": 200},
    )
    case(
        "change action",
        "patch",
        f"/actions/{action.pk}",
        {"version": action.version, "title": "Ny titel"},
        {"anon": 401, "nurse_a1": 404, "manager_b": 404, "manager_a1": 200},
    )
    case("list complaints", "get", "/complaints", None, {"anon": 401, "nobody": 200, "manager_a1": 200})
    case(
        "register complaint",
        "post",
        "/complaints",
        {
            "unit": org.a1.pk,
            "received_on": today,
            "channel": "ivo",
            "sender": "patient",
            "description": "Klagomål",
        },
        {"anon": 401, "nobody": 403, "nurse_a1": 403, "manager_b": 403, "manager_a1": 201},
    )
    case(
        "read complaint",
        "get",
        f"/complaints/{complaint.pk}",
        None,
        {"anon": 401, "nurse_a1": 404, "manager_b": 404, "quality_a": 200},
    )
    case(
        "answer complaint",
        "patch",
        f"/complaints/{complaint.pk}",
        {"version": complaint.version, "answered_on": today, "answer_summary": "Svar"},
        {"anon": 401, "nurse_a1": 404, "manager_b": 404, "manager_a1": 200},
    )
    case("list proposals", "get", "/proposals", None, {"anon": 401, "nobody": 200, "reader_a1": 200})
    case(
        "submit proposal",
        "post",
        "/proposals",
        {"unit": org.b1.pk, "title": "Idé", "idea": "Gör så här."},
        {"anon": 401, "nobody": 201, "nurse_a1": 201},
    )
    case(
        "read proposal",
        "get",
        f"/proposals/{proposal.pk}",
        None,
        {"anon": 401, "nobody": 404, "manager_b": 404, "reader_a1": 200, "nurse_a1": 200},
    )
    case(
        "move proposal",
        "patch",
        f"/proposals/{proposal.pk}",
        {"version": proposal.version, "status": "assessing"},
        {"anon": 401, "manager_b": 404, "reader_a1": 403, "nurse_a1": 403, "manager_a1": 200},
    )
    case(
        "pdsa",
        "post",
        f"/proposals/{trial.pk}/pdsa",
        {"phase": "plan", "text": "Vi provar."},
        {"anon": 401, "manager_b": 404, "reader_a1": 403, "nurse_a1": 201, "manager_a1": 201},
    )
    case("list learnings", "get", "/learnings", None, {"anon": 401, "nobody": 200})
    case(
        "read learning",
        "get",
        f"/learnings/{learning.pk}",
        None,
        {"anon": 401, "nobody": 200, "manager_b": 200},
    )
    return rows


def test_every_endpoint_allows_and_denies_by_role_and_subtree(orgtree: Any, people: Any, api_as: Any) -> None:
    failures = []
    for label, method, path, body, who, expected in _cases(orgtree, people):
        client = api_as(None if who == "anon" else getattr(people, who))
        if method == "put":
            response = client._call("put", path, body)
        else:
            call = getattr(client, method)
            response = call(path, body) if body is not None else call(path)
        if response.status_code != expected:
            failures.append(
                f"{label} as {who}: {response.status_code} (expected {expected}) {response.content[:160]!r}"
            )
    assert not failures, "\n".join(failures)


def test_the_reporter_is_named_only_to_those_who_handle_the_event(
    orgtree: Any, people: Any, api_as: Any
) -> None:
    event = report(people.nurse_a1, orgtree.a1, occurred_at=timezone.now() - dt.timedelta(hours=1))
    assert api_as(people.manager_a1).get(f"/events/{event.pk}").json()["reporter"]["id"] == people.nurse_a1.pk
    assert api_as(people.nurse_a1).get(f"/events/{event.pk}").json()["reporter"]["id"] == people.nurse_a1.pk
    learning = services.publish_learning(
        by=people.manager_a1,
        event=report(people.nurse_a1, orgtree.a1, code="positiv-handelse"),
        title="Bra bemötande",
        summary="Alla hälsade.",
    )
    public = api_as(people.nobody).get(f"/learnings/{learning.pk}").json()
    assert "reporter" not in public and "Person" not in str(public)
