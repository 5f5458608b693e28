"""The improvement pages: who sees what, the quick report that never loses what was typed, masked
personal identity numbers, triage with its matrix and duties, the loop back to the reporter."""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from openpyxl import load_workbook

from rodtrad.core.models import Unit
from rodtrad.improvement.models import (
    Action,
    Affected,
    Complaint,
    Duty,
    Event,
    Investigation,
    Learning,
    PdsaEntry,
    Proposal,
)
from rodtrad.improvement.tests.factories import (
    category,
    hours_ago,
    make_action,
    make_complaint,
    make_proposal,
    report,
    triage,
)

PNR = "19121212-1212"  # Skatteverket's test number: a valid date and Luhn digit


def client_for(user: Any) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def url(name: str, *args: Any, query: str = "") -> str:
    return reverse(f"improvement:{name}", args=args) + (f"?{query}" if query else "")


def sv(text: str) -> str:
    """A UI string as the (Swedish) pages show it, whether or not its translation is compiled yet."""
    with translation.override("sv"):
        return gettext(text)


def local(value: dt.datetime) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%dT%H:%M")


@pytest.fixture
def event(people: Any, orgtree: Any, categories: None) -> Event:
    return report(people.nurse_a1, orgtree.a1)


def report_data(**changes: Any) -> dict[str, Any]:
    data = {
        "description": f"Patient {PNR} föll i korridoren.",
        "occurred_at": local(hours_ago(1)),
        "unit": "",
        "category": str(category("fall").pk),
        "affected": Affected.PATIENT,
        "immediate_action": "Läkare tillkallades.",
    }
    data.update(changes)
    return data


# ---- who sees what -------------------------------------------------------------------------------


def pages(event: Event, people: Any, orgtree: Any) -> dict[str, str]:
    action = make_action(people.manager_a1, orgtree.a1, people.nurse_a1, source=event)
    complaint = make_complaint(people.manager_a1, orgtree.a1)
    proposal = make_proposal(people.nurse_a1, orgtree.a1)
    return {
        "report": url("report"),
        "mine": url("mine"),
        "inbox": url("inbox"),
        "event": url("event", event.pk),
        "trends": url("trends"),
        "duties": url("duties"),
        "actions": url("actions"),
        "my_actions": url("my_actions"),
        "action": url("action", action.pk),
        "complaints": url("complaints", query="overdue=1"),
        "complaint_new": url("complaint_new"),
        "complaint": url("complaint", complaint.pk),
        "proposals": url("proposals"),
        "proposal_new": url("proposal_new"),
        "proposal": url("proposal", proposal.pk),
        "learnings": url("learnings", query="q=fall"),
    }


def test_every_page_renders_for_a_handler_and_sends_the_anonymous_to_login(
    event: Event, people: Any, orgtree: Any
) -> None:
    manager = client_for(people.manager_a1)
    for name, target in pages(event, people, orgtree).items():
        response = manager.get(target)
        assert response.status_code == 200, (name, response.content[:300])
        login = Client().get(target)
        assert login.status_code == 302 and "/login/" in login["Location"], name


def test_another_units_records_are_404_and_handler_pages_403_for_a_reporter(
    event: Event, people: Any, orgtree: Any
) -> None:
    action = make_action(people.manager_a1, orgtree.a1, people.manager_a1, source=event)
    complaint = make_complaint(people.manager_a1, orgtree.a1)
    other = client_for(people.manager_b)
    for target in (url("event", event.pk), url("action", action.pk), url("complaint", complaint.pk)):
        assert other.get(target).status_code == 404, target
    assert other.post(url("triage", event.pk), {"version": 1}).status_code == 404
    for name in ("inbox", "trends", "actions", "complaints", "proposals"):
        assert other.get(url(name, query=f"unit={orgtree.a1.pk}")).status_code == 404, name
    nurse = client_for(people.nurse_a1)
    assert nurse.get(url("action", action.pk)).status_code == 404  # not theirs, not their role
    assert nurse.post(url("triage", event.pk), {"version": 1}).status_code == 403
    assert nurse.get(url("complaint_new")).status_code == 403
    assert nurse.get(url("inbox"))["Location"] == url("mine")  # a reporter's events are their own reports


def test_the_reporter_sees_their_own_event_without_forms_and_only_handlers_see_who_reported(
    event: Event, people: Any
) -> None:
    own = client_for(people.nurse_a1).get(url("event", event.pk)).content.decode()
    assert "Patienten föll vid sängen." in own
    assert "triage_probability" not in own and "close_comment" not in own
    assert sv("Reported by") not in own and 'id="duties"' not in own
    handler = client_for(people.quality_a).get(url("event", event.pk)).content.decode()
    assert sv("Reported by") in handler and people.nurse_a1.name in handler
    assert 'id="triage_probability_0"' in handler


# ---- the quick report ----------------------------------------------------------------------------


def test_the_report_form_asks_at_most_six_things_and_starts_from_the_home_unit(
    people: Any, orgtree: Any, categories: None
) -> None:
    page = client_for(people.nurse_a1).get(url("report")).content.decode()
    form = page[
        page.index('<form method="post" action="/events/new/"') : page.index(
            "</form>", page.index('<form method="post" action="/events/new/"')
        )
    ]
    required = set(re.findall(r'name="([a-z_]+)"[^>]*\brequired\b', form))
    assert required == {"description", "occurred_at", "unit", "category", "affected"}
    assert f'<option value="{orgtree.a1.pk}" selected>' in form
    assert 'data-pnr-warning-for="report_description"' in form and 'aria-live="polite"' in form
    assert "data-draft-fresh" in form and "rodtrad/draft.js" in page and "rodtrad/pnr.js" in page


def test_a_report_is_saved_masked_and_the_reporter_lands_on_it_in_my_reports(
    people: Any, orgtree: Any, categories: None
) -> None:
    client = client_for(people.nurse_a1)
    response = client.post(url("report"), report_data(unit=orgtree.a1.pk))
    event = Event.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{url('mine')}?reported={event.pk}#event-{event.pk}"
    assert event.description == "Patient 19121212-**** föll i korridoren."
    assert event.reporter == people.nurse_a1 and event.unit == orgtree.a1
    mine = client.get(response["Location"]).content.decode()
    assert "19121212-****" in mine and PNR not in mine
    assert f'id="event-{event.pk}"' in mine and f'data-draft-clear="report-{people.nurse_a1.pk}"' in mine


@pytest.mark.parametrize(
    "changes",
    [
        {"occurred_at": "2999-01-01T10:00"},  # the future
        {"category": ""},
        {"affected": "martians"},
        {"description": ""},
    ],
)
def test_a_refused_report_comes_back_with_every_value_kept(
    people: Any, orgtree: Any, categories: None, changes: dict[str, Any]
) -> None:
    data = report_data(unit=orgtree.a1.pk, **changes)
    response = client_for(people.nurse_a1).post(url("report"), data)
    page = response.content.decode()
    assert response.status_code == 400
    assert 'class="errorlist' in page and not Event.objects.exists()
    if data["description"]:
        assert "föll i korridoren." in page
    assert "Läkare tillkallades." in page
    assert f'value="{data["occurred_at"]}"' in page
    if data["category"]:
        assert f'<option value="{data["category"]}" selected>' in page
    if data["affected"] == Affected.PATIENT:
        assert re.search(r'value="patient"[^>]*checked', page)
    assert "data-draft-fresh" not in page  # the server's values win over an older draft


# ---- triage, investigation, actions, closing, learning ------------------------------------------


def triage_data(event: Event, **changes: Any) -> dict[str, Any]:
    data = {
        "version": event.version,
        "category": event.category_id,
        "affected": event.affected,
        "probability": "3",
        "consequence": "4",
        "harm": "serious",
        "patient_informed": "yes",
        "patient_informed_at": local(hours_ago(0.5)),
        "aware_at": "",
        "handler": "",
    }
    data.update(changes)
    return data


def test_triage_saves_the_risk_opens_lex_maria_and_marks_the_matrix(event: Event, people: Any) -> None:
    client = client_for(people.manager_a1)
    response = client.post(url("triage", event.pk), triage_data(event, handler=people.manager_a1.pk))
    assert response.status_code == 302
    event.refresh_from_db()
    assert (event.status, event.risk, event.harm, event.handler) == (
        "triaged",
        12,
        "serious",
        people.manager_a1,
    )
    assert event.duties.get().kind == Duty.Kind.LEX_MARIA
    page = client.get(url("event", event.pk)).content.decode()
    assert 'class="matrix__current"' in page and "<strong>12 " in page
    assert url("duty", event.duties.get().pk) in page


def test_triage_over_htmx_swaps_the_card_and_the_duties(event: Event, people: Any) -> None:
    response = client_for(people.manager_a1).post(
        url("triage", event.pk), triage_data(event), headers={"HX-Request": "true"}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert page.lstrip().startswith('<section class="card" id="triage"')
    assert 'id="duties" aria-labelledby="duties-heading" hx-swap-oob="true"' in page
    assert "<html" not in page


def test_a_refused_triage_over_htmx_shows_its_errors_in_place(event: Event, people: Any) -> None:
    response = client_for(people.manager_a1).post(
        url("triage", event.pk), triage_data(event, probability="7"), headers={"HX-Request": "true"}
    )
    page = response.content.decode()
    assert response.status_code == 200  # htmx swaps only successful responses
    assert 'id="triage_probability_error"' in page and 'value="4"' in page
    assert Event.objects.get(pk=event.pk).probability is None


@pytest.mark.parametrize(
    "changes", [{"probability": "5"}, {"consequence": "0"}, {"version": "1", "stale": True}]
)
def test_bad_or_stale_triage_is_refused_and_changes_nothing(
    event: Event, people: Any, changes: dict[str, Any]
) -> None:
    if changes.pop("stale", False):
        triage(event, people.manager_a1, probability=1, consequence=1)  # someone else saved first
    before = Event.objects.get(pk=event.pk)
    response = client_for(people.manager_a1).post(url("triage", event.pk), triage_data(event, **changes))
    assert response.status_code == 400 and b'class="errorlist' in response.content
    after = Event.objects.get(pk=event.pk)
    assert (after.version, after.probability) == (before.version, before.probability)


def test_investigation_with_timeline_and_causes(event: Event, people: Any) -> None:
    data = {
        "kind": "full",
        "commissioner": people.manager_a1.pk,
        "team": "manager_a1, nurse_a1",
        "timeline": "2026-03-14 08:30 Ordination\n2026-03-14 09:10 Fallet",
        "cause_procedures": "Rutinen för sänggrindar följdes inte\nRutinen var okänd",
        "cause_communication": "Överrapporteringen missade risken",
        "conclusions": "Fallrisk bedömdes inte.",
        "final_report": "",
    }
    client = client_for(people.quality_a)
    assert client.post(url("investigation", event.pk), data).status_code == 302
    found = Investigation.objects.get(event=event)
    assert found.kind == "full" and found.timeline.count() == 2 and found.causes.count() == 3
    assert {u.username for u in found.team.all()} == {"manager_a1", "nurse_a1"}
    refused = client.post(
        url("investigation", event.pk), {**data, "timeline": "igår Fallet", "version": found.version}
    )
    assert refused.status_code == 400 and "igår Fallet" in refused.content.decode()


def test_the_loop_closes_back_to_the_reporter(event: Event, people: Any) -> None:
    """Action with an owner, closing comment and learning: the reporter sees all of it."""
    manager = client_for(people.manager_a1)
    due = (timezone.localdate() + dt.timedelta(days=14)).isoformat()
    action = {"title": "Sänggrindar på alla salar", "owner": people.nurse_a1.pk, "due_date": due}
    assert manager.post(url("add_action", event.pk), action).status_code == 302
    created = Action.objects.get()
    assert created.source == event and created.owner == people.nurse_a1
    closed = manager.post(url("close", event.pk), {"version": event.version, "comment": f"Åtgärdat. {PNR}"})
    assert closed.status_code == 302
    event.refresh_from_db()
    assert event.status == "closed" and event.closing_comment == "Åtgärdat. 19121212-****"
    learning = {"title": "Sänggrindar förebygger fall", "summary": "Fallrisk ska bedömas vid inskrivning."}
    published = manager.post(url("publish", event.pk), learning)
    assert published.status_code == 302 and Learning.objects.filter(event=event).exists()

    nurse = client_for(people.nurse_a1)
    mine = nurse.get(url("mine")).content.decode()
    assert "Åtgärdat. 19121212-****" in mine and "Sänggrindar förebygger fall" in mine
    home = nurse.get("/").content.decode()
    assert "Sänggrindar på alla salar" in home  # Mina åtgärder on Min sida
    owner_update = {
        "version": created.version,
        "status": "done",
        "effect": "effective",
        "effect_evaluated_on": timezone.localdate().isoformat(),
    }
    assert nurse.post(url("action", created.pk), owner_update).status_code == 302
    created.refresh_from_db()
    assert created.status == "done" and created.effect == "effective"
    found = nurse.get(url("learnings", query="q=sänggrindar")).content.decode()
    assert "Sänggrindar förebygger fall" in found
    assert (
        "Sänggrindar förebygger fall" not in nurse.get(url("learnings", query="q=läkemedel")).content.decode()
    )


def test_closing_needs_a_comment_and_keeps_the_page(event: Event, people: Any) -> None:
    response = client_for(people.manager_a1).post(
        url("close", event.pk), {"version": event.version, "comment": ""}
    )
    assert response.status_code == 400
    assert Event.objects.get(pk=event.pk).status == "new"


# ---- duties --------------------------------------------------------------------------------------


@pytest.fixture
def lex_maria(people: Any, orgtree: Any, categories: None) -> Duty:
    noon = dt.datetime.combine(timezone.localdate() - dt.timedelta(days=90), dt.time(12))
    event = report(people.nurse_a1, orgtree.a1, occurred_at=timezone.make_aware(noon))
    triage(event, people.manager_a1, harm="serious", probability=2, consequence=4)
    return Duty.objects.get(event=event)


def test_duties_show_days_since_the_event_and_overdue_clocks(lex_maria: Duty, people: Any) -> None:
    page = client_for(people.quality_a).get(url("duties")).content.decode()
    row = page[page.index(url("duty", lex_maria.pk)) :]
    row = row[: row.index("</tr>")]
    assert "<td>90</td>" in row  # days since the event; the default target is 60
    assert 'class="row--overdue"' in page and "badge--warn" in row


def test_the_quality_coordinator_decides_with_reasoning_and_gets_the_ivo_text(
    lex_maria: Duty, people: Any
) -> None:
    decision = {
        "version": lex_maria.version,
        "decision": "reported",
        "reasoning": "Allvarlig vårdskada.",
        "reference": "IVO 3.1",
    }
    assert client_for(people.manager_a1).post(url("duty", lex_maria.pk), decision).status_code == 403
    client = client_for(people.quality_a)
    assert client.post(url("duty", lex_maria.pk), {**decision, "reasoning": ""}).status_code == 400
    assert client.post(url("duty", lex_maria.pk), decision).status_code == 302
    lex_maria.refresh_from_db()
    assert lex_maria.decision == "reported" and lex_maria.decided_by == people.quality_a
    text = client.get(url("ivo", lex_maria.pk), {"format": "txt"})
    assert text["Content-Type"].startswith("text/plain")
    body = text.content.decode()
    assert "Patienten föll vid sängen." in body and "Allvarlig vårdskada." in body and "IVO 3.1" in body
    assert client.get(url("ivo", lex_maria.pk)).status_code == 200


# ---- complaints and proposals --------------------------------------------------------------------


def test_complaints_register_overdue_and_answer(event: Event, people: Any, orgtree: Any) -> None:
    client = client_for(people.manager_a1)
    data = {
        "unit": orgtree.a1.pk,
        "received_on": (timezone.localdate() - dt.timedelta(days=40)).isoformat(),
        "channel": "patient_board",
        "sender": "relative",
        "description": f"Anhörig till {PNR} klagar på bemötandet.",
        "events": str(event.pk),
    }
    assert client.post(url("complaint_new"), {**data, "events": "99999"}).status_code == 400
    response = client.post(url("complaint_new"), data)
    complaint = Complaint.objects.get()
    assert response.status_code == 302 and list(complaint.events.all()) == [event]
    assert "19121212-****" in complaint.description
    overdue = client.get(url("complaints", query=f"unit={orgtree.a1.pk}&overdue=1")).content.decode()
    assert url("complaint", complaint.pk) in overdue
    answer = {
        "version": complaint.version,
        "answered_on": timezone.localdate().isoformat(),
        "answer_summary": "Vi har pratat med personalen.",
    }
    assert client.post(url("complaint", complaint.pk), answer).status_code == 302
    assert (
        url("complaint", complaint.pk)
        not in client.get(url("complaints", query="overdue=1")).content.decode()
    )


def test_proposals_are_submitted_moved_and_counted_per_unit(people: Any, orgtree: Any) -> None:
    nurse = client_for(people.nurse_a1)
    data = {"unit": orgtree.a1.pk, "title": "Färgade brickor", "idea": "Olika färg för specialkost."}
    assert nurse.post(url("proposal_new"), data).status_code == 302
    proposal = Proposal.objects.get()
    assert (
        nurse.post(url("proposal_move", proposal.pk), {"version": 1, "status": "assessing"}).status_code
        == 403
    )
    manager = client_for(people.manager_a1)
    assert (
        manager.post(url("proposal_move", proposal.pk), {"version": 1, "status": "assessing"}).status_code
        == 302
    )
    pdsa = {"phase": "plan", "text": "Prova en vecka."}
    assert manager.post(url("proposal_pdsa", proposal.pk), pdsa).status_code == 400  # not tried yet
    assert (
        manager.post(url("proposal_move", proposal.pk), {"version": 2, "status": "ongoing"}).status_code
        == 302
    )
    assert nurse.post(url("proposal_pdsa", proposal.pk), pdsa).status_code == 302  # the submitter writes too
    assert Proposal.objects.get().status == "ongoing" and PdsaEntry.objects.count() == 1
    figures = manager.get(url("proposals", query=f"unit={orgtree.a1.pk}")).content.decode()
    assert re.search(
        r"<th scope=\"row\">Enhet A1</th><td>0</td><td>0</td><td>1</td><td>0</td><td>0</td><td>1</td>",
        figures,
    )


# ---- trends --------------------------------------------------------------------------------------


def test_trends_page_and_xlsx_count_the_subtrees_events(event: Event, people: Any, orgtree: Any) -> None:
    report(people.nurse_a1, orgtree.a1, code="lakemedel")
    report(people.manager_b, orgtree.b1)  # another förvaltning
    client = client_for(people.quality_a)
    page = client.get(url("trends", query=f"unit={orgtree.a.pk}&months=12")).content.decode()
    assert "<svg" in page and 'id="category-table-caption"' in page
    assert re.search(r"<th scope=\"row\">Enhet A1</th>(<td>\d+</td>)+<td>2</td>", page)
    response = client.get(url("trends_xlsx", query=f"unit={orgtree.a.pk}&months=12"))
    book = load_workbook(io.BytesIO(response.content))
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    assert rows[-1][-1] == 2  # all events of A's subtree
    assert client_for(people.manager_b).get(url("trends", query=f"unit={orgtree.a.pk}")).status_code == 404


def test_the_unit_choice_lists_the_scope_with_the_shown_unit_chosen(
    event: Event, people: Any, orgtree: Any
) -> None:
    Unit.objects.filter(pk=orgtree.a1.pk).update(name="Enhet A1 <akut> & röntgen")
    client = client_for(people.quality_a)
    for name, form in (("inbox", "inbox"), ("trends", "trend")):
        page = client.get(url(name, query=f"unit={orgtree.a1.pk}")).content.decode()
        select = re.search(rf'<select name="unit" required id="{form}_unit">(.*?)</select>', page, re.S)
        assert select, name
        options = re.findall(r'<option value="(\d*)"( selected)?>([^<]*)</option>', select.group(1))
        assert options == [
            ("", "", "---------"),
            (str(orgtree.a.pk), "", "Förvaltning A (A)"),
            (str(orgtree.a1.pk), " selected", "Enhet A1 &lt;akut&gt; &amp; röntgen (A1)"),
        ], name


# ---- query budgets -------------------------------------------------------------------------------


def test_the_inbox_tabs_count_the_subtrees_events_per_status(event: Event, people: Any, orgtree: Any) -> None:
    for _i in range(2):
        triage(report(people.nurse_a1, orgtree.a1), people.manager_a1, harm="none")
    report(people.nurse_a1, orgtree.a)
    report(people.manager_b, orgtree.b1)  # another förvaltning
    response = client_for(people.quality_a).get(url("inbox", query=f"unit={orgtree.a.pk}&status=triaged"))
    counts = {value: count for value, _label, count in response.context["tabs"]}
    assert counts == {"new": 2, "triaged": 2, "investigating": 0, "closed": 0, "all": 4}
    assert response.context["page"].paginator.count == 2


def test_the_inbox_reads_a_fixed_number_of_queries(
    people: Any, orgtree: Any, categories: None, django_assert_max_num_queries: Any
) -> None:
    for i in range(60):
        report(people.nurse_a1, orgtree.a1 if i % 2 else orgtree.a, code="fall" if i % 3 else "lakemedel")
    client = client_for(people.quality_a)
    with django_assert_max_num_queries(12):
        response = client.get(url("inbox", query=f"unit={orgtree.a.pk}&status=new&page=2"))
    assert response.status_code == 200 and response.context["page"].paginator.count == 60


def test_the_event_page_reads_a_fixed_number_of_queries(
    event: Event, people: Any, orgtree: Any, django_assert_max_num_queries: Any
) -> None:
    triage(event, people.manager_a1, harm="serious", probability=2, consequence=2)
    for _i in range(5):
        make_action(people.manager_a1, orgtree.a1, people.nurse_a1, source=event)
    client = client_for(people.manager_a1)
    with django_assert_max_num_queries(24):
        response = client.get(url("event", event.pk))
    assert response.status_code == 200 and len(response.context["actions"]) == 5


def test_min_sida_shows_my_reports_my_actions_and_new_events_for_handlers(
    event: Event, people: Any, orgtree: Any
) -> None:
    report(people.manager_b, orgtree.b1)  # another förvaltning's new event
    make_action(people.manager_a1, orgtree.a1, people.nurse_a1, source=event)

    def sections(user: Any) -> dict[str, Any]:
        found = client_for(user).get("/").context["sections"]
        return {template.rsplit("/", 1)[-1]: data for template, data in found}

    nurse = sections(people.nurse_a1)
    assert [e.pk for e in nurse["reports.html"]["reports"]] == [event.pk]
    assert nurse["reports.html"]["inbox"] is None  # not a handler
    assert [a.title for a in nurse["actions.html"]["actions"]] == ["Sätt upp sänggrindar"]
    assert sections(people.manager_a1)["reports.html"]["inbox"] == 1
    assert sections(people.quality_r)["reports.html"]["inbox"] == 2
