"""Pages of the shell: Min sida, the unit tree, unit and user pages, the audit log.

Views read through ``visible_to`` and ``access.can`` and write only through the
services; a service's field errors and stale-write refusals become form errors.
Each page reads a fixed number of queries, whatever the size of the organisation.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django import forms as django_forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from rodtrad.core import access
from rodtrad.core.context_processors import organisation
from rodtrad.core.errors import StaleWrite
from rodtrad.core.forms import (
    AuditFilterForm,
    ChildUnitForm,
    DeleteUnitForm,
    FeedbackForm,
    GrantRoleForm,
    MoveUnitForm,
    UnitForm,
    UnitSearchForm,
    UserCreateForm,
    UserEditForm,
)
from rodtrad.core.history import describe
from rodtrad.core.models import AuditEntry, Membership, Organisation, Role, Unit, User
from rodtrad.core.services import feedback, notifications, org, people

PAGE_SIZE = 25
SEARCH_LIMIT = 50
HISTORY_LIMIT = 50


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _apply_errors(form: django_forms.Form, exc: ValidationError | StaleWrite) -> None:
    """Show a service's refusal on the form: field errors by field, the rest on top."""
    if isinstance(exc, StaleWrite):
        form.add_error(None, str(exc))
        return
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _changes(obj: Any, cleaned: dict[str, Any], names: tuple[str, ...]) -> dict[str, Any]:
    """Only the fields the form actually changed, so the audit entry and checks stay exact."""
    return {name: cleaned[name] for name in names if getattr(obj, name) != cleaned[name]}


def _paginate(request: HttpRequest, qs: QuerySet[Any]) -> Page[Any]:
    return Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))


# ---- Min sida ----------------------------------------------------------------


@dataclass(frozen=True)
class Section:
    """A part of Min sida: a template and the function that reads its data.

    Later modules append theirs to :data:`HOME_SECTIONS`; each template gets its
    data as ``section`` and links only to pages that exist.
    """

    template: str
    data: Callable[[HttpRequest], dict[str, Any]]


def _profile_section(request: HttpRequest) -> dict[str, Any]:
    user = _user(request)
    grouped: dict[int, dict[str, Any]] = {}
    for membership in Membership.objects.filter(user=user).select_related("unit").order_by("unit__path"):
        row = grouped.setdefault(membership.unit_id, {"unit": membership.unit, "roles": []})
        row["roles"].append(membership.get_role_display())
    # Read through the person, so the other sections of Min sida find it there too.
    return {"person": user, "home_unit": user.home_unit, "units": list(grouped.values())}


def _notifications_section(request: HttpRequest) -> dict[str, Any]:
    return {"notes": list(notifications.unread(_user(request))[:20])}


HOME_SECTIONS: list[Section] = [
    Section("core/sections/profile.html", _profile_section),
    Section("core/sections/notifications.html", _notifications_section),
]


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    sections = [(section.template, section.data(request)) for section in HOME_SECTIONS]
    return render(request, "core/home.html", {"sections": sections})


@login_required
@require_POST
def notification_read(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Mark one (or every) unread notification read; htmx gets the refreshed section back."""
    notifications.mark_read(_user(request), pk)
    if _is_htmx(request):
        notes = _notifications_section(request)["notes"]
        context = {"notes": notes, "just_marked": True}
        return render(request, "core/partials/notification_items.html", context)
    return redirect("core:home")


# ---- the unit tree -------------------------------------------------------------


@dataclass
class Node:
    """A unit as the tree and lists show it, read with ``values()`` in one query per list."""

    id: int
    name: str
    code: str
    kind: str
    is_active: bool
    has_children: bool
    path: str = ""
    trail: list[str] = field(default_factory=list)
    children: list[Node] | None = None


NODE_FIELDS = ("id", "name", "code", "kind", "is_active", "numchild", "path")


def _nodes(qs: QuerySet[Unit], org_: Organisation) -> list[Node]:
    return [
        Node(
            id=row["id"],
            name=row["name"],
            code=row["code"],
            kind=org_.kind_label(row["kind"]),
            is_active=row["is_active"],
            has_children=row["numchild"] > 0,
            path=row["path"],
        )
        for row in qs.values(*NODE_FIELDS)
    ]


def _visible_units(request: HttpRequest) -> QuerySet[Unit]:
    qs: QuerySet[Unit] = Unit.objects.visible_to(_user(request), "unit.view")
    return qs


def _ancestor_paths(path: str) -> list[str]:
    step = Unit.steplen
    return [path[:end] for end in range(step, len(path), step)]


def _search(request: HttpRequest, q: str) -> tuple[list[Node], bool]:
    """Units whose name or code contains ``q``, each with its ancestors' names, in two queries."""
    qs = _visible_units(request).filter(Q(name__icontains=q) | Q(code__icontains=q)).order_by("name", "code")
    found = _nodes(qs[: SEARCH_LIMIT + 1], organisation(request))
    more, found = len(found) > SEARCH_LIMIT, found[:SEARCH_LIMIT]
    wanted = {p for node in found for p in _ancestor_paths(node.path)}
    names = dict(Unit.objects.filter(path__in=wanted).values_list("path", "name")) if wanted else {}
    for node in found:
        node.trail = [names[p] for p in _ancestor_paths(node.path) if p in names]
    return found, more


@login_required
@require_GET
def unit_tree(request: HttpRequest) -> HttpResponse:
    """The tree's top two levels, deeper levels loaded on demand, and the unit search."""
    form = UnitSearchForm(request.GET or None)
    q = form.cleaned_data["q"].strip() if form.is_valid() else ""
    results, more = _search(request, q) if q else ([], False)
    context: dict[str, Any] = {"form": form, "q": q, "results": results, "more": more}
    if _is_htmx(request):
        return render(request, "core/partials/unit_search_results.html", context)
    top = _nodes(
        _visible_units(request).filter(depth__lte=2).order_by("depth", "name"), organisation(request)
    )
    by_path = {node.path: node for node in top}
    roots: list[Node] = []
    for node in top:
        parent = by_path.get(node.path[: -Unit.steplen])
        if parent is None:
            roots.append(node)
        else:
            parent.children = [*(parent.children or []), node]
    return render(request, "core/unit_tree.html", {**context, "roots": roots})


@login_required
@require_GET
def unit_children(request: HttpRequest, pk: int) -> HttpResponse:
    """The children of one node as an HTML fragment, for expanding the tree."""
    parent = get_object_or_404(_visible_units(request), pk=pk)
    children = _visible_units(request).filter(path__startswith=parent.path, depth=parent.depth + 1)
    nodes = _nodes(children.order_by("name"), organisation(request))
    return render(request, "core/partials/tree_children.html", {"nodes": nodes, "parent": parent})


# ---- the unit page -------------------------------------------------------------------


def _unit_forms(request: HttpRequest, unit: Unit) -> dict[str, Any]:
    """Blank forms for what the user may do with the unit (none for readers)."""
    user, org_ = _user(request), organisation(request)
    forms: dict[str, Any] = {}
    if access.can(user, "unit.change", unit):
        forms["edit_form"] = UnitForm(
            organisation=org_,
            people=User.objects.none(),
            initial={
                "version": unit.version,
                "name": unit.name,
                "code": unit.code,
                "kind": unit.kind,
                "manager": unit.manager.username if unit.manager else "",
                "external_id": unit.external_id or "",
                "is_active": unit.is_active,
            },
        )
        if unit.depth > 1:
            forms["move_form"] = MoveUnitForm(initial={"version": unit.version})
    if access.can(user, "unit.create", unit):
        forms["child_form"] = ChildUnitForm(organisation=org_)
    if access.can(user, "unit.delete", unit):
        forms["delete_form"] = DeleteUnitForm(initial={"version": unit.version})
    return forms


def _unit_page(request: HttpRequest, unit: Unit, status: int = 200, **bound: Any) -> HttpResponse:
    user, org_ = _user(request), organisation(request)
    ancestors = list(Unit.objects.filter(path__in=_ancestor_paths(unit.path)).order_by("depth"))
    children = _nodes(Unit.objects.filter(path__startswith=unit.path, depth=unit.depth + 1), org_)
    context: dict[str, Any] = {
        "unit": unit,
        "kind_label": org_.kind_label(unit.kind),
        "ancestors": ancestors,
        "children": sorted(children, key=lambda node: node.name),
        **_unit_forms(request, unit),
        **bound,
    }
    context["memberships"] = None
    if access.can(user, "membership.view", unit):
        members = Membership.objects.filter(unit=unit).select_related("user__home_unit")
        context["memberships"] = [
            (m, access.can(user, "user.view", m.user)) for m in members.order_by("user__name", "role")
        ]
    context["history"] = None
    if access.can(user, "unit.history", unit):
        context["history"] = describe(AuditEntry.objects.for_object(unit)[:HISTORY_LIMIT])
    return render(request, "core/unit.html", context, status=status)


def _unit_for(request: HttpRequest, pk: int, action: str | None = None) -> Unit:
    """The unit if visible (else 404) and, for a change, if the user may do ``action`` (else 403)."""
    unit: Unit = get_object_or_404(_visible_units(request).select_related("manager"), pk=pk)
    if action is not None:
        access.require(_user(request), action, unit)
    return unit


@login_required
@require_GET
def unit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _unit_page(request, _unit_for(request, pk))


@login_required
@require_POST
def unit_edit(request: HttpRequest, pk: int) -> HttpResponse:
    unit = _unit_for(request, pk, "unit.change")
    people_qs = User.objects.visible_to(_user(request), "user.view")
    form = UnitForm(request.POST, organisation=organisation(request), people=people_qs)
    if form.is_valid():
        data = {**form.cleaned_data, "external_id": form.cleaned_data["external_id"] or None}
        changes = _changes(unit, data, ("name", "code", "kind", "manager", "external_id", "is_active"))
        try:
            org.update_unit(unit.pk, by=_user(request), version=data["version"], **changes)
        except (ValidationError, StaleWrite) as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("The unit was saved."))
            return redirect(unit)
    return _unit_page(request, unit, status=400, edit_form=form)


@login_required
@require_POST
def unit_add_child(request: HttpRequest, pk: int) -> HttpResponse:
    parent = _unit_for(request, pk, "unit.create")
    form = ChildUnitForm(request.POST, organisation=organisation(request))
    if form.is_valid():
        try:
            child = org.create_unit(by=_user(request), parent=parent, **form.cleaned_data)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("The unit %(name)s was added.") % {"name": child.name})
            return redirect(child)
    return _unit_page(request, parent, status=400, child_form=form)


@login_required
@require_POST
def unit_move(request: HttpRequest, pk: int) -> HttpResponse:
    unit = _unit_for(request, pk, "unit.change")
    form = MoveUnitForm(request.POST)
    if form.is_valid():
        try:
            org.update_unit(
                unit.pk,
                by=_user(request),
                version=form.cleaned_data["version"],
                parent=form.cleaned_data["parent"],
            )
        except (ValidationError, StaleWrite) as exc:
            _apply_errors(form, exc)
        except PermissionDenied:
            form.add_error("parent", _("You may not move units to that unit."))
        else:
            messages.success(request, _("The unit was moved."))
            return redirect(unit)
    return _unit_page(request, unit, status=400, move_form=form)


@login_required
@require_POST
def unit_delete(request: HttpRequest, pk: int) -> HttpResponse:
    unit = _unit_for(request, pk, "unit.delete")
    form = DeleteUnitForm(request.POST)
    if form.is_valid():
        parent = Unit.objects.get_parent(unit)
        try:
            kept = org.delete_unit(unit.pk, by=_user(request), version=form.cleaned_data["version"])
        except (ValidationError, StaleWrite) as exc:
            _apply_errors(form, exc)
        else:
            if kept is not None:
                messages.success(
                    request, _("The unit has records, so it was deactivated instead of deleted.")
                )
                return redirect(kept)
            messages.success(request, _("The unit %(name)s was deleted.") % {"name": unit.name})
            return redirect(parent) if parent is not None else redirect("core:units")
    return _unit_page(request, unit, status=400, delete_form=form)


# ---- people and roles -----------------------------------------------------------------


def _require_anywhere(request: HttpRequest, action: str) -> None:
    if not access.can_anywhere(_user(request), action):
        raise PermissionDenied(action)


def _visible_people(request: HttpRequest) -> QuerySet[User]:
    """The people the user may see, and always the user themself."""
    user = _user(request)
    qs: QuerySet[User] = User.objects.visible_to(user, "user.view") | User.objects.filter(pk=user.pk)
    return qs


@login_required
@require_GET
def user_list(request: HttpRequest) -> HttpResponse:
    _require_anywhere(request, "user.view")
    q = request.GET.get("q", "").strip()[:100]
    qs = (
        User.objects.visible_to(_user(request), "user.view")
        .select_related("home_unit")
        .order_by("name", "username")
    )
    if q:
        qs = qs.filter(Q(username__icontains=q) | Q(name__icontains=q) | Q(email__icontains=q))
    page = _paginate(request, qs)
    can_create = access.can_anywhere(_user(request), "user.create")
    context = {"page": page, "q": q, "query": urlencode({"q": q}) if q else "", "can_create": can_create}
    return render(request, "core/user_list.html", context)


@login_required
def user_create(request: HttpRequest) -> HttpResponse:
    _require_anywhere(request, "user.create")
    form = UserCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            person = people.create_user(by=_user(request), **form.cleaned_data)
        except ValidationError as exc:
            _apply_errors(form, exc)
        except PermissionDenied:
            form.add_error("home_unit", _("You may not add people to that unit."))
        else:
            messages.success(request, _("%(name)s was added.") % {"name": person})
            return redirect(person)
    status = 400 if form.is_bound else 200
    return render(request, "core/user_create.html", {"form": form}, status=status)


def _person_for(request: HttpRequest, pk: int) -> User:
    person: User = get_object_or_404(_visible_people(request).select_related("home_unit"), pk=pk)
    return person


def _user_page(request: HttpRequest, person: User, status: int = 200, **bound: Any) -> HttpResponse:
    viewer = _user(request)
    memberships = Membership.objects.filter(user=person).select_related("unit").order_by("unit__path", "role")
    if person.pk != viewer.pk:
        memberships = memberships.visible_to(viewer, "membership.view")  # type: ignore[attr-defined]
    rows = [(m, access.can(viewer, "membership.change", m.unit)) for m in memberships]
    context: dict[str, Any] = {
        "person": person,
        "memberships": rows,
        "history": None,
        **bound,
    }
    if access.can(viewer, "audit.view", person):
        context["history"] = describe(AuditEntry.objects.for_object(person)[:HISTORY_LIMIT])
    if "edit_form" not in context and access.can(viewer, "user.change", person):
        context["edit_form"] = UserEditForm(
            initial={
                "version": person.version,
                "name": person.name,
                "email": person.email,
                "title": person.title,
                "home_unit": person.home_unit.code if person.home_unit else "",
                "is_active": person.is_active,
            }
        )
    if "grant_form" not in context and access.can_anywhere(viewer, "membership.change"):
        context["grant_form"] = GrantRoleForm()
    return render(request, "core/user.html", context, status=status)


@login_required
@require_GET
def user_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _user_page(request, _person_for(request, pk))


@login_required
@require_POST
def user_edit(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person_for(request, pk)
    access.require(_user(request), "user.change", person)
    form = UserEditForm(request.POST)
    if form.is_valid():
        changes = _changes(person, form.cleaned_data, ("name", "email", "title", "home_unit", "is_active"))
        if form.cleaned_data["password"]:
            changes["password"] = form.cleaned_data["password"]
        try:
            people.update_user(person.pk, by=_user(request), version=form.cleaned_data["version"], **changes)
        except (ValidationError, StaleWrite) as exc:
            _apply_errors(form, exc)
        except PermissionDenied:
            form.add_error("home_unit", _("You may not move people to that unit."))
        else:
            messages.success(request, _("The changes were saved."))
            return redirect(person)
    return _user_page(request, person, status=400, edit_form=form)


@login_required
@require_POST
def user_grant(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person_for(request, pk)
    _require_anywhere(request, "membership.change")
    form = GrantRoleForm(request.POST)
    if form.is_valid():
        unit, role = form.cleaned_data["unit"], form.cleaned_data["role"]
        try:
            people.grant_role(by=_user(request), user=person, unit=unit, role=role)
        except ValidationError as exc:
            _apply_errors(form, exc)
        except PermissionDenied:
            form.add_error("unit", _("You may not grant roles on that unit."))
        else:
            label = Role(role).label
            messages.success(request, _("Granted %(role)s on %(unit)s.") % {"role": label, "unit": unit.name})
            return redirect(person)
    return _user_page(request, person, status=400, grant_form=form)


@login_required
@require_POST
def membership_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = _user(request)
    visible = Membership.objects.visible_to(viewer, "membership.view") | Membership.objects.filter(
        user=viewer
    )
    membership: Membership = get_object_or_404(visible.select_related("unit", "user"), pk=pk)
    access.require(viewer, "membership.change", membership.unit)
    people.revoke_role(membership.pk, by=viewer)
    messages.success(
        request,
        _("Revoked %(role)s on %(unit)s.")
        % {"role": membership.get_role_display(), "unit": membership.unit.name},
    )
    return HttpResponseRedirect(membership.user.get_absolute_url())


# ---- the audit log ------------------------------------------------------------------------


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


@login_required
@require_GET
def audit_log(request: HttpRequest) -> HttpResponse:
    """Search the log where the user may read it (admins and quality coordinators)."""
    _require_anywhere(request, "audit.view")
    form = AuditFilterForm(request.GET or None)
    entries: QuerySet[AuditEntry] = AuditEntry.objects.none()
    if not form.is_bound or form.is_valid():
        data = form.cleaned_data if form.is_bound else {}
        actor: User | None = data.get("actor")
        since: dt.date | None = data.get("since")
        until: dt.date | None = data.get("until")
        entries = AuditEntry.objects.visible_to(_user(request), "audit.view").matching(
            object_type=data.get("object_type") or None,
            object_id=data.get("object_id") or None,
            actor=actor.pk if actor else None,
            since=_day_start(since) if since else None,
            until=_day_start(until + dt.timedelta(days=1)) if until else None,
        )
    page = _paginate(request, entries.order_by("-seq"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "described": describe(page.object_list),
        "query": query.urlencode(),
    }
    return render(request, "core/audit_log.html", context)


# ---- page feedback --------------------------------------------------------------------------


@require_POST
def page_feedback(request: HttpRequest) -> HttpResponse:
    """Record "Hade du nytta av innehållet?" from any page footer, signed in or not.

    htmx gets the footer's feedback part back (200 also when refused, so it is shown);
    without JavaScript the answer redirects back to the page with a message.
    """
    form = FeedbackForm(request.POST)
    refusal = ""
    if form.is_valid():
        try:
            page = feedback.page_for(form.cleaned_data["page"])
            feedback.record(
                page,
                useful=form.cleaned_data["useful"],
                comment=form.cleaned_data["comment"],
                by=request.user,
                client=request.META.get("REMOTE_ADDR", ""),
            )
        except feedback.UnknownPage:
            return HttpResponse(_("Unknown page."), status=400, content_type="text/plain; charset=utf-8")
        except feedback.RateLimited as exc:
            refusal = str(exc)
        except ValidationError as exc:
            _apply_errors(form, exc)
    next_url = form.data.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        next_url = ""
    saved = form.is_valid() and not refusal
    if _is_htmx(request):
        context = {"form": form, "thanks": saved, "refusal": refusal, "token": form.data.get("page", "")}
        return render(request, "includes/page_feedback.html", {**context, "next_url": next_url})
    if saved:
        messages.success(request, _("Thank you for your answer."))
    elif refusal:
        messages.error(request, refusal)
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    if not next_url:
        return HttpResponse(status=204 if saved else 400)
    return HttpResponseRedirect(next_url)
