"""Business rules for documents: the only code that writes them.

Each service runs in one transaction, checks the caller's rights through
:mod:`rodtrad.core.access`, writes the audit entry last and sends notifications
after commit.
"""

from __future__ import annotations

import calendar
import datetime as dt
import difflib
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

import nh3
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Count, F, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _
from markdown_it import MarkdownIt

from rodtrad.core import access
from rodtrad.core.access import Actor
from rodtrad.core.errors import IllegalTransition
from rodtrad.core.models import AuditAction, Membership, Role, Unit, User
from rodtrad.core.services import audit
from rodtrad.core.services.common import field_error, lock
from rodtrad.core.services.notifications import notify_many
from rodtrad.documents import importer, search
from rodtrad.documents.defaults import DEFAULT_TYPES
from rodtrad.documents.extract import BINARY_TYPES, SUPPORTED, UnreadableFile, extract_text
from rodtrad.documents.models import (
    Document,
    DocumentNumberSeries,
    DocumentReader,
    DocumentReference,
    DocumentType,
    DocumentVersion,
    ReadReceipt,
    ReadRequirement,
    ReviewAssignment,
)

Status = Document.Status
State = DocumentVersion.State

DOCUMENT_FIELDS = (
    "title",
    "type",
    "unit",
    "author",
    "author_body",
    "approver",
    "approver_body",
    "owner",
    "contact",
    "valid_from",
    "review_by",
    "classification_k",
    "classification_r",
    "classification_t",
    "classification_s",
    "classification_scheme",
    "keywords",
)
#: Files accepted as a version's content: extension and the bytes such a file starts with.
FILE_TYPES = {".pdf": b"%PDF-", ".docx": b"PK\x03\x04", ".odt": b"PK\x03\x04"}
_markdown = MarkdownIt("commonmark", {"html": False}).enable("table")


class FileTooLarge(Exception):
    """The uploaded file is over ``RODTRAD_DOCUMENT_MAX_BYTES`` (HTTP 413)."""


class UnsupportedFile(Exception):
    """The uploaded file is not a PDF, DOCX or ODT file (HTTP 415)."""


@transaction.atomic
def ensure_default_types(*, by: Actor) -> list[DocumentType]:
    """Create the standard document types that are missing; every installation starts with them."""
    for kind, name, months in DEFAULT_TYPES:
        doc_type, created = DocumentType.objects.get_or_create(
            name=name, defaults={"kind": kind, "review_months": months}
        )
        if created:
            audit.record(actor=by, action=AuditAction.CREATE, obj=doc_type)
    return list(DocumentType.objects.order_by("pk"))


def render_markdown(content: str) -> str:
    """Markdown to HTML with any script or raw HTML neutralised."""
    return nh3.clean(_markdown.render(content))


def add_months(day: dt.date, months: int) -> dt.date:
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _next_number(today: dt.date) -> str:
    """The next number of the year, e.g. DOK-2026-0001; the locked series row serialises writers."""
    try:
        with transaction.atomic():
            DocumentNumberSeries.objects.get_or_create(year=today.year)
    except IntegrityError:
        pass  # another writer created the row first
    series = DocumentNumberSeries.objects.select_for_update().get(year=today.year)
    series.last = F("last") + 1
    series.save(update_fields=["last"])
    series.refresh_from_db(fields=["last"])
    return f"DOK-{today.year}-{series.last:04d}"


def _check_dates(doc: Document) -> None:
    if doc.valid_from and doc.review_by and doc.review_by < doc.valid_from:
        message = _("The review date cannot come before the valid-from date.")
        raise ValidationError({"valid_from": [message], "review_by": [message]})


def _check_classification(doc: Document) -> None:
    for aspect in "krts":
        field = f"classification_{aspect}"
        if not 0 <= getattr(doc, field) <= 4:
            raise field_error(field, _("Classification levels run from 0 to 4."))


def _set_references(doc: Document, references: Iterable[tuple[str, str]]) -> list[str]:
    doc.references.all().delete()
    rows = [DocumentReference(document=doc, source=s.strip(), clause=c.strip()) for s, c in references]
    for row in rows:
        if not row.source:
            raise field_error("references", _("Each reference needs a source, e.g. ISO 9001."))
    DocumentReference.objects.bulk_create(rows)
    return [str(row) for row in rows]


def _set_readers(doc: Document, users: Iterable[User]) -> list[int]:
    doc.readers.all().delete()
    ids = sorted({u.pk for u in users})
    DocumentReader.objects.bulk_create([DocumentReader(document=doc, user_id=pk) for pk in ids])
    return ids


def _require_edit(by: Actor, doc: Document) -> None:
    if not access.can(by, "document.edit", doc):
        raise access.PermissionDenied("document.edit")


@transaction.atomic
def create_document(
    *,
    by: Actor,
    title: str,
    type: DocumentType,
    unit: Unit | None,
    content: str = "",
    references: Iterable[tuple[str, str]] = (),
    readers: Iterable[User] = (),
    **metadata: Any,
) -> Document:
    """Create a document with its first draft version; the number is given automatically."""
    doc = Document(title=title, type=type, unit=unit)
    _require_edit(by, doc)
    unknown = set(metadata) - set(DOCUMENT_FIELDS)
    if unknown:
        raise field_error(sorted(unknown)[0], _("Unknown field."))
    for key, value in metadata.items():
        setattr(doc, key, value)
    if not doc.title:
        raise field_error("title", _("The document needs a title."))
    if doc.owner is None and isinstance(by, User):
        doc.owner = by
    if doc.review_by is None:
        doc.review_by = add_months(doc.valid_from or timezone.localdate(), type.review_months)
    _check_dates(doc)
    _check_classification(doc)
    doc.number = _next_number(timezone.localdate())
    doc.save()
    refs = _set_references(doc, references)
    reader_ids = _set_readers(doc, readers)
    DocumentVersion.objects.create(
        document=doc,
        number=1,
        content=content,
        html=render_markdown(content),
        author=by if isinstance(by, User) else None,
    )
    search.index_document(doc)
    changes = audit.diff({}, {"number": doc.number, **audit.snapshot(doc, DOCUMENT_FIELDS)})
    audit.record(
        actor=by,
        action=AuditAction.CREATE,
        obj=doc,
        unit=doc.unit,
        changes={**changes, "references": [None, refs], "readers": [None, reader_ids]},
    )
    return doc


@transaction.atomic
def update_document(
    document_id: int,
    *,
    by: Actor,
    version: int | None,
    references: Iterable[tuple[str, str]] | None = None,
    readers: Iterable[User] | None = None,
    **changes: Any,
) -> Document:
    """Change the metadata (not the content; that is a version's). Withdrawn documents are final."""
    doc = lock(Document, document_id, version)
    _require_edit(by, doc)
    if doc.status == Status.WITHDRAWN:
        raise IllegalTransition(_("A withdrawn document cannot be changed."))
    unknown = set(changes) - set(DOCUMENT_FIELDS)
    if unknown:
        raise field_error(sorted(unknown)[0], _("Unknown field."))
    if "unit" in changes:
        _require_edit(by, Document(unit=changes["unit"]))
    before = audit.snapshot(doc, DOCUMENT_FIELDS)
    for key, value in changes.items():
        setattr(doc, key, value)
    if not doc.title:
        raise field_error("title", _("The document needs a title."))
    _check_dates(doc)
    _check_classification(doc)
    doc.version += 1
    doc.save()
    change_set = audit.diff(before, audit.snapshot(doc, DOCUMENT_FIELDS))
    if references is not None:
        old = [str(r) for r in doc.references.all()]
        new = _set_references(doc, references)
        if old != new:
            change_set["references"] = [old, new]
    if readers is not None:
        old_ids = sorted(doc.readers.values_list("user_id", flat=True))
        new_ids = _set_readers(doc, readers)
        if old_ids != new_ids:
            change_set["readers"] = [old_ids, new_ids]
    search.index_document(doc)
    audit.record(actor=by, action=AuditAction.UPDATE, obj=doc, unit=doc.unit, changes=change_set)
    return doc


def _working(doc: Document) -> DocumentVersion:
    """The latest version, locked: the one the workflow acts on."""
    return DocumentVersion.objects.select_for_update().filter(document=doc).latest("number")


def _check_file(upload: UploadedFile) -> None:
    name = (upload.name or "").lower()
    extension = name[name.rfind(".") :] if "." in name else ""
    if (upload.size or 0) > settings.RODTRAD_DOCUMENT_MAX_BYTES:
        raise FileTooLarge(
            _("The file is too large (at most %(limit)s bytes).")
            % {"limit": settings.RODTRAD_DOCUMENT_MAX_BYTES}
        )
    magic = FILE_TYPES.get(extension)
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if magic is None or not head.startswith(magic):
        raise UnsupportedFile(_("Only PDF, DOCX and ODT files can be uploaded."))


def _file_text(upload: UploadedFile) -> str:
    """The uploaded file's text for search; a damaged file is refused with its name (HTTP 400)."""
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    try:
        return extract_text(upload.name or "", data)
    except UnreadableFile as exc:
        raise field_error("file", str(exc)) from exc


@transaction.atomic
def save_version(
    document_id: int,
    *,
    by: Actor,
    version: int | None,
    content: str | None = None,
    change_note: str | None = None,
    substantial: bool | None = None,
    file: UploadedFile | None = None,
) -> tuple[DocumentVersion, bool]:
    """Save the working revision; returns it and whether it was new.

    A draft is edited in place. After publication a new revision starts as a copy of
    the published version. While a version is in review or awaiting approval, it cannot change.
    """
    file_text = ""
    if file is not None:
        _check_file(file)
        file_text = _file_text(file)
    doc = lock(Document, document_id, version)
    _require_edit(by, doc)
    working = _working(doc)
    created = False
    if working.state == State.PUBLISHED:
        working = DocumentVersion(
            document=doc,
            number=working.number + 1,
            content=working.content,
            file=working.file,
            file_name=working.file_name,
            file_size=working.file_size,
            file_text=working.file_text,
        )
        created = True
    elif working.state != State.DRAFT:
        raise IllegalTransition(
            _("The version is %(state)s and cannot be changed.") % {"state": working.get_state_display()}
        )
    before = audit.snapshot(working, ("content", "change_note", "substantial", "file_name"))
    if content is not None:
        working.content = content
    working.html = render_markdown(working.content)
    if change_note is not None:
        working.change_note = change_note
    if substantial is not None:
        working.substantial = substantial
    if file is not None:
        working.file = file
        working.file_name = (file.name or "")[:255]
        working.file_size = file.size or 0
        working.file_text = file_text
    working.author = by if isinstance(by, User) else None
    working.save()
    doc.status = Status.DRAFT
    doc.version += 1
    doc.save(update_fields=["status", "version", "updated_at"])
    search.index_document(doc)
    after = audit.snapshot(working, ("content", "change_note", "substantial", "file_name"))
    audit.record(
        actor=by,
        action=AuditAction.CREATE if created else AuditAction.UPDATE,
        obj=working,
        unit=doc.unit,
        changes=audit.diff({} if created else before, after),
        label=_("%(number)s version %(version)s") % {"number": doc.number, "version": working.number},
    )
    return working, created


@dataclass(frozen=True)
class Imported:
    """The outcome of importing one file: the document, and whether this import created it."""

    document: Document
    created: bool


def check_import(name: str, size: int) -> None:
    """Refuse a file the importer cannot take: too large (413) or of another type (415)."""
    if size > settings.RODTRAD_DOCUMENT_MAX_BYTES:
        raise FileTooLarge(
            _("%(name)s is too large (at most %(limit)s bytes).")
            % {"name": name, "limit": settings.RODTRAD_DOCUMENT_MAX_BYTES}
        )
    if PurePath(name).suffix.lower() not in SUPPORTED:
        raise UnsupportedFile(
            _("%(name)s: only Markdown, plain text, DOCX, ODT and PDF files can be imported.")
            % {"name": name}
        )


@transaction.atomic
def import_document(
    *,
    by: Actor,
    name: str,
    data: bytes,
    published: bool = False,
    default_type: str = "Rutin",
    unit: Unit | None | str = "",
) -> Imported:
    """Create a document from a file, its metadata block filling the fields; the same bytes twice
    create nothing the second time (the file's SHA-256 is kept on the version).

    Markdown and plain text become the version's content; a DOCX, ODT or PDF file is kept as the
    version's file with its text extracted. ``published`` (for the operator's imports of documents
    already in force) takes it through approval to published at once. ``unit`` overrides the
    file's Verksamhet line.
    """
    check_import(name, len(data))
    digest = hashlib.sha256(data).hexdigest()
    existing = DocumentVersion.objects.filter(source_hash=digest).select_related("document").first()
    if existing is not None:
        return Imported(existing.document, False)
    try:
        parsed = importer.parse(name, data)
    except UnreadableFile as exc:
        raise field_error("file", str(exc)) from exc
    values = importer.resolve(parsed, default_type=default_type, unit=unit)
    doc = create_document(by=by, content=parsed.content, **values)
    version = DocumentVersion.objects.get(document=doc, number=1)
    version.source_hash = digest
    version.change_note = _("Imported from %(name)s") % {"name": name}
    if PurePath(name).suffix.lower() in BINARY_TYPES:
        version.file = ContentFile(data, name=PurePath(name).name)
        version.file_name = PurePath(name).name[:255]
        version.file_size = len(data)
        version.file_text = parsed.file_text
    version.save()
    if version.file_text:
        search.index_document(doc)
    audit.record(
        actor=by,
        action=AuditAction.UPDATE,
        obj=version,
        unit=doc.unit,
        changes={"imported_from": [None, name], "source_hash": [None, digest]},
        label=_("%(number)s version %(version)s") % {"number": doc.number, "version": 1},
    )
    if published:
        submit(doc.pk, by=by, version=None)
        approve(doc.pk, by=by, version=None, comment=_("Imported as in force."))
        doc = publish(doc.pk, by=by, version=None)
    return Imported(doc, True)


def diff_versions(a: DocumentVersion, b: DocumentVersion) -> str:
    """A unified text diff of two versions' Markdown content."""
    return "".join(
        difflib.unified_diff(
            a.content.splitlines(keepends=True),
            b.content.splitlines(keepends=True),
            fromfile=_("version %(n)s") % {"n": a.number},
            tofile=_("version %(n)s") % {"n": b.number},
        )
    )


def _transition(
    doc: Document,
    working: DocumentVersion,
    allowed: set[str],
    to: str,
    *,
    by: Actor,
    action: AuditAction,
    extra: dict[str, Any] | None = None,
) -> None:
    if working.state not in allowed:
        raise IllegalTransition(
            _("The document is %(state)s; this step is not possible now.")
            % {"state": working.get_state_display()}
        )
    before = working.state
    working.state = to
    working.save()
    doc.status = to
    doc.version += 1
    doc.save(
        update_fields=["status", "version", "updated_at", "published_version", "read_version", "read_roles"]
    )
    audit.record(
        actor=by,
        action=action,
        obj=doc,
        unit=doc.unit,
        changes={"status": [before, to], "version": working.number, **(extra or {})},
    )


@transaction.atomic
def submit(document_id: int, *, by: Actor, version: int | None, reviewers: Iterable[User] = ()) -> Document:
    """Send the draft to the named reviewers, or straight to approval when there are none."""
    doc = lock(Document, document_id, version)
    _require_edit(by, doc)
    working = _working(doc)
    people = {u.pk: u for u in reviewers}
    if working.state == State.DRAFT:
        working.reviews.all().delete()
        ReviewAssignment.objects.bulk_create(
            [ReviewAssignment(version=working, reviewer=u) for u in people.values()]
        )
    to = State.REVIEW if people else State.APPROVAL
    _transition(
        doc, working, {State.DRAFT}, to, by=by, action=AuditAction.SUBMIT, extra={"reviewers": sorted(people)}
    )
    notify_many(
        people.values(),
        _("Please review %(document)s") % {"document": doc},
        _("You are named as a reviewer. Comment and mark your review done."),
    )
    return doc


@transaction.atomic
def review(
    document_id: int, *, by: Actor, version: int | None = None, comment: str = "", done: bool = False
) -> ReviewAssignment:
    """A named reviewer comments and may mark their review done; the last one moves it to approval."""
    doc = lock(Document, document_id, version)
    working = _working(doc)
    if working.state != State.REVIEW:
        raise IllegalTransition(_("The document is not in review."))
    assignment = (
        ReviewAssignment.objects.select_for_update().filter(version=working, reviewer_id=by.pk).first()
    )
    if assignment is None:
        raise access.PermissionDenied("document.review")
    if assignment.done_at is not None:
        raise IllegalTransition(_("You have already marked your review done."))
    if comment:
        assignment.comment = comment
    if done:
        assignment.done_at = timezone.now()
    assignment.save()
    if done and not working.reviews.filter(done_at__isnull=True).exists():
        _transition(doc, working, {State.REVIEW}, State.APPROVAL, by=by, action=AuditAction.REVIEW)
        if doc.owner is not None:
            notify_many(
                [doc.owner],
                _("%(document)s is reviewed") % {"document": doc},
                _("Every reviewer is done; the document awaits approval."),
            )
    else:
        doc.version += 1
        doc.save(update_fields=["version", "updated_at"])
        audit.record(
            actor=by,
            action=AuditAction.REVIEW,
            obj=doc,
            unit=doc.unit,
            changes={"comment": comment, "done": done, "version": working.number},
        )
    return assignment


@transaction.atomic
def approve(
    document_id: int, *, by: Actor, version: int | None, approve: bool = True, comment: str = ""
) -> Document:
    """The approver's decision, recorded with time: approved, or sent back to draft."""
    doc = lock(Document, document_id, version)
    if not access.can(by, "document.approve", doc):
        raise access.PermissionDenied("document.approve")
    working = _working(doc)
    working.decided_by = by if isinstance(by, User) else None
    working.decided_at = timezone.now()
    working.decision_comment = comment
    to, action = (State.APPROVED, AuditAction.APPROVE) if approve else (State.DRAFT, AuditAction.REJECT)
    _transition(doc, working, {State.APPROVAL}, to, by=by, action=action, extra={"comment": comment})
    if doc.owner is not None:
        title = _("%(document)s was approved") if approve else _("%(document)s was sent back")
        notify_many([doc.owner], title % {"document": doc}, comment)
    return doc


@transaction.atomic
def publish(
    document_id: int,
    *,
    by: Actor,
    version: int | None,
    read_units: Iterable[Unit] | None = None,
    read_roles: Iterable[str] = (),
) -> Document:
    """Publish the approved version; the previous one is superseded.

    ``read_units`` (with their subtrees) and ``read_roles`` (none: every role) ask people to
    confirm reading. A later version asks again only if it is a substantial change.
    """
    doc = lock(Document, document_id, version)
    if not access.can(by, "document.publish", doc):
        raise access.PermissionDenied("document.publish")
    working = _working(doc)
    if working.state != State.APPROVED:
        raise IllegalTransition(_("Only an approved version can be published."))
    roles = sorted(set(read_roles))
    if any(role not in Role.values for role in roles):
        raise field_error("read_roles", _("Unknown role."))
    previous = doc.published_version
    if previous is not None:
        previous.state = State.SUPERSEDED
        previous.save(update_fields=["state"])
    working.published_by = by if isinstance(by, User) else None
    working.published_at = timezone.now()
    doc.published_version = working
    extra: dict[str, Any] = {}
    if read_units is not None:
        units = {u.pk: u for u in read_units}
        doc.read_requirements.all().delete()
        ReadRequirement.objects.bulk_create([ReadRequirement(document=doc, unit=u) for u in units.values()])
        doc.read_roles = Document.join_roles(roles)
        doc.read_version = working if units else None
        extra = {"read_units": sorted(units), "read_roles": roles}
    elif doc.read_version is None or working.substantial:
        doc.read_version = working if doc.read_requirements.exists() else None
    _transition(
        doc, working, {State.APPROVED}, State.PUBLISHED, by=by, action=AuditAction.PUBLISH, extra=extra
    )
    search.index_document(doc)
    return doc


@transaction.atomic
def withdraw(document_id: int, *, by: Actor, version: int | None, reason: str) -> Document:
    """Withdraw a published document for good, with a reason; an unfinished revision goes with it."""
    doc = lock(Document, document_id, version)
    if not access.can(by, "document.withdraw", doc):
        raise access.PermissionDenied("document.withdraw")
    if doc.published_version is None or doc.status == Status.WITHDRAWN:
        raise IllegalTransition(_("Only a published document can be withdrawn."))
    if not reason:
        raise field_error("reason", _("Give a reason for the withdrawal."))
    working = _working(doc)
    published = doc.published_version
    if working.pk != published.pk:
        working.state = State.WITHDRAWN
        working.save(update_fields=["state"])
    published.state = State.WITHDRAWN
    published.save(update_fields=["state"])
    before = doc.status
    doc.status = Status.WITHDRAWN
    doc.published_version = None
    doc.read_version = None
    doc.withdrawn_reason = reason
    doc.version += 1
    doc.save()
    search.index_document(doc)
    audit.record(
        actor=by,
        action=AuditAction.WITHDRAW,
        obj=doc,
        unit=doc.unit,
        changes={"status": [before, doc.status], "reason": reason},
    )
    return doc


def open_document(document_id: int, *, by: Any) -> Document:
    """Fetch a document the caller may see (else DoesNotExist); reads of K3 and K4 are logged."""
    doc: Document = (
        Document.objects.visible_to(by)
        .select_related("type", "unit", "published_version", "read_version")
        .get(pk=document_id)
    )
    if doc.classification_k >= 3:
        with transaction.atomic():
            audit.record(actor=by, action=AuditAction.READ, obj=doc, unit=doc.unit)
    return doc


def works_on(user: Any, doc: Document) -> bool:
    """Editors, quality coordinators and approvers of the scope, the owner and the reviewers."""
    if access.can(user, "document.view_draft", doc) or (user.pk is not None and doc.owner_id == user.pk):
        return True
    return ReviewAssignment.objects.filter(version__document=doc, reviewer_id=user.pk).exists()


def visible_versions(doc: Document, *, by: Any) -> list[DocumentVersion]:
    """The versions ``by`` may read: unpublished ones only for those who work on the document."""
    qs = DocumentVersion.objects.filter(document=doc).order_by("number")
    if not works_on(by, doc):
        qs = qs.filter(state__in=[State.PUBLISHED, State.SUPERSEDED])
    return list(qs)


# ---- read receipts ------------------------------------------------------------


def _targeted_members(doc: Document) -> QuerySet[Membership]:
    """Memberships that make their holder a targeted reader of ``doc``, correlated per requirement."""

    members = Membership.objects.filter(unit__path__startswith=OuterRef("unit__path"))
    if doc.read_roles:
        members = members.filter(role__in=doc.read_role_list)
    return members


class _CountRows(Subquery):
    """The number of rows of a correlated subquery, as a column."""

    template = "(SELECT COUNT(*) FROM (%(subquery)s) _rows)"

    def __init__(self, queryset: Any) -> None:
        super().__init__(queryset, output_field=IntegerField())


@dataclass(frozen=True)
class UnitProgress:
    unit: Unit
    read: int
    total: int


@dataclass(frozen=True)
class ReadProgress:
    version: int | None
    read: int
    total: int
    units: list[UnitProgress]


def _receipts_for(doc: Document) -> QuerySet[ReadReceipt]:
    return ReadReceipt.objects.filter(document=doc, version__number__gte=doc.read_version.number)  # type: ignore[union-attr]


def read_progress(doc: Document, *, by: Any) -> ReadProgress:
    """How many of the targeted people have confirmed, per unit and in all, in three queries."""
    if not (
        by.pk == doc.owner_id or access.can(by, "document.reads", doc) or access.can(by, "document.edit", doc)
    ):
        raise access.PermissionDenied("document.reads")
    if doc.read_version is None:
        return ReadProgress(None, 0, 0, [])
    readers = _receipts_for(doc).values("user_id")
    members = _targeted_members(doc)
    requirements = list(
        ReadRequirement.objects.filter(document=doc)
        .select_related("unit")
        .annotate(
            total=_CountRows(members.values("user_id").distinct()),
            read=_CountRows(members.filter(user_id__in=readers).values("user_id").distinct()),
        )
        .order_by("unit__path")
    )
    units = [UnitProgress(r.unit, r.read, r.total) for r in requirements]  # type: ignore[attr-defined]
    everyone = Membership.objects.filter(
        Q(pk__in=[]) if not requirements else _any_subtree([r.unit.path for r in requirements])
    )
    if doc.read_roles:
        everyone = everyone.filter(role__in=doc.read_role_list)
    totals = everyone.aggregate(
        total=Count("user_id", distinct=True),
        read=Count("user_id", distinct=True, filter=Q(user_id__in=readers)),
    )
    return ReadProgress(doc.read_version.number, totals["read"], totals["total"], units)


def _any_subtree(paths: list[str]) -> Q:
    q = Q(pk__in=[])
    for path in paths:
        q |= Q(unit__path__startswith=path)
    return q


def to_read(user: Any) -> QuerySet[Document]:
    """The documents the user is asked to read and has not yet confirmed ("Att läsa")."""
    if not getattr(user, "is_authenticated", False):
        return Document.objects.none()
    grants = access.grants(user)
    if not grants:
        return Document.objects.none()
    # Start from the (few) requirements on the user's units and their ancestors, not from every document.
    asked = Q(pk__in=[])
    for path, role in grants:
        ancestors = [path[:end] for end in range(Unit.steplen, len(path) + 1, Unit.steplen)]
        asked |= Q(unit__path__in=ancestors) & (
            Q(document__read_roles="") | Q(document__read_roles__contains=f",{role},")
        )
    targeted = list(
        ReadRequirement.objects.filter(asked, document__read_version__isnull=False).values_list(
            "document_id", flat=True
        )
    )
    if not targeted:  # most people, most days: one small query and done
        return Document.objects.none()
    confirmed = ReadReceipt.objects.filter(
        user=user, version__number__gte=F("document__read_version__number")
    )
    return (
        Document.objects.visible_to(user)
        .filter(pk__in=targeted)
        .exclude(pk__in=confirmed.values("document_id"))
        .select_related("type", "unit", "published_version")
        .order_by("number")
    )


def confirm_read(document_id: int, *, by: User) -> ReadReceipt:
    """Confirm having read the published version; confirming twice changes nothing.

    The document is read before the transaction: on SQLite a transaction holds the one write
    lock, and a whole unit confirms at once after a publication. The receipt is for the
    version the reader was shown.
    """
    doc = Document.objects.visible_to(by).select_related("published_version", "unit").get(pk=document_id)
    if doc.published_version is None:
        raise IllegalTransition(_("Only a published document can be confirmed as read."))
    with transaction.atomic():
        receipt, created = ReadReceipt.objects.get_or_create(
            document=doc, version=doc.published_version, user=by
        )
        if created:
            audit.record(
                actor=by,
                action=AuditAction.CONFIRM,
                obj=doc,
                unit=doc.unit,
                changes={"version": doc.published_version.number},
            )
    return receipt


def due_for_review(unit: Unit | None, *, by: Any, today: dt.date | None = None) -> QuerySet[Document]:
    """The "Att revidera" list: visible published documents due within 30 days or overdue."""
    qs = Document.objects.visible_to(by).due_for_review(today or timezone.localdate())
    if unit is not None:
        qs = qs.in_subtree(unit)
    return qs.select_related("type", "unit", "owner").order_by("review_by", "number")
