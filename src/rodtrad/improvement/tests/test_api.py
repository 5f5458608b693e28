"""The improvement API as a client sees it: status codes, field errors, masking, versions and filters."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from rodtrad.core.models import AuditEntry, Notification
from rodtrad.improvement import services
from rodtrad.improvement.models import Category, Cause, Duty, Event
from rodtrad.improvement.tests.factories import (
    category,
    hours_ago,
    make_action,
    make_complaint,
    make_proposal,
    report,
    triage,
)

pytestmark = pytest.mark.usefixtures("categories")
PNR = "19121212-1212"


def quick(orgtree: Any, **extra: Any) -> dict[str, Any]:
    body = {
        "unit": orgtree.a1.pk,
        "occurred_at": hours_ago(1).isoformat(),
        "description": f"Fel dos till {PNR}.",
        "category": category("lakemedel").pk,
        "affected": "patient",
    }
    body.update(extra)
    return body


def put(api: Any, path: str, data: Any) -> Any:
    """The shared client has no put(); its generic call serves."""
    return api._call("put", path, data)


def locs(response: Any) -> list[list[Any]]:
    return [error["loc"] for error in response.json()["detail"]]


def test_the_quick_report_masks_and_returns_the_event(orgtree: Any, people: Any, api_as: Any) -> None:
    response = api_as(people.nurse_a1).post("/events", quick(orgtree, immediate_action="Ringde läkare."))
    assert response.status_code == 201, response.content
    event = response.json()
    assert event["description"] == "Fel dos till 19121212-****."
    assert (
        event["status"] == "new"
        and event["unit"]["code"] == "A1"
        and event["category"]["code"] == "lakemedel"
    )
    assert event["reporter"] == {"id": people.nurse_a1.pk, "name": str(people.nurse_a1)}
    assert PNR not in Event.objects.get(pk=event["id"]).description


def test_a_future_time_is_a_400_on_the_field(orgtree: Any, people: Any, api_as: Any) -> None:
    future = (timezone.now() + dt.timedelta(days=1)).isoformat()
    response = api_as(people.nurse_a1).post("/events", quick(orgtree, occurred_at=future))
    assert response.status_code == 400
    assert locs(response) == [["body", "occurred_at"]]


@pytest.mark.parametrize(
    ("change", "status", "loc"),
    [
        ({"affected": "alien"}, 422, ["body", "affected"]),
        ({"unit": 999999}, 400, ["body", "unit"]),
        ({"category": 999999}, 400, ["body", "category"]),
        ({"description": ""}, 400, ["body", "description"]),
        ({"description": "a\x00b"}, 422, ["body", "description"]),
        ({"positive": 1}, 422, ["body", "positive"]),
    ],
)
def test_bad_reports_name_the_field(
    orgtree: Any, people: Any, api_as: Any, change: dict[str, Any], status: int, loc: Any
) -> None:
    response = api_as(people.nurse_a1).post("/events", quick(orgtree, **change))
    if change.get("occurred_at", "").startswith("0001"):
        assert response.status_code in (201, 422), (
            response.content
        )  # far past: stored or refused, never a 500
        return
    assert response.status_code == status, response.content
    assert loc in locs(response)


def test_times_far_in_the_past_are_stored_or_refused_never_a_crash(
    orgtree: Any, people: Any, api_as: Any
) -> None:
    api = api_as(people.nurse_a1)
    assert api.post("/events", quick(orgtree, occurred_at="1900-01-01T12:00:00+00:00")).status_code == 201
    assert api.post("/events", quick(orgtree, occurred_at="0001-01-01T00:00:00")).status_code == 422


def test_events_are_listed_by_access_and_filtered(orgtree: Any, people: Any, api_as: Any) -> None:
    mine = report(people.nurse_a1, orgtree.a1)
    elsewhere = report(people.manager_b, orgtree.b1, code="lakemedel", occurred_at=hours_ago(24 * 40))
    manager = api_as(people.manager_a)
    assert [e["id"] for e in manager.get("/events").json()["items"]] == [mine.pk]
    region = api_as(people.quality_r)
    assert region.get("/events").json()["count"] == 2
    assert [e["id"] for e in region.get(f"/events?unit={orgtree.b.pk}").json()["items"]] == [elsewhere.pk]
    assert [e["id"] for e in region.get(f"/events?category={category('fall').pk}").json()["items"]] == [
        mine.pk
    ]
    since = (timezone.localdate() - dt.timedelta(days=3)).isoformat()
    assert [e["id"] for e in region.get(f"/events?from={since}").json()["items"]] == [mine.pk]
    until = (timezone.localdate() - dt.timedelta(days=3)).isoformat()
    assert [e["id"] for e in region.get(f"/events?to={until}").json()["items"]] == [elsewhere.pk]
    assert region.get("/events?from=1900-01-01&to=2999-12-31").json()["count"] == 2
    assert region.get("/events?status=closed").json()["count"] == 0
    event = mine
    event.refresh_from_db()
    services.close_event(event, by=people.quality_r, version=event.version, comment="Klart.")
    assert [e["id"] for e in region.get("/events?open=true").json()["items"]] == [elsewhere.pk]
    assert region.get("/events?unit=99999999").status_code == 404
    assert region.get("/events?to=0").status_code == 422  # not a Unix time
    assert region.get("/events/stats?until=0").status_code == 422
    assert [e["id"] for e in api_as(people.nurse_a1).get("/events?mine=true").json()["items"]] == [mine.pk]


def test_another_units_event_is_a_404(orgtree: Any, people: Any, api_as: Any) -> None:
    event = report(people.nurse_a1, orgtree.a1)
    assert api_as(people.manager_b).get(f"/events/{event.pk}").status_code == 404
    assert api_as(people.nobody).get(f"/events/{event.pk}").status_code == 404
    patch = api_as(people.manager_b).patch(f"/events/{event.pk}", {"version": 1, "probability": 2})
    assert patch.status_code == 404
    assert api_as(people.nurse_a1).get(f"/events/{event.pk}").status_code == 200


def test_triage_checks_the_risk_levels_and_the_version(orgtree: Any, people: Any, api_as: Any) -> None:
    event = report(people.nurse_a1, orgtree.a1)
    api = api_as(people.manager_a1)
    for level in (0, 5, 10**30):
        response = api.patch(f"/events/{event.pk}", {"version": event.version, "probability": level})
        assert response.status_code == 400, response.content
        assert locs(response) == [["body", "probability"]]
    response = api.patch(f"/events/{event.pk}", {"version": event.version, "consequence": 9})
    assert locs(response) == [["body", "consequence"]]
    done = api.patch(
        f"/events/{event.pk}",
        {
            "version": event.version,
            "probability": 3,
            "consequence": 4,
            "harm": "serious",
            "handler": people.manager_a1.pk,
        },
    )
    assert done.status_code == 200, done.content
    body = done.json()
    assert (body["status"], body["risk"], body["handler"]) == ("triaged", 12, people.manager_a1.pk)
    assert [d["kind"] for d in body["duties"]] == ["lex_maria"]
    stale = api.patch(f"/events/{event.pk}", {"version": event.version, "probability": 1})
    assert stale.status_code == 409 and stale.json()["current_version"] == body["version"]
    assert api.patch(f"/events/{event.pk}", {"version": body["version"], "category": None}).status_code == 400


def test_a_reporter_cannot_triage_their_own_report(orgtree: Any, people: Any, api_as: Any) -> None:
    event = report(people.nurse_a1, orgtree.a1)
    response = api_as(people.nurse_a1).patch(f"/events/{event.pk}", {"version": 1, "probability": 1})
    assert response.status_code == 403
    detail = api_as(people.nurse_a1).get(f"/events/{event.pk}").json()
    assert detail["duties"] == [] and detail["investigation"] is None


def test_investigation_close_reopen_and_learning(orgtree: Any, people: Any, api_as: Any) -> None:
    event = report(people.nurse_a1, orgtree.a1)
    api = api_as(people.manager_a1)
    assert api.get(f"/events/{event.pk}/investigation").status_code == 404
    body = {
        "kind": "full",
        "commissioner": people.manager_a.pk,
        "team": [people.manager_a1.pk, people.quality_a.pk],
        "timeline": [{"at": hours_ago(2).isoformat(), "text": f"Patient {PNR} fick fel dos."}],
        "causes": [{"category": "procedures", "description": "Dubbelkontroll saknades."}],
    }
    started = put(api, f"/events/{event.pk}/investigation", body)
    assert started.status_code == 200, started.content
    saved = started.json()
    assert (
        saved["status"] == "ongoing" and saved["timeline"][0]["text"] == "Patient 19121212-**** fick fel dos."
    )
    assert saved["team"] == sorted([people.manager_a1.pk, people.quality_a.pk])
    assert api_as(people.nurse_a1).get(f"/events/{event.pk}/investigation").status_code == 404
    bad_team = put(api, f"/events/{event.pk}/investigation", {**body, "team": [99999999]})
    assert locs(bad_team) == [["body", "team"]]
    not_done = put(
        api, f"/events/{event.pk}/investigation", {**body, "version": saved["version"], "done": True}
    )
    assert locs(not_done) == [["body", "final_report"]]
    finished = put(
        api,
        f"/events/{event.pk}/investigation",
        {**body, "version": saved["version"], "done": True, "final_report": "Rutin införd."},
    )
    assert finished.json()["status"] == "done"
    current = api.get(f"/events/{event.pk}").json()
    assert current["status"] == "investigating" and current["investigation"] == saved["id"]
    assert (
        api.post(f"/events/{event.pk}/close", {"version": current["version"], "comment": ""}).status_code
        == 400
    )
    closed = api.post(
        f"/events/{event.pk}/close", {"version": current["version"], "comment": "Rutin ändrad."}
    )
    assert closed.json()["status"] == "closed"
    again = api.post(f"/events/{event.pk}/close", {"version": closed.json()["version"], "comment": "x"})
    assert again.status_code == 409
    learning = api.post(
        f"/events/{event.pk}/learning", {"title": "Dubbelkontroll", "summary": "Kontrollera två gånger."}
    )
    assert learning.status_code == 201, learning.content
    assert api.post(f"/events/{event.pk}/learning", {"title": "T", "summary": "S"}).status_code == 409
    found = api_as(people.nobody).get("/learnings?q=dubbelkontroll").json()
    assert [item["id"] for item in found["items"]] == [learning.json()["id"]]
    assert api_as(people.nobody).get("/learnings?q=saknas").json()["count"] == 0
    reopened = api.post(f"/events/{event.pk}/reopen", {"version": closed.json()["version"]})
    assert reopened.json()["status"] == "triaged"


def test_duties_are_listed_opened_and_decided(orgtree: Any, people: Any, api_as: Any) -> None:
    event = report(people.nurse_a1, orgtree.a1, occurred_at=hours_ago(24 * 70))
    api = api_as(people.quality_a)
    opened = api.post("/duties", {"event": event.pk, "kind": "lex_maria"})
    assert opened.status_code == 201, opened.content
    duty = opened.json()
    assert duty["overdue"] is True and duty["days_since_event"] == 70 and duty["unit"]["code"] == "A1"
    assert api.post("/duties", {"event": event.pk, "kind": "lex_maria"}).status_code == 409
    assert api.post("/duties", {"event": 99999999, "kind": "lex_maria"}).status_code == 400
    assert (
        api_as(people.manager_b).post("/duties", {"event": event.pk, "kind": "lex_maria"}).status_code == 400
    )
    assert [d["id"] for d in api.get("/duties?overdue=true").json()["items"]] == [duty["id"]]
    assert api_as(people.manager_b).get(f"/duties/{duty['id']}").status_code == 404
    decision = {"version": duty["version"], "decision": "not_reported", "reasoning": "Ingen allvarlig skada."}
    assert api_as(people.manager_a1).post(f"/duties/{duty['id']}/decide", decision).status_code == 403
    decided = api.post(f"/duties/{duty['id']}/decide", decision)
    assert decided.status_code == 200 and decided.json()["decision"] == "not_reported"
    assert api.get("/duties?decision=pending").json()["count"] == 0
    assert api.post(f"/duties/{duty['id']}/decide", decision).status_code == 409


def test_actions_from_an_event_for_their_owner(
    orgtree: Any, people: Any, api_as: Any, django_capture_on_commit_callbacks: Any
) -> None:
    event = report(people.nurse_a1, orgtree.a1)
    api = api_as(people.manager_a1)
    due = (timezone.localdate() + dt.timedelta(days=14)).isoformat()
    body = {
        "unit": orgtree.a1.pk,
        "title": "Ny rutin",
        "owner": people.nurse_a1.pk,
        "due_date": due,
        "event": event.pk,
    }
    with django_capture_on_commit_callbacks(execute=True):
        created = api.post("/actions", body)
    assert created.status_code == 201, created.content
    action = created.json()
    assert (
        action["source"] == {"type": "improvement.event", "id": event.pk}
        and action["owner"]["id"] == people.nurse_a1.pk
    )
    assert Notification.objects.filter(user=people.nurse_a1).exists()
    assert api.post("/actions", {**body, "due_date": 20260101}).status_code == 422
    assert locs(api.post("/actions", {**body, "owner": 99999999})) == [["body", "owner"]]
    assert api_as(people.manager_b).post("/actions", {**body, "event": None}).status_code == 403
    owner = api_as(people.nurse_a1)
    assert [a["id"] for a in owner.get("/actions?mine=true").json()["items"]] == [action["id"]]
    assert [a["id"] for a in api.get(f"/actions?event={event.pk}").json()["items"]] == [action["id"]]
    assert owner.patch(f"/actions/{action['id']}", {"version": 1, "title": "Annat"}).status_code == 403
    done = owner.patch(f"/actions/{action['id']}", {"version": 1, "status": "done"})
    assert done.status_code == 200 and done.json()["completed_on"] == timezone.localdate().isoformat()
    evaluated = owner.patch(f"/actions/{action['id']}", {"version": 2, "effect": "effective"})
    assert evaluated.json()["effect"] == "effective"
    assert api_as(people.manager_b).get(f"/actions/{action['id']}").status_code == 404
    late = make_action(
        people.manager_a1, orgtree.a1, people.nurse_a1, due_date=timezone.localdate() - dt.timedelta(days=1)
    )
    overdue = api.get("/actions?overdue=true").json()["items"]
    assert [a["id"] for a in overdue] == [late.pk] and overdue[0]["overdue"] is True


def test_complaints_with_deadline_overdue_list_and_answer(orgtree: Any, people: Any, api_as: Any) -> None:
    event = report(people.nurse_a1, orgtree.a1)
    api = api_as(people.manager_a1)
    received = (timezone.localdate() - dt.timedelta(days=40)).isoformat()
    body = {
        "unit": orgtree.a1.pk,
        "received_on": received,
        "channel": "1177",
        "sender": "patient",
        "description": f"Jag ({PNR}) fick fel besked.",
        "events": [event.pk],
    }
    created = api.post("/complaints", body)
    assert created.status_code == 201, created.content
    complaint = created.json()
    assert (
        complaint["overdue"] is True
        and complaint["events"] == [event.pk]
        and PNR not in complaint["description"]
    )
    other = report(people.manager_b, orgtree.b1)
    assert locs(api.post("/complaints", {**body, "events": [other.pk]})) == [["body", "events"]]
    assert api.post("/complaints", {**body, "received_on": "2999-01-01"}).status_code == 400
    assert api_as(people.nurse_a1).post("/complaints", {**body, "events": []}).status_code == 403
    make_complaint(people.manager_a1, orgtree.a1)
    assert [c["id"] for c in api.get("/complaints?overdue=true").json()["items"]] == [complaint["id"]]
    answer = {"version": 1, "answered_on": timezone.localdate().isoformat(), "answer_summary": "Vi beklagar."}
    answered = api.patch(f"/complaints/{complaint['id']}", answer)
    assert answered.status_code == 200 and answered.json()["status"] == "answered"
    assert api_as(people.nurse_a1).get(f"/complaints/{complaint['id']}").status_code == 404


def test_proposals_from_idea_to_trial(orgtree: Any, people: Any, api_as: Any) -> None:
    nurse = api_as(people.nurse_a1)
    created = nurse.post(
        "/proposals", {"unit": orgtree.a1.pk, "title": "Färgade brickor", "idea": "Kost i färg."}
    )
    assert created.status_code == 201, created.content
    proposal = created.json()
    assert proposal["submitted_by"]["id"] == people.nurse_a1.pk and proposal["pdsa"] == []
    api = api_as(people.manager_a1)
    assert api.patch(f"/proposals/{proposal['id']}", {"version": 1, "status": "adopted"}).status_code == 409
    assert (
        nurse.patch(f"/proposals/{proposal['id']}", {"version": 1, "status": "assessing"}).status_code == 403
    )
    assert locs(api.patch(f"/proposals/{proposal['id']}", {"version": 1, "status": "rejected"})) == [
        ["body", "reason"]
    ]
    api.patch(f"/proposals/{proposal['id']}", {"version": 1, "status": "assessing"})
    api.patch(f"/proposals/{proposal['id']}", {"version": 2, "status": "ongoing"})
    note = nurse.post(f"/proposals/{proposal['id']}/pdsa", {"phase": "plan", "text": "Prova en vecka."})
    assert note.status_code == 201, note.content
    detail = api.get(f"/proposals/{proposal['id']}").json()
    assert detail["status"] == "ongoing" and [p["text"] for p in detail["pdsa"]] == ["Prova en vecka."]
    make_proposal(people.manager_b, orgtree.b1)
    assert [p["id"] for p in api.get("/proposals").json()["items"]] == [proposal["id"]]
    assert [p["id"] for p in nurse.get("/proposals?mine=true").json()["items"]] == [proposal["id"]]


def test_stats_count_events_per_category_and_the_causes(orgtree: Any, people: Any, api_as: Any) -> None:
    fall = report(people.nurse_a1, orgtree.a1)
    report(people.nurse_a1, orgtree.a1)
    report(people.nurse_a1, orgtree.a1, code="lakemedel")
    report(people.manager_b, orgtree.b1)
    services.save_investigation(
        fall,
        by=people.manager_a1,
        version=None,
        kind="short",
        causes=[(Cause.Category.COMPETENCE, "Ny personal")],
    )
    stats = api_as(people.manager_a).get("/events/stats?months=3").json()
    assert len(stats["months"]) == 3 and stats["total"] == 3
    assert [(r["label"], r["total"]) for r in stats["rows"]] == [("Fall", 2), ("Läkemedel", 1)]
    assert [c["key"] for c in stats["causes"]] == ["competence"]
    by_unit = api_as(people.quality_r).get(f"/events/stats?by=unit&unit={orgtree.b.pk}").json()
    assert [r["label"] for r in by_unit["rows"]] == ["Enhet B1"]
    assert api_as(people.nurse_a1).get("/events/stats").json()["total"] == 0
    assert api_as(people.quality_r).get("/events/stats?until=2999-12-31&months=120").status_code == 200
    assert api_as(people.quality_r).get("/events/stats?by=nonsense").status_code == 422


def test_categories_list_the_active_tree(orgtree: Any, people: Any, api_as: Any) -> None:
    """The default tree is there from the start (migration 0005); reading it writes nothing."""
    Category.objects.filter(code="miljo").update(active=False)
    client = api_as(people.nobody)
    before = AuditEntry.objects.count()
    codes = [c["code"] for c in client.get("/event-categories").json()]
    assert "personuppgiftsincident" in codes and codes[0] == "vard-och-behandling" and "miljo" not in codes
    assert AuditEntry.objects.count() == before


def test_triage_of_a_data_breach_opens_the_imy_clock(orgtree: Any, people: Any, api_as: Any) -> None:
    event = report(people.nurse_a1, orgtree.a1, code="personuppgiftsincident", affected="information")
    aware = hours_ago(80)
    response = api_as(people.manager_a1).patch(
        f"/events/{event.pk}", {"version": event.version, "aware_at": aware.isoformat()}
    )
    duties = response.json()["duties"]
    assert [(d["kind"], d["overdue"]) for d in duties] == [("personal_data", True)]
    assert Duty.objects.get(event=event).deadline == aware + dt.timedelta(hours=72)
    triage(event, people.manager_a1, serious_work_injury=True)
