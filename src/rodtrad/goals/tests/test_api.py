"""The goals API as a client sees it: status codes, bodies, the bad input of issue 4 and denials."""

from __future__ import annotations

import json
from typing import Any

import pytest

from rodtrad.core.models import Notification
from rodtrad.goals.models import FollowUp, Goal, Measurement
from rodtrad.goals.tests.conftest import YEAR


def test_goal_areas_are_listed_in_order_and_created_by_quality_of_the_top(
    api_as: Any, people: Any, world: Any
) -> None:
    created = api_as(people.quality_r).post("/goal-areas", {"name": "Medarbetare", "colour": "#aa3300"})
    assert created.status_code == 201, created.content
    listed = api_as(people.reader_a1).get("/goal-areas").json()
    assert [a["name"] for a in listed["items"]] == ["Patient", "Medarbetare"]
    assert api_as(people.quality_a).post("/goal-areas", {"name": "Ekonomi"}).status_code == 403
    assert (
        api_as(people.quality_r).post("/goal-areas", {"name": "Ekonomi", "colour": "red"}).status_code == 400
    )


def test_create_list_and_patch_goals(api_as: Any, orgtree: Any, people: Any, world: Any) -> None:
    api = api_as(people.editor_a1)
    response = api.post(
        "/goals",
        {"unit": orgtree.a1.pk, "parent": world.goal_a.pk, "title": "Triage inom 15 min", "year_from": YEAR},
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["area"] == world.area.pk and body["status"]["light"] == "none"
    listed = api.get(f"/goals?subtree={orgtree.a.pk}&year={YEAR}").json()
    assert listed["count"] == 2
    assert api.get(f"/goals?unit={orgtree.a1.pk}&area={world.area.pk}").json()["count"] == 1
    patched = api.patch(f"/goals/{body['id']}", {"version": 1, "title": "Triage inom 10 min"})
    assert patched.status_code == 200 and patched.json()["version"] == 2
    assert api.patch(f"/goals/{body['id']}", {"version": 1, "title": "Gammal"}).status_code == 409


def test_a_parent_in_a_unit_that_is_not_an_ancestor_gets_400_naming_parent(
    api_as: Any, orgtree: Any, people: Any, world: Any
) -> None:
    response = api_as(people.editor_b).post(
        "/goals", {"unit": orgtree.b1.pk, "parent": world.goal_a.pk, "title": "Fel tråd", "year_from": YEAR}
    )
    assert response.status_code == 400
    assert response.json()["detail"][0]["loc"] == ["body", "parent"]
    assert not Goal.objects.filter(title="Fel tråd").exists()


def test_breakdown_and_chain(api_as: Any, orgtree: Any, people: Any, world: Any) -> None:
    api = api_as(people.quality_a)
    response = api.post(f"/goals/{world.goal_a.pk}/breakdown", {"units": [orgtree.a1.pk]})
    assert response.status_code == 201, response.content
    child = response.json()["created"][0]
    assert child["unit"]["code"] == "A1" and child["parent"] == world.goal_a.pk
    assert Notification.objects.filter(user=people.manager_a1).exists()
    chain = api_as(people.reader_a1).get(f"/goals/{child['id']}/chain").json()
    assert [g["id"] for g in chain["ancestors"]] == [world.top.pk, world.goal_a.pk]
    assert chain["area"]["name"] == "Patient"
    assert api.post(f"/goals/{world.goal_a.pk}/breakdown", {"units": [orgtree.b1.pk]}).status_code == 400
    denied = api_as(people.editor_a1).post(f"/goals/{world.goal_a.pk}/breakdown", {"units": [orgtree.a1.pk]})
    assert denied.status_code == 403


def test_indicators_refuse_thresholds_against_the_direction(api_as: Any, orgtree: Any, people: Any) -> None:
    api = api_as(people.quality_r)
    bad = {
        "code": "SAT",
        "name": "Nöjdhet",
        "unit": orgtree.region.pk,
        "direction": "higher",
        "targets": [{"year": YEAR, "target": 80, "green": 80, "yellow": 85}],
    }
    response = api.post("/indicators", bad)
    assert response.status_code == 400 and response.json()["detail"][0]["loc"] == ["body", "targets"]
    not_a_number = {**bad, "targets": [{"year": YEAR, "target": False}]}
    assert api.post("/indicators", not_a_number).status_code == 422
    good = {**bad, "targets": [{"year": YEAR, "target": 80}]}
    created = api.post("/indicators", good)
    assert created.status_code == 201
    assert created.json()["targets"] == [{"year": YEAR, "target": 80.0, "green": 80.0, "yellow": 72.0}]
    assert api.post("/indicators", good).status_code == 400  # the code is taken
    assert api_as(people.editor_a1).post("/indicators", {**good, "code": "S2"}).status_code == 403


def test_measurements_bulk_upsert_and_unknown_unit_or_period(
    api_as: Any, orgtree: Any, people: Any, world: Any
) -> None:
    api = api_as(people.manager_a1)
    path = f"/indicators/{world.indicator.pk}/measurements"
    items = [{"unit": orgtree.a1.pk, "period": f"{YEAR}-T1", "value": 31, "comment": "Semester"}]
    assert api._call("put", path, {"items": items}).status_code == 200
    items[0]["value"] = 29
    assert api._call("put", path, {"items": items}).json() == {"rows": 1, "periods": [f"{YEAR}-T1"]}
    assert Measurement.objects.get().value == 29
    bad = [
        {"unit": 999999, "period": f"{YEAR}-T1", "value": 1},
        {"unit": orgtree.a1.pk, "period": f"{YEAR}-T9", "value": 1},
        {"unit": orgtree.b1.pk, "period": f"{YEAR}-T2", "value": 1},
    ]
    response = api._call("put", path, {"items": bad})
    assert response.status_code == 400
    detail = response.json()["detail"]
    assert [d["loc"] for d in detail] == [
        ["body", "items", 0, "unit"],
        ["body", "items", 1, "period"],
        ["body", "items", 2, "unit"],
    ]
    assert "999999" in detail[0]["msg"] and f"{YEAR}-T9" in detail[1]["msg"]
    assert Measurement.objects.count() == 1
    listed = api_as(people.reader_a1).get(f"{path}?year={YEAR}").json()
    assert listed["items"][0]["value"] == 29 and listed["items"][0]["comment"] == "Semester"
    assert api._call("put", "/indicators/999999/measurements", {"items": items}).status_code == 404


def test_followups_two_managers_the_second_gets_409_and_nothing_is_lost(
    api_as: Any, people: Any, world: Any
) -> None:
    first, second = api_as(people.quality_a), api_as(people.quality_r)
    body = {"goal": world.goal_a.pk, "period": f"{YEAR}-T2", "status": "partly", "analysis": "Bättre"}
    created = first.post("/followups", body)
    assert created.status_code == 201, created.content
    clash = second.post("/followups", {**body, "analysis": "Sämre"})
    assert clash.status_code == 409 and clash.json()["current_version"] == 1
    done = first.post("/followups", {**body, "version": 1, "done": True})
    assert done.status_code == 200 and done.json()["done"] is True
    assert second.post("/followups", {**body, "version": 1, "analysis": "X"}).status_code == 409
    assert FollowUp.objects.get().analysis == "Bättre"
    listed = api_as(people.reader_a1).get(f"/followups?goal={world.goal_a.pk}").json()
    assert listed["items"][0]["status"] == "partly"
    assert api_as(people.editor_b).post("/followups", {**body, "version": 2}).status_code == 403
    assert first.post("/followups", {**body, "period": f"{YEAR}-T5"}).status_code == 400


def test_rounds_show_which_units_are_done(api_as: Any, orgtree: Any, people: Any, world: Any) -> None:
    api = api_as(people.quality_r)
    response = api.post(
        "/followup-rounds",
        {"period": f"{YEAR}-T2", "deadline": f"{YEAR}-09-15", "units": [orgtree.a.pk, orgtree.b.pk]},
    )
    assert response.status_code == 201, response.content
    assert [(u["unit"]["code"], u["goals"], u["is_done"]) for u in response.json()["units"]] == [
        ("A", 1, False),
        ("B", 0, True),
    ]
    api.post("/followups", {"goal": world.goal_a.pk, "period": f"{YEAR}-T2", "status": "met", "done": True})
    rounds = api_as(people.reader_a1).get("/followup-rounds").json()
    assert rounds["items"][0]["done"] == 2
    denied = api_as(people.quality_a).post(
        "/followup-rounds", {"period": f"{YEAR}-T2", "deadline": f"{YEAR}-09-15", "units": [orgtree.b.pk]}
    )
    assert denied.status_code == 403


def test_overview_shows_the_colour_and_the_reason(api_as: Any, orgtree: Any, people: Any, world: Any) -> None:
    api_as(people.quality_a)._call(
        "put",
        f"/indicators/{world.indicator.pk}/measurements",
        {"items": [{"unit": orgtree.a.pk, "period": f"{YEAR}-T1", "value": 45}]},
    )
    body = api_as(people.reader_a1).get(f"/overview?year={YEAR}").json()
    area = body["areas"][0]
    assert area["status"]["light"] == "red"
    goal = area["goals"][0]
    assert goal["id"] == world.top.pk and goal["status"]["light"] == "red" and goal["children"] == 1
    # The region measures nothing itself: its indicator, aggregated from A's value, decides first.
    assert "WAIT" in goal["status"]["reason"] and "45" in goal["status"]["reason"]
    drill = api_as(people.reader_a1).get(f"/overview?year={YEAR}&unit={orgtree.a.pk}").json()
    assert drill["areas"][0]["goals"][0]["id"] == world.goal_a.pk
    assert "WAIT" in drill["areas"][0]["goals"][0]["status"]["reason"]


def test_a_goal_without_its_own_value_reports_its_units_value_as_aggregated(
    api_as: Any, orgtree: Any, people: Any, world: Any
) -> None:
    item = {"unit": orgtree.a1.pk, "period": f"{YEAR}-T1", "value": 20}
    api_as(people.quality_a)._call("put", f"/indicators/{world.indicator.pk}/measurements", {"items": [item]})
    body = api_as(people.reader_a1).get(f"/goals/{world.goal_a.pk}?year={YEAR}").json()
    [value] = body["values"]
    assert (value["period"], value["value"], value["aggregated"]) == (f"{YEAR}-T1", 20, True)
    assert body["status"]["light"] == "green"


def test_the_overview_as_of_a_period_counts_values_up_to_its_end(
    api_as: Any, orgtree: Any, people: Any, world: Any
) -> None:
    items = [
        {"unit": orgtree.a.pk, "period": f"{YEAR}-T{n}", "value": v} for n, v in ((1, 20), (2, 45), (3, 31))
    ]
    api_as(people.quality_a)._call("put", f"/indicators/{world.indicator.pk}/measurements", {"items": items})
    api = api_as(people.reader_a1)
    for code, light in (
        (f"{YEAR}-T1", "green"),
        (f"{YEAR}-T2", "red"),
        (f"{YEAR}-T3", "yellow"),
        ("", "yellow"),
    ):
        body = api.get(f"/overview?year={YEAR}&period={code}").json()
        assert body["areas"][0]["goals"][0]["status"]["light"] == light, code
    for code in (f"{YEAR - 1}-T2", f"{YEAR}-T4", f"{YEAR}-07"):
        response = api.get(f"/overview?year={YEAR}&period={code}")
        assert response.status_code == 400 and code in response.content.decode(), code


ENDPOINTS = [
    ("get", "/goal-areas"),
    ("get", "/goals"),
    ("get", "/indicators"),
    ("get", "/followups"),
    ("get", "/followup-rounds"),
    ("get", f"/overview?year={YEAR}"),
]


@pytest.mark.parametrize(("method", "path"), ENDPOINTS)
def test_anonymous_callers_get_401(api_as: Any, world: Any, method: str, path: str) -> None:
    assert getattr(api_as(None), method)(path).status_code == 401


def test_anonymous_writes_get_401(api_as: Any, orgtree: Any, world: Any) -> None:
    anonymous = api_as(None)
    assert (
        anonymous.post("/goals", {"unit": orgtree.a1.pk, "title": "x", "year_from": YEAR}).status_code == 401
    )
    assert anonymous.post(f"/goals/{world.top.pk}/breakdown", {"units": [orgtree.a.pk]}).status_code == 401


def test_people_without_a_role_read_but_cannot_write(
    api_as: Any, orgtree: Any, people: Any, world: Any
) -> None:
    api = api_as(people.nobody)
    assert api.get(f"/goals/{world.top.pk}").status_code == 200
    response = api.post(
        "/goals", {"area": world.area.pk, "unit": orgtree.a1.pk, "title": "x", "year_from": YEAR}
    )
    assert response.status_code == 403
    response = api_as(people.reader_a1).post(
        "/goals", {"area": world.area.pk, "unit": orgtree.a1.pk, "title": "x", "year_from": YEAR}
    )
    assert response.status_code == 403


def test_the_schema_lists_the_goal_endpoints(api_as: Any, people: Any) -> None:
    schema = json.loads(api_as(people.nobody).get("/openapi.json").content)
    for path in (
        "/api/v1/goals/{goal_id}/chain",
        "/api/v1/indicators/{indicator_id}/measurements",
        "/api/v1/overview",
    ):
        assert path in schema["paths"]
