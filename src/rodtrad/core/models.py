"""Organisation tree, people, roles, audit log, tokens and notifications."""

from __future__ import annotations

from typing import Any, ClassVar, Self

from django.contrib.auth.models import AbstractUser, UserManager
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import OuterRef, Subquery
from django.db.models.functions import Length, Substr
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from treebeard.mp_tree import MP_Node, MP_NodeManager, MP_NodeQuerySet


class VersionedModel(models.Model):
    """A writable record: ``version`` grows on each change so stale writes are refused."""

    version = models.PositiveIntegerField(_("version"), default=1)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True


class ScopedQuerySet(models.QuerySet[Any]):
    """Querysets of records that belong to a unit; access goes through ``visible_to``.

    ``unit_path_lookup`` names the path of the owning unit, e.g. ``unit__path``; ``view_action`` is
    the action that reading needs, and ``own_field`` names the person (e.g. the reporter) who sees
    their own rows wherever they lie.
    """

    unit_path_lookup: ClassVar[str] = "unit__path"
    view_action: ClassVar[str] = "view"
    own_field: ClassVar[str | None] = None

    def visible_to(self, user: Any, action: str | None = None) -> Self:
        from rodtrad.core import access

        own = self.own_field if action is None else None
        return access.restrict(  # type: ignore[return-value]
            self, user, action or self.view_action, self.unit_path_lookup, own
        )


class Organisation(VersionedModel):
    """The one organisation of an installation: its name, vision and motto."""

    name = models.CharField(_("name"), max_length=200)
    vision = models.TextField(_("vision"), blank=True)
    motto = models.CharField(_("motto"), max_length=300, blank=True)
    profile = models.CharField(_("demo profile"), max_length=40, blank=True)
    unit_kind_labels = models.JSONField(
        _("unit kind labels"),
        default=dict,
        blank=True,
        help_text=_("Own names for the unit kinds, e.g. {'centrum': 'Klinik'}."),
    )

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name

    def kind_label(self, kind: str) -> str:
        labels: dict[str, str] = self.unit_kind_labels
        return labels.get(kind) or str(Unit.Kind(kind).label)


class UnitQuerySet(MP_NodeQuerySet, ScopedQuerySet):  # type: ignore[misc]
    unit_path_lookup = "path"

    def active(self) -> UnitQuerySet:
        return self.filter(is_active=True)

    def in_subtree(self, unit: Unit) -> UnitQuerySet:
        return self.filter(path__startswith=unit.path)

    def with_parent(self) -> UnitQuerySet:
        """Annotate ``parent_ref`` (the parent's id) in the same query, via the path index."""
        parent = Unit.objects.filter(
            path=Substr(OuterRef("path"), 1, Length(OuterRef("path")) - Unit.steplen)
        ).values("pk")[:1]
        annotated: UnitQuerySet = self.annotate(parent_ref=Subquery(parent))
        return annotated


class UnitManager(MP_NodeManager.from_queryset(UnitQuerySet)):  # type: ignore[misc]
    def get_queryset(self) -> UnitQuerySet:
        return UnitQuerySet(self.model, using=self._db).order_by("path")  # type: ignore[no-any-return]


class Unit(MP_Node, VersionedModel):
    """A node of the organisation tree (region, förvaltning, centrum, enhet).

    Roles held on a unit reach its whole subtree. A unit with records is
    deactivated, never deleted.
    """

    class Kind(models.TextChoices):
        REGION = "region", _("Region")
        FORVALTNING = "forvaltning", _("Förvaltning")
        CENTRUM = "centrum", _("Centrum")
        ENHET = "enhet", _("Enhet")

    steplen = 4
    name = models.CharField(_("name"), max_length=200)
    code = models.CharField(_("code"), max_length=40, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.ENHET)
    manager = models.ForeignKey(
        "core.User",
        verbose_name=_("manager"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="managed_units",
    )
    is_active = models.BooleanField(_("active"), default=True)
    external_id = models.CharField(_("external id"), max_length=100, null=True, blank=True, unique=True)

    objects = UnitManager()

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        indexes = [
            models.Index(fields=["name"], name="core_unit_name_idx"),
            # Subtree filters are `path LIKE 'prefix%'`; PostgreSQL uses an index for that only
            # with the pattern operator class (or a C collation).
            models.Index(
                fields=["path"], name="core_unit_path_prefix_idx", opclasses=["varchar_pattern_ops"]
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    def get_absolute_url(self) -> str:
        return reverse("core:unit", args=[self.pk])


class UserQuerySet(ScopedQuerySet):
    unit_path_lookup = "home_unit__path"


class RodtradUserManager(UserManager.from_queryset(UserQuerySet)):  # type: ignore[misc]
    pass


class User(AbstractUser):
    """A person: name, e-mail, title and home unit. Roles come from memberships."""

    first_name = None  # type: ignore[assignment,misc]
    last_name = None  # type: ignore[assignment,misc]
    name = models.CharField(_("name"), max_length=200, blank=True)
    title = models.CharField(_("title"), max_length=200, blank=True)
    home_unit = models.ForeignKey(
        Unit,
        verbose_name=_("home unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="home_users",
    )
    version = models.PositiveIntegerField(_("version"), default=1)

    objects = RodtradUserManager()  # type: ignore[misc]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.name or self.username

    def get_absolute_url(self) -> str:
        return reverse("core:user", args=[self.pk])

    def get_full_name(self) -> str:
        return self.name or self.username

    def get_short_name(self) -> str:
        return self.name.split(" ")[0] if self.name else self.username


class Role(models.TextChoices):
    """Roles held on a unit; each reaches the unit's whole subtree."""

    READER = "reader", _("Reader")
    REPORTER = "reporter", _("Reporter")
    EDITOR = "editor", _("Editor")
    MANAGER = "manager", _("Manager")
    QUALITY = "quality", _("Quality coordinator")
    APPROVER = "approver", _("Approver")
    ADMIN = "admin", _("Administrator")


class Membership(models.Model):
    """A role held by a user on a unit and, through it, on the unit's subtree."""

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="memberships"
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(_("granted"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "unit", "role"],
                name="core_membership_unique",
                violation_error_message=_("The user already has this role on this unit."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} – {self.unit.code}"


class ApiToken(models.Model):
    """An API token; only its SHA-256 digest is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    digest = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=12)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"


class AuditAction(models.TextChoices):
    CREATE = "create", _("Created")
    UPDATE = "update", _("Updated")
    DELETE = "delete", _("Deleted")
    DEACTIVATE = "deactivate", _("Deactivated")
    MOVE = "move", _("Moved")
    GRANT = "grant", _("Role granted")
    REVOKE = "revoke", _("Role revoked")
    TOKEN = "token", _("Token created")
    GENERATE = "generate", _("Generated")
    READ = "read", _("Read")
    SUBMIT = "submit", _("Submitted")
    REVIEW = "review", _("Reviewed")
    APPROVE = "approve", _("Approved")
    REJECT = "reject", _("Sent back")
    PUBLISH = "publish", _("Published")
    WITHDRAW = "withdraw", _("Withdrawn")
    CONFIRM = "confirm", _("Reading confirmed")


class AuditEntryQuerySet(ScopedQuerySet):
    unit_path_lookup = "unit__path"

    def for_object(self, obj: models.Model) -> AuditEntryQuerySet:
        return self.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))

    def matching(
        self,
        *,
        object_type: str | None = None,
        object_id: str | None = None,
        actor: int | None = None,
        unit: int | None = None,
        since: Any = None,
        until: Any = None,
    ) -> AuditEntryQuerySet:
        """The search of the audit page and API; an unknown unit matches nothing."""
        qs = self
        if object_type:
            qs = qs.filter(object_type=object_type)
        if object_id:
            qs = qs.filter(object_id=object_id)
        if actor is not None:
            qs = qs.filter(actor_id=actor)
        if unit is not None:
            top = Unit.objects.filter(pk=unit).first()
            qs = qs.filter(unit__path__startswith=top.path) if top is not None else qs.none()
        if since:
            qs = qs.filter(at__gte=since)
        if until:
            qs = qs.filter(at__lt=until)
        return qs


class AuditEntry(models.Model):
    """One change, append-only and hash-chained to the entry before it.

    ``hash`` covers every field and ``prev_hash``, so editing or removing any
    entry breaks the chain, which ``rodtrad audit verify`` detects. Actor and
    unit are kept without database constraints so that no later change to
    them rewrites history.
    """

    seq = models.BigIntegerField(_("sequence"), unique=True)
    at = models.DateTimeField(_("time"))
    actor = models.ForeignKey(
        User,
        verbose_name=_("actor"),
        null=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    actor_label = models.CharField(_("actor"), max_length=200, blank=True)
    action = models.CharField(_("action"), max_length=20, choices=AuditAction.choices)
    object_type = models.CharField(_("object type"), max_length=80)
    object_id = models.CharField(_("object id"), max_length=64)
    object_label = models.CharField(_("object"), max_length=300, blank=True)
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("unit"),
        null=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    changes = models.JSONField(_("changes"), default=dict)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        ordering = ["-seq"]
        indexes = [
            models.Index(fields=["object_type", "object_id", "-seq"], name="core_audit_object_idx"),
            models.Index(fields=["actor", "-seq"], name="core_audit_actor_idx"),
            models.Index(fields=["unit", "-seq"], name="core_audit_unit_idx"),
            models.Index(fields=["at"], name="core_audit_at_idx"),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_type}:{self.object_id}"


class AuditHead(models.Model):
    """The chain's last sequence number and hash: the row writers lock in turn."""

    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="0" * 64)

    class Meta:
        verbose_name = _("audit chain head")

    def __str__(self) -> str:
        return f"#{self.seq} {self.hash[:12]}"


class Notification(models.Model):
    """An in-app notification; an e-mail copy is sent by a background task."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notifications")
    title = models.CharField(_("title"), max_length=300)
    body = models.TextField(_("text"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at", "-created_at"], name="core_notif_user_idx")]

    def __str__(self) -> str:
        return self.title


class DailyJobRun(models.Model):
    """Claims one daily job for one day, so several workers never run it twice."""

    name = models.CharField(max_length=100)
    day = models.DateField()
    claimed_by = models.CharField(max_length=100)
    claimed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["name", "day"], name="core_dailyjob_once_a_day")]

    def __str__(self) -> str:
        return f"{self.name} {self.day}"


class PageFeedback(models.Model):
    """An answer to "Hade du nytta av innehållet?" on any published page (document, value word …).

    The page is a generic relation, so every module shares one mechanism; ``unit`` is the
    page's unit, so the answers are read where the page's owners work.
    """

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    page = GenericForeignKey("content_type", "object_id")
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    useful = models.BooleanField(_("useful"))
    comment = models.TextField(_("comment"), blank=True)
    user = models.ForeignKey(
        User, verbose_name=_("user"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("page feedback")
        verbose_name_plural = _("page feedback")
        indexes = [
            models.Index(fields=["content_type", "object_id", "-created_at"], name="core_feedback_page_idx")
        ]

    def __str__(self) -> str:
        return f"{self.content_type_id}:{self.object_id} {'+' if self.useful else '-'}"
