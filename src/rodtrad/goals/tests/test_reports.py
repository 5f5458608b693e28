"""Tertial and annual reports per unit and per goal area, as PDF and XLSX, and their bad input."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from rodtrad.core.access import SYSTEM
from rodtrad.goals import periods, reports, services
from rodtrad.goals.models import Goal
from rodtrad.goals.services import Row
from rodtrad.goals.tests.conftest import YEAR


def report_url(scope: str, pk: int, fmt: str, period: str) -> str:
    return reverse("goals:report", kwargs={"scope": scope, "pk": pk, "fmt": fmt}) + f"?period={period}"


@pytest.fixture
def followed(orgtree: Any, world: Any) -> Goal:
    """Förvaltning A's goal, red from its value in T2, followed up in T1 and T2."""
    row = Row(line=1, unit="A", indicator="WAIT", period=f"{YEAR}-T2", value=41)
    services.upsert_measurements([row], by=SYSTEM)
    for number, status, analysis in ((1, "met", "Bra start."), (2, "not_met", "Fler remisser än väntat.")):
        services.save_followup(
            by=SYSTEM,
            goal=world.goal_a,
            period=f"{YEAR}-T{number}",
            status=status,
            analysis=analysis,
            next_steps="Utöka mottagningen.",
            done=True,
        )
    goal: Goal = world.goal_a
    return goal


def test_a_tertial_report_of_a_unit_holds_its_goals_status_values_and_the_period_analysis(
    orgtree: Any, followed: Goal
) -> None:
    period = periods.make(periods.Scheme.TERTIAL, YEAR, 2)
    found = reports.unit_report(orgtree.a, period, by=SYSTEM)
    assert [row.goal.id for row in found.goals] == [followed.pk]
    row = found.goals[0]
    assert row.goal.status.light == "red" and "WAIT" in row.goal.status.reason
    assert [f.analysis for f in row.followups] == ["Fler remisser än väntat."]
    assert not found.annual


def test_an_annual_report_of_a_goal_area_follows_the_thread_with_every_period(
    orgtree: Any, world: Any, followed: Goal
) -> None:
    found = reports.area_report(world.area, periods.make(periods.Scheme.YEAR, YEAR, 1), by=SYSTEM)
    assert [(row.goal.id, row.depth) for row in found.goals] == [(world.top.pk, 0), (followed.pk, 1)]
    assert [f.period for f in found.goals[1].followups] == [f"{YEAR}-T1", f"{YEAR}-T2"]
    assert found.annual


def test_the_xlsx_download_has_a_goal_sheet_and_an_indicator_sheet(
    orgtree: Any, people: Any, world: Any, followed: Goal
) -> None:
    client = Client()
    client.force_login(people.reader_a1)
    response = client.get(report_url("areas", world.area.pk, "xlsx", str(YEAR)))
    assert response.status_code == 200
    assert response["Content-Type"] == reports.XLSX
    assert "attachment" in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.content))
    goals, indicators = book.worksheets
    texts = [" ".join(str(c) for c in row if c is not None) for row in goals.iter_rows(values_only=True)]
    assert any("Fler remisser än väntat." in t for t in texts)
    assert any("Bra start." in t for t in texts)
    codes = [row[2] for row in indicators.iter_rows(min_row=2, values_only=True)]
    assert codes == ["WAIT", "WAIT"]


def test_the_pdf_download_is_a_pdf(orgtree: Any, people: Any, followed: Goal) -> None:
    client = Client()
    client.force_login(people.reader_a1)
    response = client.get(report_url("units", orgtree.a.pk, "pdf", f"{YEAR}-T2"))
    assert response.status_code == 200
    assert response["Content-Type"] == reports.PDF
    assert response.content.startswith(b"%PDF")


def test_report_bad_input_and_denials(orgtree: Any, people: Any, world: Any) -> None:
    client = Client()
    client.force_login(people.reader_a1)
    for period in ("", "2026-T9", "someday", "1999"):
        response = client.get(report_url("units", orgtree.a.pk, "xlsx", period))
        assert response.status_code == 400, period
    assert client.get(report_url("units", 9999, "xlsx", str(YEAR))).status_code == 404
    assert client.get(report_url("areas", 9999, "xlsx", str(YEAR))).status_code == 404
    anonymous = Client().get(report_url("units", orgtree.a.pk, "xlsx", str(YEAR)))
    assert anonymous.status_code == 302 and "/login/" in anonymous["Location"]


@pytest.mark.parametrize(("number", "value", "light"), [(1, 20, "green"), (2, 41, "red"), (3, 32, "yellow")])
def test_a_tertial_report_shows_the_values_as_of_its_tertial_not_later_ones(
    orgtree: Any, people: Any, world: Any, number: int, value: float, light: str
) -> None:
    rows = [
        Row(line=n, unit="A", indicator="WAIT", period=f"{YEAR}-T{n}", value=v)
        for n, v in ((1, 20), (2, 41), (3, 32))
    ]
    services.upsert_measurements(rows, by=SYSTEM)
    period = periods.make(periods.Scheme.TERTIAL, YEAR, number)
    found = reports.unit_report(orgtree.a, period, by=SYSTEM)
    goal = found.goals[0].goal
    assert [(v.period, v.value) for v in goal.indicators] == [(period.code, value)]
    assert goal.status.light == light
    client = Client()
    client.force_login(people.reader_a1)
    response = client.get(report_url("areas", world.area.pk, "xlsx", period.code))
    indicators = load_workbook(io.BytesIO(response.content)).worksheets[1]
    # The region measures nothing itself: it shows förvaltning A's value, aggregated.
    cells = [(row[1], row[4], row[5], row[8]) for row in indicators.iter_rows(min_row=2, values_only=True)]
    assert cells == [("Region", period.label, value, "Ja"), ("Förvaltning A", period.label, value, None)]
    assert period.label.startswith(f"T{number} {YEAR} (")
    annual = reports.unit_report(orgtree.a, periods.make(periods.Scheme.YEAR, YEAR, 1), by=SYSTEM)
    assert [v.value for v in annual.goals[0].goal.indicators] == [32]
