"""The server-rendered pages: who sees what, forms that refuse bad input, and query budgets."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from rodtrad.core.access import SYSTEM
from rodtrad.core.models import AuditEntry, Membership, Notification, Unit, User
from rodtrad.core.services import notifications, people
from rodtrad.core.tests.factories import make_unit, make_user

HTMX = {"HX-Request": "true"}


def client_for(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def reload(obj: Any) -> Any:
    return type(obj).objects.get(pk=obj.pk)


# ---- anonymous and denied -----------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    ["core:home", "core:units", "core:users", "core:user_create", "core:audit"],
)
def test_anonymous_is_sent_to_login(db, url):
    response = Client().get(reverse(url))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("core:login"))


def test_anonymous_is_sent_to_login_from_object_pages(orgtree, admin_a):
    for url in (
        reverse("core:unit", args=[orgtree.a.pk]),
        reverse("core:unit_children", args=[orgtree.a.pk]),
        reverse("core:user", args=[admin_a.pk]),
    ):
        assert Client().get(url).status_code == 302


@pytest.mark.parametrize("url", ["core:users", "core:user_create", "core:audit"])
def test_reader_is_refused_admin_pages_with_403(orgtree, url):
    reader = make_user(unit=orgtree.a1, role="reader")
    response = client_for(reader).get(reverse(url))
    assert response.status_code == 403
    assert "403.html" in [t.name for t in response.templates]


def test_login_page_renders_and_signs_in(orgtree):
    make_user("anna", unit=orgtree.a1, role="reader", password="correct-horse-42")
    client = Client()
    page = client.get(reverse("core:login"))
    assert page.status_code == 200
    for public in ("/public/documents/", "/vision/"):  # what anyone may read is linked from here
        assert f'href="{public}"' in page.text and Client().get(public).status_code == 200
    response = client.post(reverse("core:login"), {"username": "anna", "password": "correct-horse-42"})
    assert response.status_code == 302
    assert client.get(reverse("core:home")).status_code == 200


def test_logout_needs_post(orgtree, admin_a):
    client = client_for(admin_a)
    assert client.get(reverse("core:logout")).status_code == 405
    assert client.post(reverse("core:logout")).status_code == 302
    assert client.get(reverse("core:home")).status_code == 302


# ---- Min sida ------------------------------------------------------------------------


def test_home_shows_my_units_roles_and_unread_notifications(orgtree, admin_a):
    notifications.notify(admin_a, title="Läs rutinen", url="")
    response = client_for(admin_a).get(reverse("core:home"))
    assert response.status_code == 200
    html = response.content.decode()
    assert admin_a.name in html
    assert orgtree.a.name in html and reverse("core:unit", args=[orgtree.a.pk]) in html
    assert "Läs rutinen" in html
    assert 'hx-headers=\'{"X-CSRFToken"' in html
    assert 'lang="sv"' in html


def test_home_menu_shows_admin_entries_only_to_admins(orgtree, admin_a):
    reader = make_user(unit=orgtree.a1, role="reader")
    admin_html = client_for(admin_a).get(reverse("core:home")).content.decode()
    reader_html = client_for(reader).get(reverse("core:home")).content.decode()
    for url in (reverse("core:users"), reverse("core:audit")):
        assert url in admin_html
        assert url not in reader_html


def test_mark_read_by_htmx_returns_the_refreshed_list(orgtree, admin_a):
    note = notifications.notify(admin_a, title="Ny roll")
    other = notifications.notify(admin_a, title="Annan")
    url = reverse("core:notification_read", args=[note.pk])
    response = client_for(admin_a).post(url, headers=HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Ny roll" not in html and "Annan" in html
    assert reload(note).read_at is not None
    assert reload(other).read_at is None


def test_mark_all_read_without_javascript_redirects_home(orgtree, admin_a):
    notifications.notify(admin_a, title="Ett")
    notifications.notify(admin_a, title="Två")
    response = client_for(admin_a).post(reverse("core:notifications_read"))
    assert response.status_code == 302
    assert not notifications.unread(admin_a).exists()


def test_cannot_mark_someone_elses_notification(orgtree, admin_a):
    other = make_user(unit=orgtree.b1, role="reader")
    note = notifications.notify(other, title="Privat")
    client_for(admin_a).post(reverse("core:notification_read", args=[note.pk]))
    assert reload(note).read_at is None


# ---- the unit tree --------------------------------------------------------------------


def test_tree_shows_two_levels_and_loads_deeper_ones_lazily(orgtree, admin_a):
    reader = make_user(unit=orgtree.a1, role="reader")
    html = client_for(reader).get(reverse("core:units")).content.decode()
    assert orgtree.region.name in html and orgtree.a.name in html
    assert orgtree.a1.name not in html
    assert reverse("core:unit_children", args=[orgtree.a.pk]) in html
    fragment = client_for(reader).get(reverse("core:unit_children", args=[orgtree.a.pk]), headers=HTMX)
    assert fragment.status_code == 200
    assert orgtree.a1.name in fragment.content.decode()
    assert "<html" not in fragment.content.decode()


def test_children_of_unknown_unit_is_404(orgtree, admin_a):
    assert client_for(admin_a).get(reverse("core:unit_children", args=[99999])).status_code == 404


def test_search_by_name_or_code_returns_linked_results_with_their_trail(orgtree, admin_a):
    client = client_for(admin_a)
    fragment = client.get(reverse("core:units"), {"q": "b1"}, headers=HTMX).content.decode()
    assert reverse("core:unit", args=[orgtree.b1.pk]) in fragment
    assert "Region › Förvaltning B" in fragment
    assert "<html" not in fragment
    page = client.get(reverse("core:units"), {"q": "Förvaltning"}).content.decode()
    assert "<html" in page and reverse("core:unit", args=[orgtree.b.pk]) in page


# ---- the unit page ---------------------------------------------------------------------


def test_reader_sees_unit_but_not_members_history_or_forms(orgtree):
    reader = make_user(unit=orgtree.a1, role="reader")
    response = client_for(reader).get(reverse("core:unit", args=[orgtree.a.pk]))
    assert response.status_code == 200
    ctx = response.context
    assert ctx["memberships"] is None and ctx["history"] is None
    assert "edit_form" not in ctx and "child_form" not in ctx
    assert [a.code for a in ctx["ancestors"]] == ["R"]
    assert [c.code for c in ctx["children"]] == ["A1"]
    assert ctx["kind_label"] == "Förvaltning"


def test_manager_sees_members_and_history_but_no_forms(orgtree):
    manager = make_user(unit=orgtree.a, role="manager")
    ctx = client_for(manager).get(reverse("core:unit", args=[orgtree.a.pk])).context
    assert [m.user for m, _ in ctx["memberships"]] == [manager]
    assert ctx["history"] and ctx["history"][0][0].object_id == str(orgtree.a.pk)
    assert "edit_form" not in ctx


def test_admin_gets_forms_on_own_subtree_only(orgtree, admin_a):
    client = client_for(admin_a)
    own = client.get(reverse("core:unit", args=[orgtree.a1.pk])).context
    assert {"edit_form", "child_form", "move_form", "delete_form"} <= set(own.keys())
    other = client.get(reverse("core:unit", args=[orgtree.b1.pk])).context
    assert "edit_form" not in other and other["memberships"] is None


def test_unknown_unit_is_404(orgtree, admin_a):
    response = client_for(admin_a).get(reverse("core:unit", args=[99999]))
    assert response.status_code == 404
    assert "404.html" in [t.name for t in response.templates]


def edit_data(unit: Unit, **changes: Any) -> dict[str, Any]:
    data = {
        "version": unit.version,
        "name": unit.name,
        "code": unit.code,
        "kind": unit.kind,
        "manager": "",
        "external_id": "",
        "is_active": "on",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_admin_renames_unit_and_the_change_is_audited(orgtree, admin_a):
    url = reverse("core:unit_edit", args=[orgtree.a1.pk])
    response = client_for(admin_a).post(url, edit_data(orgtree.a1, name="Nytt namn", manager="admin_a"))
    assert response.status_code == 302
    unit = reload(orgtree.a1)
    assert unit.name == "Nytt namn" and unit.manager == admin_a and unit.version == 2
    entry = AuditEntry.objects.for_object(unit).latest("seq")
    assert entry.changes["name"] == ["Enhet A1", "Nytt namn"]


@pytest.mark.parametrize(
    "changes,field",
    [
        ({"name": ""}, "name"),
        ({"code": "B1"}, "code"),
        ({"kind": "planet"}, "kind"),
        ({"manager": "nobody"}, "manager"),
        ({"version": "x"}, "version"),
    ],
)
def test_bad_unit_edit_shows_form_errors_and_changes_nothing(orgtree, admin_a, changes, field):
    url = reverse("core:unit_edit", args=[orgtree.a1.pk])
    response = client_for(admin_a).post(url, edit_data(orgtree.a1, **changes))
    assert response.status_code == 400
    assert field in response.context["edit_form"].errors
    unit = reload(orgtree.a1)
    assert (unit.name, unit.code, unit.version) == ("Enhet A1", "A1", 1)


def test_stale_version_shows_a_form_error_and_keeps_the_newer_change(orgtree, admin_a):
    client = client_for(admin_a)
    url = reverse("core:unit_edit", args=[orgtree.a1.pk])
    assert client.post(url, edit_data(orgtree.a1, name="Först")).status_code == 302
    response = client.post(url, edit_data(orgtree.a1, name="Sedan"))
    assert response.status_code == 400
    assert response.context["edit_form"].non_field_errors()
    assert reload(orgtree.a1).name == "Först"


def test_admin_of_a_cannot_post_changes_to_b(orgtree, admin_a):
    client = client_for(admin_a)
    b1 = orgtree.b1
    assert client.post(reverse("core:unit_edit", args=[b1.pk]), edit_data(b1, name="X")).status_code == 403
    add = {"name": "Ny", "code": "B9", "kind": "enhet"}
    assert client.post(reverse("core:unit_add_child", args=[b1.pk]), add).status_code == 403
    assert client.post(reverse("core:unit_delete", args=[b1.pk]), {"version": 1}).status_code == 403
    assert reload(b1).name == "Enhet B1" and not Unit.objects.filter(code="B9").exists()


def test_reader_cannot_post_changes(orgtree):
    reader = make_user(unit=orgtree.a1, role="reader")
    url = reverse("core:unit_edit", args=[orgtree.a1.pk])
    assert client_for(reader).post(url, edit_data(orgtree.a1, name="X")).status_code == 403


def test_admin_adds_a_child_unit(orgtree, admin_a):
    url = reverse("core:unit_add_child", args=[orgtree.a.pk])
    response = client_for(admin_a).post(url, {"name": "Enhet A2", "code": "A2", "kind": "enhet"})
    child = Unit.objects.get(code="A2")
    assert response["Location"] == child.get_absolute_url()
    assert Unit.objects.get_parent(child) == orgtree.a


def test_adding_a_child_with_a_taken_code_is_a_form_error(orgtree, admin_a):
    url = reverse("core:unit_add_child", args=[orgtree.a.pk])
    response = client_for(admin_a).post(url, {"name": "Kopia", "code": "A1", "kind": "enhet"})
    assert response.status_code == 400
    assert "code" in response.context["child_form"].errors
    assert Unit.objects.filter(name="Kopia").count() == 0


def test_move_unit_under_another_parent(orgtree, region_admin):
    url = reverse("core:unit_move", args=[orgtree.a1.pk])
    response = client_for(region_admin).post(url, {"version": 1, "parent": "B"})
    assert response.status_code == 302
    assert Unit.objects.get_parent(reload(orgtree.a1)) == orgtree.b


@pytest.mark.parametrize("parent", ["A1", "NOPE"])
def test_move_under_own_descendant_or_unknown_unit_is_a_form_error(orgtree, region_admin, parent):
    url = reverse("core:unit_move", args=[orgtree.a.pk])
    response = client_for(region_admin).post(url, {"version": 1, "parent": parent})
    assert response.status_code == 400
    assert "parent" in response.context["move_form"].errors
    assert Unit.objects.get_parent(reload(orgtree.a)) == orgtree.region


def test_move_to_a_unit_the_admin_does_not_manage_is_a_form_error(orgtree, admin_a):
    url = reverse("core:unit_move", args=[orgtree.a1.pk])
    response = client_for(admin_a).post(url, {"version": 1, "parent": "B"})
    assert response.status_code == 400
    assert "parent" in response.context["move_form"].errors
    assert Unit.objects.get_parent(reload(orgtree.a1)) == orgtree.a


def test_delete_unused_unit_removes_it_and_one_in_use_is_deactivated(orgtree, region_admin):
    client = client_for(region_admin)
    response = client.post(reverse("core:unit_delete", args=[orgtree.b1.pk]), {"version": 1})
    assert response["Location"] == orgtree.b.get_absolute_url()
    assert not Unit.objects.filter(pk=orgtree.b1.pk).exists()
    client.post(reverse("core:unit_delete", args=[orgtree.a.pk]), {"version": 1})
    assert reload(orgtree.a).is_active is False


# ---- users and roles --------------------------------------------------------------------


def test_user_list_shows_only_visible_people_and_searches(orgtree, admin_a):
    make_user("anna", unit=orgtree.a1, name="Anna Andersson")
    make_user("bertil", unit=orgtree.b1, name="Bertil Berg")
    client = client_for(admin_a)
    html = client.get(reverse("core:users")).content.decode()
    assert "Anna Andersson" in html and "Bertil Berg" not in html
    found = client.get(reverse("core:users"), {"q": "anders"}).context["page"].object_list
    assert [u.username for u in found] == ["anna"]


def test_user_list_is_paginated(orgtree, admin_a):
    for n in range(30):
        make_user(f"person{n:02}", unit=orgtree.a1)
    page = client_for(admin_a).get(reverse("core:users"), {"page": 2}).context["page"]
    assert page.number == 2 and page.paginator.count == 31


def test_admin_creates_user(orgtree, admin_a):
    data = {"username": "nils", "name": "Nils Nilsson", "email": "nils@example.org", "home_unit": "A1"}
    response = client_for(admin_a).post(reverse("core:user_create"), data)
    person = User.objects.get(username="nils")
    assert response["Location"] == person.get_absolute_url()
    assert person.home_unit == orgtree.a1 and not person.has_usable_password()


@pytest.mark.parametrize(
    "data,field",
    [
        ({"username": "admin_a", "home_unit": "A1"}, "username"),
        ({"username": "ny", "home_unit": "B1"}, "home_unit"),
        ({"username": "ny", "home_unit": "ZZ"}, "home_unit"),
        ({"username": "ny", "home_unit": "A1", "email": "inte-en-adress"}, "email"),
        ({"username": "ny", "home_unit": "A1", "password": "123"}, "password"),
    ],
)
def test_bad_new_user_shows_form_errors_and_creates_nobody(orgtree, admin_a, data, field):
    before = User.objects.count()
    response = client_for(admin_a).post(reverse("core:user_create"), data)
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert User.objects.count() == before


def test_user_page_is_404_for_people_outside_the_admins_units(orgtree, admin_a):
    outsider = make_user(unit=orgtree.b1)
    assert client_for(admin_a).get(reverse("core:user", args=[outsider.pk])).status_code == 404


def test_everyone_sees_their_own_user_page_without_admin_forms(orgtree):
    reader = make_user(unit=orgtree.a1, role="reader")
    response = client_for(reader).get(reverse("core:user", args=[reader.pk]))
    assert response.status_code == 200
    assert "edit_form" not in response.context and "grant_form" not in response.context
    assert response.context["history"] is None


def test_admin_user_page_has_details_roles_history_and_forms(orgtree, admin_a):
    person = make_user(unit=orgtree.a1, role="editor")
    ctx = client_for(admin_a).get(reverse("core:user", args=[person.pk])).context
    assert [(m.role, can) for m, can in ctx["memberships"]] == [("editor", True)]
    assert ctx["history"] and "edit_form" in ctx and "grant_form" in ctx


def user_edit_data(person: User, **changes: Any) -> dict[str, Any]:
    data = {
        "version": person.version,
        "name": person.name,
        "email": person.email,
        "title": person.title,
        "home_unit": person.home_unit.code if person.home_unit else "",
        "is_active": "on",
        "password": "",
    }
    data.update(changes)
    return data


def test_admin_edits_user_and_stale_version_is_refused(orgtree, admin_a):
    person = make_user(unit=orgtree.a1)
    client = client_for(admin_a)
    url = reverse("core:user_edit", args=[person.pk])
    assert client.post(url, user_edit_data(person, title="Sjuksköterska")).status_code == 302
    stale = client.post(url, user_edit_data(person, title="Läkare"))
    assert stale.status_code == 400 and stale.context["edit_form"].non_field_errors()
    assert reload(person).title == "Sjuksköterska"


def test_moving_a_user_outside_the_admins_units_is_a_form_error(orgtree, admin_a):
    person = make_user(unit=orgtree.a1)
    url = reverse("core:user_edit", args=[person.pk])
    response = client_for(admin_a).post(url, user_edit_data(person, home_unit="B1"))
    assert response.status_code == 400 and "home_unit" in response.context["edit_form"].errors
    assert reload(person).home_unit == orgtree.a1


def test_grant_and_revoke_a_role(orgtree, admin_a):
    person = make_user(unit=orgtree.a1)
    client = client_for(admin_a)
    response = client.post(reverse("core:user_grant", args=[person.pk]), {"unit": "A1", "role": "editor"})
    assert response.status_code == 302
    membership = Membership.objects.get(user=person)
    assert membership.role == "editor"
    assert client.post(reverse("core:membership_revoke", args=[membership.pk])).status_code == 302
    assert not Membership.objects.filter(user=person).exists()


@pytest.mark.parametrize(
    "data,field", [({"unit": "B1", "role": "editor"}, "unit"), ({"unit": "A1", "role": "god"}, "role")]
)
def test_bad_grant_is_a_form_error(orgtree, admin_a, data, field):
    person = make_user(unit=orgtree.a1)
    response = client_for(admin_a).post(reverse("core:user_grant", args=[person.pk]), data)
    assert response.status_code == 400 and field in response.context["grant_form"].errors
    assert not Membership.objects.filter(user=person).exists()


def test_revoke_is_refused_to_non_admins(orgtree, admin_a):
    person = make_user(unit=orgtree.b1, role="editor")
    membership = Membership.objects.get(user=person)
    manager_b = make_user(unit=orgtree.b, role="manager")
    assert (
        client_for(admin_a).post(reverse("core:membership_revoke", args=[membership.pk])).status_code == 404
    )
    assert (
        client_for(manager_b).post(reverse("core:membership_revoke", args=[membership.pk])).status_code == 403
    )
    assert Membership.objects.filter(pk=membership.pk).exists()


# ---- the audit log ---------------------------------------------------------------------


def test_audit_log_is_limited_to_the_admins_units_and_filters(orgtree, admin_a):
    client = client_for(admin_a)
    entries = client.get(reverse("core:audit")).context["page"].object_list
    assert entries and all(e.unit_id in {orgtree.a.pk, orgtree.a1.pk} for e in entries)
    by_object = client.get(reverse("core:audit"), {"object_type": "core.unit", "object_id": orgtree.a1.pk})
    assert [e.object_id for e in by_object.context["page"].object_list] == [str(orgtree.a1.pk)]
    by_actor = client.get(reverse("core:audit"), {"actor": "admin_a"})
    assert list(by_actor.context["page"].object_list) == []


def test_audit_log_date_range(orgtree, admin_a):
    client = client_for(admin_a)
    today = AuditEntry.objects.latest("seq").at.astimezone().date().isoformat()
    assert client.get(reverse("core:audit"), {"since": today, "until": today}).context["page"].object_list
    assert (
        not client.get(reverse("core:audit"), {"since": "2001-01-01", "until": "2001-01-02"})
        .context["page"]
        .object_list
    )
    bad = client.get(reverse("core:audit"), {"since": "2020-02-02", "until": "2020-01-01"})
    assert "until" in bad.context["form"].errors and not bad.context["page"].object_list


def test_quality_coordinator_reads_the_log(orgtree):
    quality = make_user(unit=orgtree.b, role="quality")
    assert client_for(quality).get(reverse("core:audit")).status_code == 200


# ---- query budgets --------------------------------------------------------------------------


def grow(parent: Unit, count: int) -> None:
    for _ in range(count):
        make_unit(parent)


@pytest.mark.parametrize(
    "name,budget",
    [("home", 13), ("units", 6), ("users", 7), ("audit", 9), ("unit", 10), ("user", 8), ("children", 7)],
)
def test_pages_stay_within_their_query_budget(
    orgtree, region_admin, django_assert_max_num_queries, name, budget
):
    notifications.notify(region_admin, title="Hej")
    urls = {
        "home": reverse("core:home"),
        "units": reverse("core:units"),
        "users": reverse("core:users"),
        "audit": reverse("core:audit"),
        "unit": reverse("core:unit", args=[orgtree.a.pk]),
        "user": reverse("core:user", args=[region_admin.pk]),
        "children": reverse("core:unit_children", args=[orgtree.a.pk]),
    }
    client = client_for(region_admin)
    with django_assert_max_num_queries(budget):
        assert client.get(urls[name]).status_code == 200


def count_queries(client: Client, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


def test_query_counts_do_not_grow_with_the_organisation(orgtree, region_admin):
    client = client_for(region_admin)
    urls = [
        reverse("core:home"),
        reverse("core:units"),
        reverse("core:units") + "?q=Enhet",
        reverse("core:unit", args=[orgtree.a.pk]),
        reverse("core:unit_children", args=[orgtree.a.pk]),
        reverse("core:users"),
        reverse("core:audit"),
        reverse("core:user", args=[region_admin.pk]),
    ]
    grow(orgtree.a, 5)
    small = [count_queries(client, url) for url in urls]
    grow(orgtree.a, 45)
    for n in range(10):
        person = make_user(unit=orgtree.a, role="editor")
        notifications.notify(region_admin, title=f"Nr {n}")
        people.grant_role(by=SYSTEM, user=region_admin, unit=make_unit(orgtree.b), role="reader")
        assert person.pk
    large = [count_queries(client, url) for url in urls]
    assert small == large
    assert Notification.objects.filter(user=region_admin).count() >= 10


def test_pages_are_swedish_even_when_the_browser_prefers_english(client, db):
    response = client.get("/login/", headers={"Accept-Language": "en-US,en;q=0.9"})
    assert response.headers["Content-Language"] == "sv"
    assert "Logga in" in response.content.decode()


def test_history_names_fields_and_referenced_units_in_words(orgtree, region_admin, client):
    from rodtrad.core.services import org as org_services

    org_services.update_unit(orgtree.a1.pk, by=region_admin, version=1, parent=orgtree.b, is_active=False)
    client.force_login(region_admin)
    html = client.get(reverse("core:unit", args=[orgtree.a1.pk])).content.decode()
    assert "Förvaltning A (A) → Förvaltning B (B)" in html
    assert "Överordnad enhet" in html
    assert "Ja → Nej" in html


def test_audit_search_with_a_far_future_date_is_a_form_error(orgtree, region_admin, client):
    client.force_login(region_admin)
    response = client.get(reverse("core:audit"), {"until": "9999-12-31"})
    assert response.status_code == 200
    assert response.context["form"].errors["until"]
