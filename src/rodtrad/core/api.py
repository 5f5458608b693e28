"""REST API for units, people, roles, the audit log and notifications."""

import datetime as dt
from typing import Annotated, Any

from django.db.models import Q
from django.http import HttpRequest, JsonResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import StrictBool

from rodtrad.core.models import AuditEntry, Membership, Notification, Role, Unit, User
from rodtrad.core.schemas import (
    BodyIn,
    ErrorOut,
    Id,
    Moment,
    Pagination,
    UnitRef,
    Version,
    caller,
    errors,
    inline_choices,
    resolve_id,
    text,
)
from rodtrad.core.services import feedback, org, people
from rodtrad.core.services import notifications as notes
from rodtrad.core.services.common import field_error
from rodtrad.core.tree import subtree

router = Router(tags=["organisation"])
UnitKind = Annotated[Unit.Kind, inline_choices(Unit.Kind, "UnitKind")]


class UnitOut(Schema):
    id: int
    code: str
    name: str
    kind: UnitKind
    parent: int | None = Field(None, description="Id of the parent unit; null for the top.")
    depth: int
    manager: int | None = Field(None, alias="manager_id")
    is_active: bool
    external_id: str | None
    version: int

    @staticmethod
    def resolve_parent(obj: Unit) -> int | None:
        return getattr(obj, "parent_ref", None)


class UnitIn(BodyIn):
    code: text(40, 1)  # type: ignore[valid-type]
    name: text(200, 1)  # type: ignore[valid-type]
    kind: UnitKind = Unit.Kind.ENHET
    parent: Id | None = None
    manager: Id | None = None
    external_id: text(100) | None = None  # type: ignore[valid-type]


class UnitPatch(BodyIn):
    version: Version
    code: text(40, 1) | None = None  # type: ignore[valid-type]
    name: text(200, 1) | None = None  # type: ignore[valid-type]
    kind: UnitKind | None = None
    parent: Id | None = None
    manager: Id | None = None
    is_active: bool | None = None
    external_id: text(100) | None = None  # type: ignore[valid-type]


class UnitFilter(Schema):
    q: text(100) | None = Field(None, description="Part of the name or code.")  # type: ignore[valid-type]
    parent: Id | None = None
    kind: UnitKind | None = None
    active: bool | None = None


class TreeNode(Schema):
    id: int
    code: str
    name: str
    kind: str
    is_active: bool
    children: list["TreeNode"]


TreeNode.model_rebuild()


class MembershipOut(Schema):
    id: int
    user: int = Field(alias="user_id")
    unit: UnitRef
    role: Role


class MembershipIn(BodyIn):
    user: Id
    unit: Id
    role: Role


class MembershipFilter(Schema):
    user: Id | None = None
    unit: Id | None = None
    role: Role | None = None


class UserOut(Schema):
    id: int
    username: str
    name: str
    email: str
    title: str
    home_unit: int | None = Field(None, alias="home_unit_id")
    is_active: bool
    version: int


class UserIn(BodyIn):
    username: text(150, 1)  # type: ignore[valid-type]
    name: text(200) = ""  # type: ignore[valid-type]
    email: text(254) = ""  # type: ignore[valid-type]
    title: text(200) = ""  # type: ignore[valid-type]
    home_unit: Id | None = None
    password: text(128) | None = None  # type: ignore[valid-type]


class UserPatch(BodyIn):
    version: Version
    name: text(200) | None = None  # type: ignore[valid-type]
    email: text(254) | None = None  # type: ignore[valid-type]
    title: text(200) | None = None  # type: ignore[valid-type]
    home_unit: Id | None = None
    is_active: bool | None = None
    password: text(128) | None = None  # type: ignore[valid-type]


class UserFilter(Schema):
    q: text(100) | None = None  # type: ignore[valid-type]
    unit: Id | None = Field(None, description="Users whose home unit is in this unit's subtree.")


class MeOut(UserOut):
    is_superuser: bool
    memberships: list[MembershipOut]

    @staticmethod
    def resolve_memberships(obj: User) -> list[Membership]:
        return list(obj.memberships.select_related("unit").order_by("unit__path", "role"))


class AuditOut(Schema):
    seq: int
    at: dt.datetime
    actor: int | None = Field(None, alias="actor_id")
    actor_label: str
    action: str
    object_type: str
    object_id: str
    object_label: str
    unit: int | None = Field(None, alias="unit_id")
    changes: dict[str, Any]
    hash: str
    prev_hash: str


class AuditFilter(Schema):
    object_type: text(80) | None = Field(None, description="e.g. core.unit")  # type: ignore[valid-type]
    object_id: text(64) | None = None  # type: ignore[valid-type]
    actor: Id | None = None
    unit: Id | None = None
    since: Moment | None = None
    until: Moment | None = None


class NotificationOut(Schema):
    id: int
    title: str
    body: str
    url: str
    created_at: dt.datetime
    read_at: dt.datetime | None


class ReadIn(BodyIn):
    id: Id | None = Field(None, description="One notification; all unread when left out.")


# ---- organisation ---------------------------------------------------------


class OrganisationOut(Schema):
    name: str
    vision: str
    motto: str
    unit_kind_labels: dict[str, str]
    version: int


class OrganisationPatch(BodyIn):
    version: Version
    name: text(200, 1) | None = None  # type: ignore[valid-type]
    vision: text(5000) | None = None  # type: ignore[valid-type]
    motto: text(300) | None = None  # type: ignore[valid-type]
    unit_kind_labels: dict[Unit.Kind, text(60, 1)] | None = Field(  # type: ignore[valid-type]
        None, description='Own names for the unit kinds, e.g. {"centrum": "Klinik"}.'
    )


@router.get("/organisation", response=OrganisationOut, tags=["organisation"])
def get_organisation(request: HttpRequest) -> Any:
    return org.get_organisation()


@router.patch(
    "/organisation", response={200: OrganisationOut, **errors(400, 403, 409)}, tags=["organisation"]
)
def update_organisation(request: HttpRequest, payload: OrganisationPatch) -> Any:
    """Rename the organisation, set its vision and motto, or name the unit kinds (admins of the top unit)."""
    changes = payload.dict(exclude_unset=True)
    version = changes.pop("version")
    for required, value in list(changes.items()):
        if value is None:
            raise field_error(required, "This field may not be null.")
    if "unit_kind_labels" in changes:
        changes["unit_kind_labels"] = {str(k): v for k, v in changes["unit_kind_labels"].items()}
    return org.update_organisation(by=caller(request), version=version, **changes)


# ---- units --------------------------------------------------------------


@router.get("/units", response=list[UnitOut])
@paginate(Pagination)
def list_units(request: HttpRequest, filters: Query[UnitFilter]) -> Any:
    qs = Unit.objects.visible_to(caller(request), "unit.view").with_parent().order_by("path")
    if filters.q:
        qs = qs.filter(Q(name__icontains=filters.q) | Q(code__icontains=filters.q))
    if filters.parent is not None:
        parent = Unit.objects.filter(pk=filters.parent).first()
        if parent is None:
            return qs.none()
        qs = qs.filter(path__startswith=parent.path, depth=parent.depth + 1)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.active is not None:
        qs = qs.filter(is_active=filters.active)
    return qs


def _unit_out(pk: int) -> Unit:
    unit: Unit = Unit.objects.with_parent().get(pk=pk)
    return unit


@router.post("/units", response={201: UnitOut, **errors(400, 403)})
def create_unit(request: HttpRequest, payload: UnitIn) -> Any:
    unit = org.create_unit(
        by=caller(request),
        name=payload.name,
        code=payload.code,
        kind=payload.kind,
        parent=resolve_id(Unit, payload.parent, "parent"),
        manager=resolve_id(User, payload.manager, "manager"),
        external_id=payload.external_id,
    )
    return Status(201, _unit_out(unit.pk))


@router.get("/units/{unit_id}", response={200: UnitOut, **errors(404)})
def get_unit(request: HttpRequest, unit_id: Id) -> Any:
    return get_object_or_404(Unit.objects.visible_to(caller(request), "unit.view").with_parent(), pk=unit_id)


@router.patch("/units/{unit_id}", response={200: UnitOut, **errors(400, 403, 404, 409)})
def update_unit(request: HttpRequest, unit_id: Id, payload: UnitPatch) -> Any:
    get_object_or_404(Unit, pk=unit_id)
    changes = payload.dict(exclude_unset=True)
    version = changes.pop("version")
    if "parent" in changes:
        if changes["parent"] is None:
            raise field_error("parent", "A unit cannot be moved to the top of the tree.")
        changes["parent"] = resolve_id(Unit, changes["parent"], "parent")
    if "manager" in changes:
        changes["manager"] = resolve_id(User, changes["manager"], "manager")
    for required in ("code", "name", "kind", "is_active"):
        if required in changes and changes[required] is None:
            raise field_error(required, "This field may not be null.")
    unit = org.update_unit(unit_id, by=caller(request), version=version, **changes)
    return _unit_out(unit.pk)


@router.delete("/units/{unit_id}", response={200: UnitOut, 204: None, **errors(400, 403, 404, 409)})
def delete_unit(request: HttpRequest, unit_id: Id, version: Version | None = None) -> Any:
    """Delete an unused unit (204); a unit with records is deactivated instead (200)."""
    get_object_or_404(Unit, pk=unit_id)
    unit = org.delete_unit(unit_id, by=caller(request), version=version)
    if unit is None:
        return Status(204, None)
    return Status(200, _unit_out(unit.pk))


@router.get("/units/{unit_id}/tree", response={200: TreeNode, **errors(404)})
def unit_tree(
    request: HttpRequest,
    unit_id: Id,
    depth: int | None = Query(None, ge=1, le=50),  # type: ignore[type-arg]
) -> Any:
    """The unit and its subtree as nested nodes, optionally limited to ``depth`` levels."""
    unit = get_object_or_404(Unit.objects.visible_to(caller(request), "unit.view"), pk=unit_id)
    # Serialised here, not through TreeNode: validating 2,000 nested nodes cost most of the request.
    return JsonResponse(
        subtree(unit, depth), json_dumps_params={"ensure_ascii": False, "separators": (",", ":")}
    )


# ---- people ---------------------------------------------------------------


@router.get("/me", response=MeOut)
def me(request: HttpRequest) -> Any:
    return caller(request)


def _visible_users(user: User) -> Any:
    return User.objects.visible_to(user, "user.view") | User.objects.filter(pk=user.pk)


@router.get("/users", response=list[UserOut])
@paginate(Pagination)
def list_users(request: HttpRequest, filters: Query[UserFilter]) -> Any:
    qs = _visible_users(caller(request)).order_by("username")
    if filters.q:
        qs = qs.filter(Q(username__icontains=filters.q) | Q(name__icontains=filters.q))
    if filters.unit is not None:
        unit = Unit.objects.filter(pk=filters.unit).first()
        if unit is None:
            return qs.none()
        qs = qs.filter(home_unit__path__startswith=unit.path)
    return qs


@router.post("/users", response={201: UserOut, **errors(400, 403)})
def create_user(request: HttpRequest, payload: UserIn) -> Any:
    user = people.create_user(
        by=caller(request),
        username=payload.username,
        name=payload.name,
        email=payload.email,
        title=payload.title,
        home_unit=resolve_id(Unit, payload.home_unit, "home_unit"),
        password=payload.password,
    )
    return Status(201, user)


@router.get("/users/{user_id}", response={200: UserOut, **errors(404)})
def get_user(request: HttpRequest, user_id: Id) -> Any:
    return get_object_or_404(_visible_users(caller(request)), pk=user_id)


@router.patch("/users/{user_id}", response={200: UserOut, **errors(400, 403, 404, 409)})
def update_user(request: HttpRequest, user_id: Id, payload: UserPatch) -> Any:
    get_object_or_404(_visible_users(caller(request)), pk=user_id)
    changes = payload.dict(exclude_unset=True)
    version = changes.pop("version")
    if "home_unit" in changes:
        changes["home_unit"] = resolve_id(Unit, changes["home_unit"], "home_unit")
    for required in ("name", "email", "title", "is_active"):
        if required in changes and changes[required] is None:
            raise field_error(required, "This field may not be null.")
    return people.update_user(user_id, by=caller(request), version=version, **changes)


# ---- memberships ---------------------------------------------------------


def _visible_memberships(user: User) -> Any:
    return (
        Membership.objects.visible_to(user, "membership.view") | Membership.objects.filter(user=user)
    ).select_related("unit")


@router.get("/memberships", response=list[MembershipOut])
@paginate(Pagination)
def list_memberships(request: HttpRequest, filters: Query[MembershipFilter]) -> Any:
    qs = _visible_memberships(caller(request)).order_by("unit__path", "user_id", "role")
    if filters.user is not None:
        qs = qs.filter(user_id=filters.user)
    if filters.unit is not None:
        qs = qs.filter(unit_id=filters.unit)
    if filters.role is not None:
        qs = qs.filter(role=filters.role)
    return qs


@router.post("/memberships", response={201: MembershipOut, **errors(400, 403)})
def create_membership(request: HttpRequest, payload: MembershipIn) -> Any:
    membership = people.grant_role(
        by=caller(request),
        user=resolve_id(User, payload.user, "user"),
        unit=resolve_id(Unit, payload.unit, "unit"),
        role=payload.role,
    )
    return Status(201, membership)


@router.delete("/memberships/{membership_id}", response={204: None, **errors(403, 404)})
def delete_membership(request: HttpRequest, membership_id: Id) -> Any:
    get_object_or_404(_visible_memberships(caller(request)), pk=membership_id)
    people.revoke_role(membership_id, by=caller(request))
    return Status(204, None)


# ---- audit and notifications -----------------------------------------------


@router.get("/audit", response=list[AuditOut], tags=["audit"])
@paginate(Pagination)
def list_audit(request: HttpRequest, filters: Query[AuditFilter]) -> Any:
    """The audit log, newest first, limited to the units where the caller may read it."""
    visible = AuditEntry.objects.visible_to(caller(request), "audit.view")
    return visible.matching(**filters.dict()).order_by("-seq")


@router.get("/notifications", response=list[NotificationOut], tags=["notifications"])
@paginate(Pagination)
def list_notifications(request: HttpRequest, unread: bool = False) -> Any:
    qs = Notification.objects.filter(user=caller(request))
    return qs.filter(read_at__isnull=True) if unread else qs


@router.post("/notifications/read", response={200: dict[str, int]}, tags=["notifications"])
def read_notifications(request: HttpRequest, payload: ReadIn) -> Any:
    return {"marked": notes.mark_read(caller(request), payload.id)}


# ---- page feedback ----------------------------------------------------------


class FeedbackIn(BodyIn):
    token: text(2000, 1) = Field(description="The page's feedback token, e.g. from GET /public/values.")  # type: ignore[valid-type]
    useful: StrictBool = Field(description="Hade du nytta av innehållet?")
    comment: text(feedback.COMMENT_MAX) = ""  # type: ignore[valid-type]


class FeedbackOut(Schema):
    detail: str


@router.post(
    "/feedback",
    auth=None,
    response={201: FeedbackOut, **errors(400), 429: ErrorOut},
    tags=["public"],
)
def page_feedback(request: HttpRequest, payload: FeedbackIn) -> Any:
    """Answer "Hade du nytta av innehållet?" for a published page, signed in or not.

    400 for a token no page of this server issued; 429 when one client (a signed-in person, or a
    visitor's address) answers too often on one page, while answers from others still count.
    """
    try:
        page = feedback.page_for(payload.token)
    except feedback.UnknownPage:
        raise field_error("token", _("Unknown page.")) from None
    try:
        feedback.record(
            page,
            useful=payload.useful,
            comment=payload.comment,
            by=request.user,
            client=request.META.get("REMOTE_ADDR", ""),
        )
    except feedback.RateLimited as exc:
        return Status(429, {"detail": str(exc)})
    return Status(201, {"detail": _("Thank you for your answer.")})
