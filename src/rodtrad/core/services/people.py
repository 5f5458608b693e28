"""People, roles and API tokens."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rodtrad.core import access
from rodtrad.core.access import Actor
from rodtrad.core.models import ApiToken, AuditAction, Membership, Role, Unit, User
from rodtrad.core.services import audit
from rodtrad.core.services.common import field_error as field_error
from rodtrad.core.services.common import lock
from rodtrad.core.services.notifications import notify

USER_FIELDS = ("username", "name", "email", "title", "home_unit", "is_active")


def _check_email(email: str) -> str:
    email = email.strip()
    if email:
        try:
            validate_email(email)
        except ValidationError as exc:
            raise field_error("email", _("Enter a valid e-mail address.")) from exc
    return email


def _set_password(user: User, password: str) -> None:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from exc
    user.set_password(password)


def _save(user: User) -> None:
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError as exc:  # a concurrent writer took the username first
        raise field_error("username", _("A user with this username already exists.")) from exc


def _require_user_admin(by: Actor, home_unit: Unit | None, action: str) -> None:
    if isinstance(by, access.System) or getattr(by, "is_superuser", False):
        return
    if home_unit is None or not access.can(by, action, home_unit):
        raise access.PermissionDenied(action)


@transaction.atomic
def create_user(
    *,
    by: Actor,
    username: str,
    name: str = "",
    email: str = "",
    title: str = "",
    home_unit: Unit | None = None,
    password: str | None = None,
    is_superuser: bool = False,
) -> User:
    """Add a person; without a password they can sign in only once one is set."""
    _require_user_admin(by, home_unit, "user.create")
    if is_superuser and not getattr(by, "is_superuser", False):
        raise access.PermissionDenied("user.create")
    username = username.strip()
    if not username:
        raise field_error("username", _("A username is needed."))
    if User.objects.filter(username__iexact=username).exists():
        raise field_error("username", _("A user with this username already exists."))
    user = User(
        username=username,
        name=name.strip(),
        email=_check_email(email),
        title=title.strip(),
        home_unit=home_unit,
        is_superuser=is_superuser,
        is_staff=is_superuser,
    )
    if password:
        _set_password(user, password)
    else:
        user.set_unusable_password()
    _save(user)
    audit.record(
        actor=by,
        action=AuditAction.CREATE,
        obj=user,
        unit=home_unit,
        changes=audit.diff({}, audit.snapshot(user, USER_FIELDS)),
    )
    return user


@transaction.atomic
def update_user(user_id: int, *, by: Actor, version: int | None, **changes: Any) -> User:
    user = lock(User, user_id, version)
    _require_user_admin(by, user.home_unit, "user.change")
    if "home_unit" in changes:
        _require_user_admin(by, changes["home_unit"], "user.change")
    password = changes.pop("password", None)
    unknown = set(changes) - set(USER_FIELDS)
    if unknown:
        raise field_error(sorted(unknown)[0], _("Unknown field."))
    if "email" in changes:
        changes["email"] = _check_email(changes["email"])
    if "username" in changes:
        changes["username"] = changes["username"].strip()
        if not changes["username"]:
            raise field_error("username", _("A username is needed."))
        if User.objects.filter(username__iexact=changes["username"]).exclude(pk=user.pk).exists():
            raise field_error("username", _("A user with this username already exists."))
    before = audit.snapshot(user, USER_FIELDS)
    for key, value in changes.items():
        setattr(user, key, value)
    change_set: dict[str, Any] = {}
    if password:
        _set_password(user, password)
        change_set["password"] = ["***", "***"]
    user.version += 1
    _save(user)
    change_set.update(audit.diff(before, audit.snapshot(user, USER_FIELDS)))
    audit.record(actor=by, action=AuditAction.UPDATE, obj=user, unit=user.home_unit, changes=change_set)
    return user


@transaction.atomic
def grant_role(*, by: Actor, user: User, unit: Unit, role: str) -> Membership:
    """Give ``user`` the ``role`` on ``unit`` and its subtree, and tell them."""
    if role not in Role.values:
        raise field_error("role", _("Unknown role: %(role)s.") % {"role": role})
    access.require(by, "membership.change", unit)
    if Membership.objects.filter(user=user, unit=unit, role=role).exists():
        raise field_error("role", _("The user already has this role on this unit."))
    try:
        with transaction.atomic():
            membership = Membership.objects.create(user=user, unit=unit, role=role)
    except IntegrityError as exc:  # granted by a concurrent writer in the meantime
        raise field_error("role", _("The user already has this role on this unit.")) from exc
    access.forget_grants(user)
    label = Role(role).label
    audit.record(
        actor=by,
        action=AuditAction.GRANT,
        obj=membership,
        unit=unit,
        changes={"user": [None, user.pk], "unit": [None, unit.pk], "role": [None, role]},
        label=f"{user} – {label} – {unit.code}",
    )
    notify(
        user,
        title=_("You now have the role %(role)s on %(unit)s") % {"role": label, "unit": unit.name},
        body=_("The role applies to %(unit)s and all units below it.") % {"unit": unit.name},
        url=unit.get_absolute_url(),
    )
    return membership


@transaction.atomic
def revoke_role(membership_id: int, *, by: Actor) -> None:
    membership = Membership.objects.select_for_update().select_related("user", "unit").get(pk=membership_id)
    access.require(by, "membership.change", membership.unit)
    audit.record(
        actor=by,
        action=AuditAction.REVOKE,
        obj=membership,
        unit=membership.unit,
        changes={
            "user": [membership.user_id, None],
            "unit": [membership.unit_id, None],
            "role": [membership.role, None],
        },
    )
    membership.delete()
    access.forget_grants(membership.user)


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def issue_token(user: User, *, by: Actor) -> str:
    """Create an API token and return it; only its digest is kept."""
    if not isinstance(by, access.System) and by.pk != user.pk:
        raise access.PermissionDenied("token")
    raw = "rt_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, digest=_digest(raw), prefix=raw[:10])
    audit.record(
        actor=by, action=AuditAction.TOKEN, obj=token, unit=user.home_unit, label=f"{token.prefix}… {user}"
    )
    return raw


@transaction.atomic
def revoke_token(token_id: int, *, by: Actor) -> None:
    token = ApiToken.objects.select_for_update().get(pk=token_id)
    if not isinstance(by, access.System) and by.pk != token.user_id:
        raise access.PermissionDenied("token")
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit.record(
        actor=by, action=AuditAction.REVOKE, obj=token, changes={"revoked_at": [None, token.revoked_at]}
    )


def user_for_token(raw: str) -> User | None:
    """The active user a valid, unrevoked token belongs to."""
    if not raw or len(raw) > 200:
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(digest=_digest(raw), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    return token.user if token else None
