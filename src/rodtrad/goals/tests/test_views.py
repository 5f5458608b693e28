"""The goal pages: who sees and writes what, forms that refuse bad input, stale follow-ups, budgets."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from rodtrad.core.access import SYSTEM
from rodtrad.core.tests.factories import make_unit
from rodtrad.goals import services
from rodtrad.goals.models import FollowUp, FollowUpRound, Goal, Measurement
from rodtrad.goals.services import Row
from rodtrad.goals.tests.conftest import YEAR


def client_for(user: Any) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def url(name: str, *args: Any, query: str = "") -> str:
    return reverse(f"goals:{name}", args=args) + (f"?{query}" if query else "")


def measure(world: Any, unit: Any, period: str, value: float) -> None:
    row = Row(line=1, unit=unit.code, indicator=world.indicator.code, period=period, value=value)
    services.upsert_measurements([row], by=SYSTEM)


@pytest.fixture
def goal_a1(orgtree: Any, world: Any) -> Goal:
    """The förvaltning's goal broken down to unit A1, whose manager is manager_a1."""
    return services.breakdown(world.goal_a.pk, by=SYSTEM, units=[orgtree.a1]).created[0]


def pages(orgtree: Any, world: Any, goal: Goal) -> dict[str, str]:
    return {
        "overview": url("overview", query=f"year={YEAR}"),
        "tree": url("tree", query=f"year={YEAR}"),
        "unit": url("unit", orgtree.a1.pk, query=f"year={YEAR}"),
        "goal": url("goal", goal.pk, query=f"year={YEAR}"),
        "followup": url("followup", goal.pk, query=f"period={YEAR}-T2"),
        "indicator": url("indicator", world.indicator.pk, query=f"unit=A&year={YEAR}"),
        "rounds": url("rounds"),
    }


# ---- who sees what -------------------------------------------------------------------------------


def test_every_page_renders_for_a_reader_and_sends_the_anonymous_to_login(
    orgtree: Any, people: Any, world: Any, goal_a1: Goal
) -> None:
    reader = client_for(people.reader_a1)
    for name, target in pages(orgtree, world, goal_a1).items():
        response = reader.get(target)
        assert response.status_code == 200, (name, response.content[:500])
        assert b'href="/goals/" aria-current="page"' in response.content, name  # "Mål" in the main menu
        login = Client().get(target)
        assert login.status_code == 302 and "/login/" in login["Location"], name


def test_the_overview_shows_each_goal_with_its_status_and_reason_in_text(
    orgtree: Any, people: Any, world: Any
) -> None:
    measure(world, orgtree.a, f"{YEAR}-T1", 40)  # lower is better, target 30: red
    page = client_for(people.reader_a1).get(url("overview", query=f"year={YEAR}")).content.decode()
    assert "Kortare väntetider" in page
    assert "light--red" in page
    assert "Förvaltning A" in page and "WAIT" not in page.split("Kortare väntetider")[0]


def test_readers_get_no_forms_and_writers_get_theirs(
    orgtree: Any, people: Any, world: Any, goal_a1: Goal
) -> None:
    reader = client_for(people.reader_a1).get(url("unit", orgtree.a1.pk, query=f"year={YEAR}"))
    assert b"followup_status" not in reader.content and b"measure_value" not in reader.content
    manager = client_for(people.manager_a1).get(url("unit", orgtree.a1.pk, query=f"year={YEAR}"))
    for loads in (
        f'hx-get="{url("followup", goal_a1.pk)}?period={YEAR}-',
        f'hx-get="{url("unit_measure", orgtree.a1.pk)}?period={YEAR}-',
    ):
        assert loads in manager.content.decode() and loads not in reader.content.decode()
    goal_page = client_for(people.manager_a1).get(url("goal", world.goal_a.pk))
    assert b"breakdown_codes" in goal_page.content  # A's goal down to A1, where they are manager
    quality = client_for(people.quality_a).get(url("goal", world.goal_a.pk))
    assert b"breakdown_codes" in quality.content and b"history-heading" in quality.content
    assert b"breakdown_codes" not in client_for(people.reader_a1).get(url("goal", world.top.pk)).content


def test_unknown_objects_are_404(people: Any, world: Any) -> None:
    client = client_for(people.reader_a1)
    for target in (url("goal", 9999), url("unit", 9999), url("indicator", 9999), url("round", 9999)):
        assert client.get(target).status_code == 404, target


# ---- follow-up -----------------------------------------------------------------------------------


def followup_data(**changes: Any) -> dict[str, Any]:
    data = {
        "period": f"{YEAR}-T2",
        "version": "",
        "status": "partly",
        "analysis": "Väntetiden minskar men når inte målet.",
        "next_steps": "Fler mottagningstider.",
        "done": "on",
    }
    data.update(changes)
    return data


def test_the_manager_writes_and_marks_the_follow_up_done(people: Any, goal_a1: Goal) -> None:
    response = client_for(people.manager_a1).post(url("followup", goal_a1.pk), followup_data())
    assert response.status_code == 302
    followup = FollowUp.objects.get(goal=goal_a1, period=f"{YEAR}-T2")
    assert followup.done and followup.status == "partly" and followup.author == people.manager_a1


def test_the_follow_up_form_loads_into_vara_mal_for_those_who_may_write_it(
    orgtree: Any, people: Any, goal_a1: Goal
) -> None:
    page = client_for(people.manager_a1).get(
        url("unit", orgtree.a1.pk, query=f"year={YEAR}&period={YEAR}-T1")
    )
    here = url("unit", orgtree.a1.pk, query=f"year={YEAR}&period={YEAR}-T1")
    target = (
        page.content.decode().split('<details class="panel" hx-get="')[1].split('"')[0].replace("&amp;", "&")
    )
    assert target.startswith(url("followup", goal_a1.pk, query=f"period={YEAR}-T1&next="))
    services.save_followup(
        by=SYSTEM, goal=goal_a1, period=f"{YEAR}-T1", status="partly", analysis="Halvvägs."
    )
    fragment = client_for(people.manager_a1).get(target, headers={"HX-Request": "true"})
    body = fragment.content.decode()
    assert fragment.status_code == 200 and "<html" not in body
    assert f'id="followup{goal_a1.pk}_status"' in body and "Halvvägs." in body
    assert (
        f'name="period" value="{YEAR}-T1"' in body
        and f'name="next" value="{here.replace("&", "&amp;")}"' in body
    )
    response = client_for(people.manager_a1).post(
        url("followup", goal_a1.pk), followup_data(period=f"{YEAR}-T1", version="1", next=here)
    )
    assert response.status_code == 302 and response["Location"] == here
    assert client_for(people.reader_a1).get(target, headers={"HX-Request": "true"}).status_code == 403
    outside = target.split("&next=")[0] + "&next=https://evil.example/"
    assert (
        'name="next"'
        not in client_for(people.manager_a1).get(outside, headers={"HX-Request": "true"}).content.decode()
    )


def test_follow_up_denials_change_nothing(people: Any, world: Any, goal_a1: Goal) -> None:
    assert Client().post(url("followup", goal_a1.pk), followup_data()).status_code == 302  # to login
    assert client_for(people.reader_a1).post(url("followup", goal_a1.pk), followup_data()).status_code == 403
    assert client_for(people.editor_b).post(url("followup", goal_a1.pk), followup_data()).status_code == 403
    assert client_for(people.manager_a1).post(url("followup", 9999), followup_data()).status_code == 404
    assert not FollowUp.objects.exists()


@pytest.mark.parametrize(
    "changes",
    [
        {"status": "splendid"},
        {"period": "2026-T9"},
        {"period": "1999-T1"},
        {"status": "not_assessed", "done": "on"},
        {"version": "zero"},
    ],
)
def test_bad_follow_up_input_is_a_form_error_and_changes_nothing(
    people: Any, goal_a1: Goal, changes: dict[str, Any]
) -> None:
    response = client_for(people.manager_a1).post(url("followup", goal_a1.pk), followup_data(**changes))
    assert response.status_code == 400
    assert b'class="errorlist' in response.content
    assert not FollowUp.objects.exists()


def test_a_stale_follow_up_is_refused_keeps_the_text_and_offers_the_new_version(
    people: Any, goal_a1: Goal
) -> None:
    manager = client_for(people.manager_a1)
    assert manager.post(url("followup", goal_a1.pk), followup_data(done="")).status_code == 302
    first = FollowUp.objects.get(goal=goal_a1)
    services.save_followup(
        by=people.quality_a,
        goal=goal_a1,
        period=first.period,
        version=first.version,
        analysis="Kvalitet först.",
    )
    response = manager.post(
        url("followup", goal_a1.pk), followup_data(version=str(first.version), analysis="Min egen text.")
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Min egen text." in page and "Kvalitet först." in page
    assert f'name="version" value="{first.version + 1}"' in page
    assert FollowUp.objects.get(goal=goal_a1).analysis == "Kvalitet först."


# ---- measurements --------------------------------------------------------------------------------


def measurement_data(world: Any, **changes: Any) -> dict[str, Any]:
    data = {"indicator": world.indicator.pk, "period": f"{YEAR}-T2", "sex": "total", "value": "41,5"}
    data.update(changes)
    return data


def test_a_measurement_entered_on_the_unit_page_turns_the_goal_red(
    orgtree: Any, people: Any, world: Any, goal_a1: Goal
) -> None:
    response = client_for(people.manager_a1).post(url("unit_measure", orgtree.a1.pk), measurement_data(world))
    assert response.status_code == 302
    assert Measurement.objects.get(unit=orgtree.a1).value == 41.5
    page = client_for(people.reader_a1).get(url("goal", goal_a1.pk, query=f"year={YEAR}")).content.decode()
    assert "light--red" in page and "41,5" in page


def test_a_forvaltning_without_its_own_value_shows_its_units_value_marked_aggregated(
    orgtree: Any, people: Any, world: Any
) -> None:
    measure(world, orgtree.a1, f"{YEAR}-T1", 41.5)
    page = client_for(people.reader_a1).get(url("unit", orgtree.a.pk, query=f"year={YEAR}")).content.decode()
    with translation.override("sv"):
        note = gettext("(aggregated)")
    assert "41,5 dagar" in page and note in page and "light--red" in page
    measure(world, orgtree.a, f"{YEAR}-T1", 20)
    page = client_for(people.reader_a1).get(url("unit", orgtree.a.pk, query=f"year={YEAR}")).content.decode()
    assert "20 dagar" in page and note not in page


def test_the_measurement_form_loads_into_vara_mal_or_opens_as_a_page(
    orgtree: Any, people: Any, world: Any, goal_a1: Goal
) -> None:
    target = url("unit_measure", orgtree.a1.pk, query=f"period={YEAR}-T2")
    client = client_for(people.manager_a1)
    fragment = client.get(target, headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in fragment and 'id="measure_value"' in fragment and "csrfmiddlewaretoken" in fragment
    assert f'value="{YEAR}-T2"' in fragment and "WAIT Väntetid" in fragment
    page = client.get(target)
    assert page.status_code == 200 and b"<html" in page.content and b'id="measure_value"' in page.content
    assert client_for(people.reader_a1).get(target).status_code == 403


@pytest.mark.parametrize(
    "changes",
    [
        {"value": "many"},
        {"period": "2026-Q2"},
        {"sex": "women"},  # WAIT is not broken down by sex
        {"indicator": "9999"},
    ],
)
def test_bad_measurements_are_form_errors_and_change_nothing(
    orgtree: Any, people: Any, world: Any, goal_a1: Goal, changes: dict[str, Any]
) -> None:
    target = url("unit_measure", orgtree.a1.pk)
    response = client_for(people.manager_a1).post(target, measurement_data(world, **changes))
    assert response.status_code == 400
    assert b'class="errorlist' in response.content
    assert not Measurement.objects.exists()


def test_measurement_denials(orgtree: Any, people: Any, world: Any, goal_a1: Goal) -> None:
    target = url("unit_measure", orgtree.a1.pk)
    assert client_for(people.reader_a1).post(target, measurement_data(world)).status_code == 403
    assert client_for(people.editor_b).post(target, measurement_data(world)).status_code == 403
    assert not Measurement.objects.exists()


# ---- Bryt ned ------------------------------------------------------------------------------------


def test_breaking_down_creates_a_goal_per_chosen_unit_and_skips_those_that_have_one(
    orgtree: Any, people: Any, world: Any
) -> None:
    a2 = make_unit(orgtree.a, name="Enhet A2", code="A2")
    client = client_for(people.quality_a)
    response = client.post(url("breakdown", world.goal_a.pk), {"units": [orgtree.a1.pk], "codes": "A2"})
    assert response.status_code == 302
    assert set(world.goal_a.children.values_list("unit__code", flat=True)) == {"A1", "A2"}
    again = client.post(url("breakdown", world.goal_a.pk), {"units": [orgtree.a1.pk, a2.pk]}, follow=True)
    assert "Redan nedbrutet" in again.content.decode() or "Already broken down" in again.content.decode()
    assert world.goal_a.children.count() == 2


@pytest.mark.parametrize(
    "data", [{}, {"codes": "NOPE"}, {"codes": "B1"}, {"codes": "A"}, {"units": ["9999"]}]
)
def test_bad_breakdowns_are_form_errors_and_create_nothing(
    people: Any, world: Any, data: dict[str, Any]
) -> None:
    before = Goal.objects.count()
    response = client_for(people.quality_a).post(url("breakdown", world.goal_a.pk), data)
    assert response.status_code == 400
    assert b'class="errorlist' in response.content
    assert Goal.objects.count() == before


def test_breakdown_denials(orgtree: Any, people: Any, world: Any) -> None:
    data = {"codes": "A1"}
    assert client_for(people.reader_a1).post(url("breakdown", world.goal_a.pk), data).status_code == 403
    assert client_for(people.editor_a1).post(url("breakdown", world.goal_a.pk), data).status_code == 403
    assert Client().post(url("breakdown", world.goal_a.pk), data).status_code == 302
    assert not world.goal_a.children.exists()


# ---- rounds --------------------------------------------------------------------------------------


def test_a_quality_coordinator_opens_a_round_and_sees_which_units_are_done(
    orgtree: Any, people: Any, world: Any, goal_a1: Goal
) -> None:
    client = client_for(people.quality_a)
    assert b"round_deadline" in client.get(url("rounds")).content
    data = {"period": f"{YEAR}-T2", "deadline": f"{YEAR}-09-30", "units": "A, A1"}
    response = client.post(url("round_open"), data)
    assert response.status_code == 302
    opened = FollowUpRound.objects.get()
    services.save_followup(by=people.manager_a1, goal=goal_a1, period=f"{YEAR}-T2", status="met", done=True)
    page = client.get(url("round", opened.pk)).content.decode()
    assert "Enhet A1" in page and "Förvaltning A" in page
    assert "1 av 2 enheter klara" in page or "1 of 2 units done" in page


@pytest.mark.parametrize(
    "changes",
    [{"period": "2026-T7"}, {"deadline": "someday"}, {"units": ""}, {"units": "NOPE"}, {"units": "B1"}],
)
def test_bad_rounds_are_form_errors_and_open_nothing(people: Any, changes: dict[str, Any]) -> None:
    data = {"period": f"{YEAR}-T2", "deadline": f"{YEAR}-09-30", "units": "A1", **changes}
    response = client_for(people.quality_a).post(url("round_open"), data)
    assert response.status_code == 400
    assert b'class="errorlist' in response.content
    assert not FollowUpRound.objects.exists()


def test_only_quality_coordinators_open_rounds(people: Any) -> None:
    data = {"period": f"{YEAR}-T2", "deadline": f"{YEAR}-09-30", "units": "A1"}
    assert b"round_deadline" not in client_for(people.manager_a1).get(url("rounds")).content
    assert client_for(people.manager_a1).post(url("round_open"), data).status_code == 403
    assert not FollowUpRound.objects.exists()


# ---- bad page input ------------------------------------------------------------------------------


@pytest.mark.parametrize("query", ["year=1066", "year=soon", "unit=NOPE"])
def test_bad_page_input_is_a_400_with_the_page_still_shown(people: Any, world: Any, query: str) -> None:
    client = client_for(people.reader_a1)
    for target in (url("overview", query=query), url("indicator", world.indicator.pk, query=query)):
        response = client.get(target)
        assert response.status_code == 400, target
        assert b'class="errorlist' in response.content


def test_the_overview_jumps_to_a_unit_by_code(orgtree: Any, people: Any) -> None:
    response = client_for(people.reader_a1).get(url("overview", query=f"unit=A1&year={YEAR}"))
    assert response.status_code == 302 and response["Location"] == url(
        "unit", orgtree.a1.pk, query=f"year={YEAR}"
    )


def test_a_follow_up_page_for_an_unknown_period_is_404(people: Any, goal_a1: Goal) -> None:
    assert (
        client_for(people.reader_a1).get(url("followup", goal_a1.pk, query="period=2026-T8")).status_code
        == 404
    )


# ---- Min sida ------------------------------------------------------------------------------------


def test_min_sida_lists_my_units_goals_to_follow_up(people: Any, goal_a1: Goal) -> None:
    page = client_for(people.manager_a1).get(reverse("core:home")).content.decode()
    assert goal_a1.title in page and url("followup", goal_a1.pk) in page
    other = client_for(people.editor_b).get(reverse("core:home")).content.decode()
    assert url("followup", goal_a1.pk) not in other


# ---- query budgets -------------------------------------------------------------------------------


def count(client: Client, target: str) -> int:
    client.get(target)  # per-process caches (translations, content types) are not the page's cost
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(target).status_code == 200, target
    return len(ctx)


def grow(orgtree: Any, world: Any, n: int, start: int) -> None:
    """``n`` more units below A1, each with a goal broken down to it, values and a follow-up."""
    parent = Goal.objects.get(unit=orgtree.a1)
    for i in range(start, start + n):
        unit = make_unit(orgtree.a1, name=f"Mottagning {i}", code=f"M{i}")
        child = services.breakdown(parent.pk, by=SYSTEM, units=[unit]).created[0]
        services.create_activity(by=SYSTEM, goal=child, title=f"Aktivitet {i}")
        services.save_followup(by=SYSTEM, goal=child, period=f"{YEAR}-T2", status="met")
        measure(world, unit, f"{YEAR}-T{1 + i % 3}", 20 + i)
        services.create_area(by=SYSTEM, name=f"Område {i}")


#: The tree page and any branch of it, as a page or an htmx fragment.
TREE_BUDGET = 13
BUDGETS = {
    "overview": 8,
    "tree": 10,
    "unit": 17,
    "goal": 23,  # with the value words it cites and, for its editors, the words to choose from
    "followup": 15,
    "indicator": 9,
    "rounds": 6,
}


def test_pages_hold_their_query_budgets_and_do_not_grow_with_the_data(
    orgtree: Any, people: Any, world: Any, goal_a1: Goal
) -> None:
    client = client_for(people.quality_r)
    grow(orgtree, world, 2, 0)
    targets = pages(orgtree, world, goal_a1)
    small = {name: count(client, target) for name, target in targets.items()}
    for name, n in small.items():
        assert n <= BUDGETS[name], (name, n)
    grow(orgtree, world, 8, 2)
    large = {name: count(client, target) for name, target in targets.items()}
    assert large == small


# ---- as of a period ------------------------------------------------------------------------------


def test_the_overview_unit_and_follow_up_pages_show_statuses_as_of_the_chosen_period(
    orgtree: Any, people: Any, world: Any, goal_a1: Goal
) -> None:
    for number, value in ((1, 20), (2, 40), (3, 32)):  # lower is better, target 30
        measure(world, orgtree.a1, f"{YEAR}-T{number}", value)
    client = client_for(people.manager_a1)
    for number, value, light in ((1, 20, "green"), (2, 40, "red"), (3, 32, "yellow")):
        code = f"{YEAR}-T{number}"
        overview = client.get(url("overview", query=f"year={YEAR}&period={code}")).content.decode()
        assert f"light--{light}" in overview.split('class="goal-list__head"')[1].split("</div>")[0], code
        unit = client.get(url("unit", orgtree.a1.pk, query=f"year={YEAR}&period={code}")).content.decode()
        assert f'?year={YEAR}&amp;period={code}" aria-current="page"' in unit
        assert f"?period={code}&amp;next=" in unit  # the follow-up form writes the chosen period
        assert f'{url("unit_measure", orgtree.a1.pk)}?period={code}"' in unit
        table = unit.split("<tbody>")[1].split("</tbody>")[0]
        assert f"{value} dagar" in table and f"light--{light}" in table, code
        followup = client.get(url("followup", goal_a1.pk, query=f"period={code}")).content.decode()
        computed = followup.split('id="computed-heading"')[1].split("</section>")[0]
        assert f"light--{light}" in computed.split("<ul")[0], code


@pytest.mark.parametrize("period", [f"{YEAR - 1}-T2", f"{YEAR}-T7", f"{YEAR}-Q2", "soon"])
def test_a_period_that_is_not_one_of_the_year_is_a_400_naming_it(
    orgtree: Any, people: Any, world: Any, period: str
) -> None:
    client = client_for(people.reader_a1)
    for target in (
        url("overview", query=f"year={YEAR}&period={period}"),
        url("unit", orgtree.a1.pk, query=f"year={YEAR}&period={period}"),
    ):
        response = client.get(target)
        assert response.status_code == 400, target
        assert b'class="errorlist" role="alert"' in response.content and period.encode() in response.content


# ---- the red-thread tree -------------------------------------------------------------------------


def test_the_tree_shows_areas_and_top_goals_and_loads_what_lies_below_on_demand(
    orgtree: Any, people: Any, world: Any, goal_a1: Goal
) -> None:
    services.create_activity(by=SYSTEM, goal=world.top, title="Regional kartläggning")
    measure(world, orgtree.region, f"{YEAR}-T2", 28)
    client = client_for(people.reader_a1)
    page = client.get(url("tree", query=f"year={YEAR}")).content.decode()
    branch = url("tree_branch", world.top.pk, query=f"year={YEAR}")
    assert "Patient" in page and page.count("Kortare väntetider") == 2  # the top goal and its toggle's name
    assert "Regional kartläggning" not in page and "Förvaltning A" not in page
    toggle = page.split('class="tree__toggle"')[1].split(">")[0]
    assert f'href="{branch.replace("&", "&amp;")}"' in toggle and f'hx-get="{branch}"' in toggle
    assert 'aria-expanded="false"' in toggle and f'aria-controls="goal-branch-{world.top.pk}"' in toggle
    assert f'id="goal-branch-{world.top.pk}" hidden' in page

    fragment = client.get(branch, headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in fragment and fragment.lstrip().startswith("<li")
    assert "WAIT Väntetid" in fragment and "28" in fragment and "Regional kartläggning" in fragment
    assert "Förvaltning A" in fragment and f'hx-get="{url("tree_branch", world.goal_a.pk)}' in fragment
    assert "Enhet A1" not in fragment  # two levels down: loaded when its parent is opened

    deeper = client.get(
        url("tree_branch", world.goal_a.pk, query=f"year={YEAR}"), headers={"HX-Request": "true"}
    )
    assert "Enhet A1" in deeper.content.decode()
    leaf = client.get(url("tree_branch", goal_a1.pk, query=f"year={YEAR}"), headers={"HX-Request": "true"})
    assert "WAIT Väntetid" in leaf.content.decode() and "tree__toggle" not in leaf.content.decode()


def test_without_javascript_the_toggle_leads_to_a_page_with_the_goal_opened_and_the_way_back_up(
    orgtree: Any, people: Any, world: Any, goal_a1: Goal
) -> None:
    response = client_for(people.reader_a1).get(url("tree_branch", goal_a1.pk, query=f"year={YEAR}"))
    assert response.status_code == 200
    page = response.content.decode()
    crumbs = page.split('class="breadcrumb"')[1].split("</nav>")[0]
    assert url("tree_branch", world.top.pk, query=f"year={YEAR}") in crumbs
    assert url("tree_branch", world.goal_a.pk, query=f"year={YEAR}") in crumbs
    assert 'aria-current="page">Kortare väntetider' in crumbs
    assert f'id="goal-branch-{goal_a1.pk}"' in page and f'id="goal-branch-{goal_a1.pk}" hidden' not in page
    assert 'aria-expanded="true"' in page


def test_a_tree_branch_of_an_unknown_goal_is_404_and_the_anonymous_are_sent_to_login(people: Any) -> None:
    assert client_for(people.reader_a1).get(url("tree_branch", 999999)).status_code == 404
    login = Client().get(url("tree_branch", 999999))
    assert login.status_code == 302 and "/login/" in login["Location"]


def test_the_tree_and_its_branches_hold_a_fixed_query_budget(
    orgtree: Any, people: Any, world: Any, goal_a1: Goal, django_assert_max_num_queries: Any
) -> None:
    client = client_for(people.quality_r)
    targets = [
        url("tree", query=f"year={YEAR}"),
        url("tree_branch", world.top.pk, query=f"year={YEAR}"),
        url("tree_branch", goal_a1.pk, query=f"year={YEAR}"),
    ]
    for grown in (2, 10):
        grow(orgtree, world, grown - (2 if grown == 10 else 0), 0 if grown == 2 else 2)
        for target in targets:
            client.get(target)
            with django_assert_max_num_queries(TREE_BUDGET):
                assert client.get(target).status_code == 200
            with django_assert_max_num_queries(TREE_BUDGET):
                assert client.get(target, headers={"HX-Request": "true"}).status_code == 200
