"""Governing and reporting documents: metadata, versions, review, approval, reading and reminders."""

from __future__ import annotations

import datetime as dt
from functools import reduce
from operator import or_
from typing import Any

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from rodtrad.core import access
from rodtrad.core.models import Unit, User, VersionedModel

LEVELS = [(n, str(n)) for n in range(5)]
REVIEW_WARNING_DAYS = 30


class DocumentType(models.Model):
    """A kind of document (policy, rutin, årsredovisning …) with its default review interval."""

    class Kind(models.TextChoices):
        GOVERNING = "governing", _("Governing")
        REPORTING = "reporting", _("Reporting")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=100, unique=True)
    review_months = models.PositiveSmallIntegerField(_("review interval (months)"), default=24)

    class Meta:
        verbose_name = _("document type")
        verbose_name_plural = _("document types")
        ordering = ["kind", "name"]

    def __str__(self) -> str:
        return self.name


class DocumentNumberSeries(models.Model):
    """The last document number used per year; writers lock its row, so numbers never repeat."""

    year = models.PositiveSmallIntegerField(unique=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class DocumentQuerySet(models.QuerySet["Document"]):
    def visible_to(self, user: Any) -> DocumentQuerySet:
        """The one rule for who may see a document; lists, counts and details all use it.

        Published documents by classification: K0 everyone (also anonymous), K1–2 every
        signed-in person, K3 members of the scope unit's subtree (any role, also held above
        it), K4 only named readers. Unpublished (and withdrawn) documents: editors, quality
        coordinators and approvers of the scope, the owner and the named reviewers; K4 ones
        only if they are also named readers. The owner always sees their document.
        """
        published = Q(published_version__isnull=False)
        if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
            return self.filter(published, classification_k=0)
        named = Q(pk__in=DocumentReader.objects.filter(user=user).values("document_id"))
        by_class = Q(classification_k__lte=2) | Q(classification_k=3) & _members(user) | named
        editors = _in_subtrees(access.subtree_paths(user, "document.view_draft"))
        reviewer = Q(pk__in=ReviewAssignment.objects.filter(reviewer=user).values("version__document_id"))
        return self.filter(
            published & by_class | editors & (Q(classification_k__lte=3) | named) | reviewer | Q(owner=user)
        )

    def in_subtree(self, unit: Unit) -> DocumentQuerySet:
        return self.filter(unit__path__startswith=unit.path)

    def applying_to(self, unit: Unit) -> DocumentQuerySet:
        """What people in ``unit`` are to follow: documents scoped to it, to a unit above it, or
        to the whole organisation (a scope covers its subtree)."""
        above = [unit.path[:end] for end in range(Unit.steplen, len(unit.path) + 1, Unit.steplen)]
        return self.filter(Q(unit__isnull=True) | _units_where(Q(path__in=above)))

    def due_for_review(self, today: dt.date, within_days: int = REVIEW_WARNING_DAYS) -> DocumentQuerySet:
        """Published documents whose review date has passed or falls within ``within_days``."""
        return self.filter(
            status=Document.Status.PUBLISHED, review_by__lte=today + dt.timedelta(days=within_days)
        )

    def overdue(self, today: dt.date) -> DocumentQuerySet:
        return self.filter(status=Document.Status.PUBLISHED, review_by__lt=today)


def _in_subtrees(tops: list[str] | None) -> Q:
    """Documents whose scope lies in one of the subtrees (None: everywhere, also organisation-wide)."""
    if tops is None:
        return Q()
    if not tops:
        return Q(pk__in=[])
    return _units_where(reduce(or_, (Q(path__startswith=top) for top in tops)))


def _members(user: Any) -> Q:
    """Documents whose scope subtree the user belongs to: a role on the scope, above it or below it."""
    tops = access.subtree_paths(user, "view")
    if tops is None:
        return Q()
    if not tops:
        return Q(pk__in=[])
    ancestors = {top[:end] for top in tops for end in range(Unit.steplen, len(top) + 1, Unit.steplen)}
    paths = reduce(or_, (Q(path__startswith=top) for top in tops), Q(path__in=ancestors))
    return _units_where(paths) | Q(unit__isnull=True)


def _units_where(paths: Q) -> Q:
    """Documents scoped to the units matching ``paths``: a subquery the database runs once, so
    filtering thousands of documents (every search hit) needs no join to the unit table per row."""
    return Q(unit_id__in=Unit.objects.filter(paths).values("pk"))


class Document(VersionedModel):
    """A governing or reporting document with the metadata block of the regions' own documents.

    The workflow runs on the working (latest) version and ``status`` mirrors it:

    - draft → review (submit with named reviewers) or → awaiting approval (submit without)
    - review → awaiting approval (when every reviewer has marked their review done)
    - awaiting approval → approved (the approver's decision, with time) or → draft (sent back)
    - approved → published (the previous published version becomes superseded)
    - published → draft (a new revision, a copy of the published version, is started)
    - any state with a published version → withdrawn (with a reason); withdrawn is final

    Only :mod:`rodtrad.documents.services` changes the state.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        REVIEW = "review", _("In review")
        APPROVAL = "approval", _("Awaiting approval")
        APPROVED = "approved", _("Approved")
        PUBLISHED = "published", _("Published")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    number = models.CharField(_("document number"), max_length=20, unique=True)
    title = models.CharField(_("title"), max_length=300)
    type = models.ForeignKey(
        DocumentType, verbose_name=_("type"), on_delete=models.PROTECT, related_name="documents"
    )
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("scope"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="documents",
        help_text=_("The unit and its subtree the document applies to; empty for the whole organisation."),
    )
    author = models.ForeignKey(
        User, verbose_name=_("author"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    author_body = models.CharField(_("author (body)"), max_length=200, blank=True)
    approver = models.ForeignKey(
        User, verbose_name=_("approver"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approver_body = models.CharField(_("approver (body)"), max_length=200, blank=True)
    owner = models.ForeignKey(
        User,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="owned_documents",
    )
    contact = models.ForeignKey(
        User, verbose_name=_("contact"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    review_by = models.DateField(_("review by"), null=True, blank=True)
    classification_k = models.PositiveSmallIntegerField(_("confidentiality (K)"), choices=LEVELS, default=1)
    classification_r = models.PositiveSmallIntegerField(_("integrity (R)"), choices=LEVELS, default=1)
    classification_t = models.PositiveSmallIntegerField(_("availability (T)"), choices=LEVELS, default=1)
    classification_s = models.PositiveSmallIntegerField(_("traceability (S)"), choices=LEVELS, default=1)
    classification_scheme = models.CharField(_("classification scheme"), max_length=60, default="KLASSA")
    keywords = models.JSONField(_("keywords"), default=list, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    published_version = models.ForeignKey(
        "DocumentVersion",
        verbose_name=_("published version"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    read_version = models.ForeignKey(
        "DocumentVersion",
        verbose_name=_("version to confirm"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Readers must confirm this version or a later one."),
    )
    read_roles = models.CharField(
        _("roles asked to read"),
        max_length=200,
        blank=True,
        help_text=_("Comma-delimited (',editor,reader,') for a lookup every database supports; empty: all."),
    )
    withdrawn_reason = models.TextField(_("reason for withdrawal"), blank=True)

    objects = DocumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["number"]
        indexes = [
            models.Index(fields=["status", "review_by"], name="documents_review_idx"),
            # "Att revidera" on Min sida: an owner's own due documents, without scanning everyone's.
            models.Index(fields=["owner", "status", "review_by"], name="documents_owner_review_idx"),
            models.Index(fields=["classification_k"], name="documents_class_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(classification_k__lte=4)
                & Q(classification_r__lte=4)
                & Q(classification_t__lte=4)
                & Q(classification_s__lte=4),
                name="documents_classification_levels",
                violation_error_message=_("Classification levels run from 0 to 4."),
            ),
            models.CheckConstraint(
                condition=Q(review_by__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(review_by__gte=models.F("valid_from")),
                name="documents_review_after_valid_from",
                violation_error_message=_("The review date cannot come before the valid-from date."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def read_role_list(self) -> list[str]:
        return [role for role in self.read_roles.split(",") if role]

    @staticmethod
    def join_roles(roles: list[str]) -> str:
        return f",{','.join(roles)}," if roles else ""


class DocumentReference(models.Model):
    """A requirement the document answers, e.g. ISO 9001 5.2 or SOSFS 2011:9 (no clause)."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="references")
    source = models.CharField(_("source"), max_length=100)
    clause = models.CharField(_("clause"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("requirement reference")
        verbose_name_plural = _("requirement references")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.source} {self.clause}".strip()


class DocumentReader(models.Model):
    """A person named to read a K4 document; nobody else may."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="readers")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("named reader")
        verbose_name_plural = _("named readers")
        constraints = [
            models.UniqueConstraint(
                fields=["document", "user"],
                name="documents_reader_unique",
                violation_error_message=_("The person is already a named reader."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.document.number}"


class PublishedVersion(Exception):
    """A published version never changes; start a new revision instead."""


class DocumentVersion(models.Model):
    """One version's content: Markdown (and its sanitised HTML) and/or an uploaded file.

    A version is frozen once published: :meth:`save` refuses any change to it except the
    move to superseded or withdrawn, so no code path can edit what readers confirmed.
    """

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        REVIEW = "review", _("In review")
        APPROVAL = "approval", _("Awaiting approval")
        APPROVED = "approved", _("Approved")
        PUBLISHED = "published", _("Published")
        SUPERSEDED = "superseded", _("Superseded")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    FROZEN = frozenset({State.PUBLISHED, State.SUPERSEDED, State.WITHDRAWN})
    _stored_state: str | None = None

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("number"))
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.DRAFT)
    content = models.TextField(_("content (Markdown)"), blank=True)
    html = models.TextField(_("content (HTML)"), blank=True)
    file = models.FileField(_("file"), upload_to="documents/%Y/", blank=True)
    file_name = models.CharField(_("file name"), max_length=255, blank=True)
    file_size = models.PositiveBigIntegerField(_("file size"), default=0)
    file_text = models.TextField(_("text of the file"), blank=True, help_text=_("Extracted for search."))
    source_hash = models.CharField(
        _("source hash"),
        max_length=64,
        blank=True,
        db_index=True,
        help_text=_("SHA-256 of the imported file, so importing it again creates nothing."),
    )
    change_note = models.TextField(_("change note"), blank=True)
    substantial = models.BooleanField(
        _("substantial change"), default=False, help_text=_("Readers are asked to confirm again.")
    )
    author = models.ForeignKey(
        User, verbose_name=_("author"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    decided_by = models.ForeignKey(
        User,
        verbose_name=_("approved by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    decision_comment = models.TextField(_("decision comment"), blank=True)
    published_by = models.ForeignKey(
        User,
        verbose_name=_("published by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    class Meta:
        verbose_name = _("document version")
        verbose_name_plural = _("document versions")
        ordering = ["document", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["document", "number"],
                name="documents_version_unique",
                violation_error_message=_("The document already has a version with this number."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.document_id} v{self.number}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        stored = getattr(self, "_stored_state", None)
        if stored in self.FROZEN:
            update_fields = kwargs.get("update_fields")
            leaving = self.state in self.FROZEN and self.state != stored
            if not (leaving and update_fields is not None and set(update_fields) <= {"state"}):
                raise PublishedVersion(_("A published version cannot be changed."))
        super().save(*args, **kwargs)
        self._stored_state = self.state

    @classmethod
    def from_db(cls, db: Any, field_names: Any, values: Any) -> DocumentVersion:
        obj = super().from_db(db, field_names, values)
        obj._stored_state = obj.state if "state" in field_names else None
        return obj


class ReviewAssignment(models.Model):
    """A named reviewer of one version: their comment and when they marked the review done."""

    version = models.ForeignKey(DocumentVersion, on_delete=models.CASCADE, related_name="reviews")
    reviewer = models.ForeignKey(User, verbose_name=_("reviewer"), on_delete=models.CASCADE, related_name="+")
    comment = models.TextField(_("comment"), blank=True)
    done_at = models.DateTimeField(_("review done"), null=True, blank=True)

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        constraints = [
            models.UniqueConstraint(
                fields=["version", "reviewer"],
                name="documents_review_unique",
                violation_error_message=_("The person already reviews this version."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.reviewer} – {self.version}"


class ReadRequirement(models.Model):
    """A unit (with its subtree) whose members, in the document's ``read_roles``, must read it."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="read_requirements")
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("read requirement")
        verbose_name_plural = _("read requirements")
        constraints = [models.UniqueConstraint(fields=["document", "unit"], name="documents_readreq_unique")]

    def __str__(self) -> str:
        return f"{self.document_id} – {self.unit_id}"


class ReadReceipt(models.Model):
    """A person's confirmation that they have read one published version (läskvittens)."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="receipts")
    version = models.ForeignKey(DocumentVersion, on_delete=models.CASCADE, related_name="receipts")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    at = models.DateTimeField(_("confirmed"), auto_now_add=True)

    class Meta:
        verbose_name = _("read receipt")
        verbose_name_plural = _("read receipts")
        constraints = [
            models.UniqueConstraint(
                fields=["version", "user"],
                name="documents_receipt_unique",
                violation_error_message=_("You have already confirmed reading this version."),
            )
        ]
        indexes = [models.Index(fields=["user", "document"], name="documents_receipt_user_idx")]

    def __str__(self) -> str:
        return f"{self.user_id} read {self.version}"


class ReviewReminder(models.Model):
    """A review reminder already sent, so the daily job never sends the same one twice."""

    class Threshold(models.TextChoices):
        SOON = "soon", _("Review due within 30 days")
        PASSED = "passed", _("Review date passed")

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="+")
    threshold = models.CharField(max_length=10, choices=Threshold.choices)
    review_by = models.DateField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["document", "threshold", "review_by"], name="documents_reminder_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.document_id} {self.threshold} {self.review_by}"


class SearchEntry(models.Model):
    """A document's searchable text, kept by the services and read by :mod:`rodtrad.documents.search`.

    ``body`` is the current text (the published version's, else the working one's), kept
    here for snippets. The ``*_terms`` columns are what the index reads: lower-case words
    on PostgreSQL, which stems them with its ``swedish`` configuration (an expression GIN
    index), and Snowball stems on SQLite, mirrored by triggers into an FTS5 table
    (migration 0003). Both split words the same way, so both find the same documents.
    """

    document = models.OneToOneField(
        Document, primary_key=True, on_delete=models.CASCADE, related_name="search_entry"
    )
    title = models.TextField(_("title"))
    metadata = models.TextField(_("metadata"), blank=True)
    body = models.TextField(_("text"), blank=True)
    title_terms = models.TextField(blank=True)
    metadata_terms = models.TextField(blank=True)
    body_terms = models.TextField(blank=True)

    class Meta:
        verbose_name = _("search entry")
        verbose_name_plural = _("search entries")

    def __str__(self) -> str:
        return self.title


class SearchGeneration(models.Model):
    """One row whose value changes with every change to the search index (database triggers,
    migration 0004): a ranking cached for one value is never served for another state.

    The triggers write a fresh random (SQLite) or sequence (PostgreSQL) value rather than
    counting up, so a rolled-back write cannot bring back a value a different index had.
    """

    value = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return str(self.value)
