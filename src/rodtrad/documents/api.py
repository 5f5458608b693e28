"""REST API for documents: metadata, versions, the workflow and read receipts."""

import datetime as dt
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Query, Router, Schema, Status, UploadedFile
from ninja.pagination import paginate

from rodtrad.core.models import Role, Unit, User
from rodtrad.core.schemas import (
    MAX_ID,
    BodyIn,
    ErrorOut,
    FieldErrorsOut,
    Id,
    Pagination,
    UnitRef,
    Version,
    caller,
    resolve_id,
    resolve_ids,
    text,
)
from rodtrad.core.services.common import field_error
from rodtrad.documents import export, search, services
from rodtrad.documents.models import Document, DocumentType, DocumentVersion

router = Router(tags=["documents"])
ERRORS: dict[int, Any] = {400: FieldErrorsOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}


class TypeOut(Schema):
    id: int
    kind: DocumentType.Kind
    name: str
    review_months: int


class Classification(BodyIn):
    k: int = Field(1, ge=0, le=4, description="Konfidentialitet, 0–4.")
    r: int = Field(1, ge=0, le=4, description="Riktighet, 0–4.")
    t: int = Field(1, ge=0, le=4, description="Tillgänglighet, 0–4.")
    s: int = Field(1, ge=0, le=4, description="Spårbarhet, 0–4.")
    scheme: text(60, 1) = "KLASSA"  # type: ignore[valid-type]


class Reference(Schema):
    source: text(100, 1) = Field(..., description="e.g. ISO 9001 or SOSFS 2011:9")  # type: ignore[valid-type]
    clause: text(50) = Field("", description="e.g. 5.2; empty when the whole source is meant")  # type: ignore[valid-type]


class DocumentListOut(Schema):
    id: int
    number: str
    title: str
    type: TypeOut
    unit: UnitRef | None
    status: Document.Status
    classification_k: int
    valid_from: dt.date | None
    review_by: dt.date | None
    owner: int | None = Field(None, alias="owner_id")
    version: int


class DocumentOut(DocumentListOut):
    author: int | None = Field(None, alias="author_id")
    author_body: str
    approver: int | None = Field(None, alias="approver_id")
    approver_body: str
    contact: int | None = Field(None, alias="contact_id")
    classification: Classification
    references: list[Reference]
    keywords: list[str]
    readers: list[int] = Field(description="Named readers (needed for K 4).")
    published_version: int | None = Field(None, description="Number of the version readers see.")
    read_version: int | None = Field(None, description="Readers confirm this version or a later one.")
    withdrawn_reason: str

    @staticmethod
    def resolve_classification(obj: Document) -> dict[str, Any]:
        return {
            "k": obj.classification_k,
            "r": obj.classification_r,
            "t": obj.classification_t,
            "s": obj.classification_s,
            "scheme": obj.classification_scheme,
        }

    @staticmethod
    def resolve_references(obj: Document) -> list[dict[str, str]]:
        return [{"source": r.source, "clause": r.clause} for r in obj.references.all()]

    @staticmethod
    def resolve_readers(obj: Document) -> list[int]:
        return [r.user_id for r in obj.readers.all()]

    @staticmethod
    def resolve_published_version(obj: Document) -> int | None:
        return obj.published_version.number if obj.published_version else None

    @staticmethod
    def resolve_read_version(obj: Document) -> int | None:
        return obj.read_version.number if obj.read_version else None


class DocumentIn(BodyIn):
    title: text(300, 1)  # type: ignore[valid-type]
    type: Id
    unit: Id | None = Field(None, description="Scope; null for the whole organisation.")
    content: text(2_000_000) = Field("", description="Markdown of the first draft.")  # type: ignore[valid-type]
    author: Id | None = None
    author_body: text(200) = Field("", description="A body as author, e.g. Landstinget i Kalmar län.")  # type: ignore[valid-type]
    approver: Id | None = None
    approver_body: text(200) = Field("", description="A body as approver, e.g. Landstingsfullmäktige.")  # type: ignore[valid-type]
    owner: Id | None = Field(None, description="Defaults to the caller.")
    contact: Id | None = None
    valid_from: dt.date | None = None
    review_by: dt.date | None = Field(None, description="Defaults from the type's review interval.")
    classification: Classification = Field(default_factory=lambda: Classification())  # type: ignore[call-arg]
    references: list[Reference] = Field(default_factory=list, max_length=100)
    keywords: list[text(60, 1)] = Field(default_factory=list, max_length=50)  # type: ignore[valid-type]
    readers: list[Id] = Field(default_factory=list, max_length=500)


class DocumentPatch(BodyIn):
    version: Version
    title: text(300, 1) | None = None  # type: ignore[valid-type]
    type: Id | None = None
    unit: Id | None = None
    author: Id | None = None
    author_body: text(200) | None = None  # type: ignore[valid-type]
    approver: Id | None = None
    approver_body: text(200) | None = None  # type: ignore[valid-type]
    owner: Id | None = None
    contact: Id | None = None
    valid_from: dt.date | None = None
    review_by: dt.date | None = None
    classification: Classification | None = None
    references: list[Reference] | None = Field(None, max_length=100)
    keywords: list[text(60, 1)] | None = Field(None, max_length=50)  # type: ignore[valid-type]
    readers: list[Id] | None = Field(None, max_length=500)


class DocumentFilter(Schema):
    type: Id | None = None
    unit: Id | None = Field(None, description="Documents scoped to this unit's subtree.")
    applies_to: Id | None = Field(
        None, description="What the unit follows: scoped to it, a unit above it or the whole organisation."
    )
    status: Document.Status | None = None
    classification: int | None = Field(None, ge=0, le=4, description="The K level.")
    due_for_review: bool | None = Field(None, description="Published, review due within 30 days or overdue.")


class VersionSummary(Schema):
    number: int
    state: DocumentVersion.State
    change_note: str
    substantial: bool
    author: int | None = Field(None, alias="author_id")
    created_at: dt.datetime
    file_name: str
    file_size: int
    decided_by: int | None = Field(None, alias="decided_by_id")
    decided_at: dt.datetime | None
    decision_comment: str
    published_at: dt.datetime | None


class VersionOut(VersionSummary):
    content: str
    html: str = Field(description="The Markdown rendered and sanitised.")
    file_url: str | None
    diff: str | None = Field(None, description="Unified diff from `compare_to` to this version.")

    @staticmethod
    def resolve_file_url(obj: DocumentVersion) -> str | None:
        return obj.file.url if obj.file else None


class VersionForm(Schema):
    version: Version
    content: text(2_000_000) | None = Field(None, description="Markdown.")  # type: ignore[valid-type]
    change_note: text(2000) | None = None  # type: ignore[valid-type]
    substantial: bool | None = Field(None, description="Readers are asked to confirm again.")


class SubmitIn(BodyIn):
    version: Version
    reviewers: list[Id] = Field(
        default_factory=list, max_length=50, description="None: straight to approval."
    )


class ReviewIn(BodyIn):
    comment: text(5000) = ""  # type: ignore[valid-type]
    done: bool = False


class ReviewOut(Schema):
    reviewer: int = Field(alias="reviewer_id")
    comment: str
    done_at: dt.datetime | None


class ApproveIn(BodyIn):
    version: Version
    approve: bool = Field(True, description="false sends the version back to draft.")
    comment: text(5000) = ""  # type: ignore[valid-type]


class PublishIn(BodyIn):
    version: Version
    read_units: list[Id] | None = Field(
        None, max_length=200, description="Units (with subtrees) whose members must read it."
    )
    read_roles: list[Role] = Field(default_factory=list, description="Only these roles; empty: every role.")


class WithdrawIn(BodyIn):
    version: Version
    reason: text(2000, 1)  # type: ignore[valid-type]


class ReceiptOut(Schema):
    version: int
    at: dt.datetime

    @staticmethod
    def resolve_version(obj: Any) -> int:
        return int(obj.version.number)


class UnitProgressOut(Schema):
    unit: UnitRef
    read: int
    total: int


class ProgressOut(Schema):
    version: int | None = Field(description="The version people are asked to confirm.")
    read: int
    total: int
    units: list[UnitProgressOut]


def _visible(request: HttpRequest, document_id: int) -> Document:
    """The document if the caller may see it (else 404), without logging a read."""
    return get_object_or_404(Document.objects.visible_to(caller(request)), pk=document_id)


def _detail(document_id: int, request: HttpRequest) -> Document:
    return services.open_document(document_id, by=caller(request))


def _metadata(data: dict[str, Any]) -> dict[str, Any]:
    """Schema fields to service keyword arguments."""
    values: dict[str, Any] = {}
    for key in ("title", "author_body", "approver_body", "valid_from", "review_by", "keywords"):
        if key in data:
            values[key] = data[key]
    for key, model in (("author", User), ("approver", User), ("owner", User), ("contact", User)):
        if key in data:
            values[key] = resolve_id(model, data[key], key)
    if "type" in data:
        values["type"] = resolve_id(DocumentType, data["type"], "type")
    if "unit" in data:
        values["unit"] = resolve_id(Unit, data["unit"], "unit")
    if data.get("classification") is not None:
        # A change names only the levels it changes; the others keep their value.
        values.update({f"classification_{key}": level for key, level in data["classification"].items()})
    if data.get("references") is not None:
        values["references"] = [(r["source"], r.get("clause", "")) for r in data["references"]]
    if data.get("readers") is not None:
        values["readers"] = resolve_ids(User, data["readers"], "readers")
    return values


@router.get("/documents", response={200: list[DocumentListOut], 401: ErrorOut, 404: ErrorOut})
@paginate(Pagination)
def list_documents(request: HttpRequest, filters: Query[DocumentFilter]) -> Any:
    """Documents the caller may see; invisible ones are never listed or counted."""
    qs = Document.objects.visible_to(caller(request)).select_related("type", "unit").order_by("number")
    return search.apply_filters(qs, _filters(filters))


def _filters(filters: DocumentFilter) -> search.Filters:
    """The list's query parameters as search filters; an unknown unit is a 404."""

    def unit(pk: int | None) -> Unit | None:
        return get_object_or_404(Unit, pk=pk) if pk is not None else None

    return search.Filters(
        type=filters.type,
        unit=unit(filters.unit),
        applies_to=unit(filters.applies_to),
        status=filters.status,
        classification=filters.classification,
        due_for_review=filters.due_for_review,
    )


class SearchIn(DocumentFilter):
    q: text(500, 1) = Field(..., description="Words to find; inflected forms match (Swedish stemming).")  # type: ignore[valid-type]
    limit: int = Field(20, ge=1, le=100)
    offset: int = Field(0, ge=0, le=MAX_ID)


class SearchHitOut(Schema):
    document: DocumentListOut
    rank: float = Field(description="Higher is a better match.")
    snippet: str = Field(description="HTML: the matching passage with hits in <mark>; all else is escaped.")


class SearchPage(Schema):
    items: list[SearchHitOut]
    count: int = Field(description=f"Hits the caller may see, counted up to {search.COUNT_LIMIT}.")
    count_exact: bool = Field(description=f"False when more than {search.COUNT_LIMIT} documents match.")


@router.get("/search", response={200: SearchPage, 401: ErrorOut, 404: ErrorOut})
def search_documents(request: HttpRequest, params: Query[SearchIn]) -> Any:
    """Full-text search, best match first, over the documents the caller may see (counts too)."""
    results = search.Results(caller(request), params.q, _filters(params))
    page = results[params.offset : params.offset + params.limit]
    items = [{"document": h.document, "rank": h.rank, "snippet": str(h.snippet)} for h in page]
    return {"items": items, "count": results.count(), "count_exact": results.count_exact}


class PublicDocumentOut(Schema):
    id: int
    number: str
    title: str
    type: str
    unit: UnitRef | None
    valid_from: dt.date | None
    review_by: dt.date | None
    published_at: dt.datetime | None

    @staticmethod
    def resolve_type(obj: Document) -> str:
        return obj.type.name

    @staticmethod
    def resolve_published_at(obj: Document) -> dt.datetime | None:
        return obj.published_version.published_at if obj.published_version else None


class PublicFilter(Schema):
    type: Id | None = None
    q: text(500) = Field("", description="Words to find, as in /search.")  # type: ignore[valid-type]


@router.get("/public/documents", auth=None, response={200: list[PublicDocumentOut]})
@paginate(Pagination)
def public_documents(request: HttpRequest, filters: Query[PublicFilter]) -> Any:
    """Published documents classified K 0, for anyone, signed in or not; nothing else is ever listed."""
    anonymous = AnonymousUser()
    if filters.q:
        qs = search.search(anonymous, filters.q, search.Filters(type=filters.type))
    else:
        qs = search.apply_filters(Document.objects.visible_to(anonymous), search.Filters(type=filters.type))
        qs = qs.order_by("number")
    return qs.select_related("type", "unit", "published_version")


@router.post("/documents", response={201: DocumentOut, **ERRORS})
def create_document(request: HttpRequest, payload: DocumentIn) -> Any:
    data = payload.dict()
    values = _metadata(data)
    doc = services.create_document(by=caller(request), content=data["content"], **values)
    return Status(201, _detail(doc.pk, request))


class ImportForm(Schema):
    unit: Id | None = Field(
        None, description="The scope; without it, the file's Verksamhet line (whole organisation if so)."
    )


# Registered before /documents/{document_id}, whose pattern would otherwise take "import".
@router.post(
    "/documents/import",
    response={200: DocumentOut, 201: DocumentOut, 413: ErrorOut, 415: ErrorOut, **ERRORS},
)
def import_document(request: HttpRequest, payload: Form[ImportForm], file: File[UploadedFile]) -> Any:
    """Create a draft from a Markdown, text, DOCX, ODT or PDF file, its metadata block filling the fields.

    201 with the new document; 200 with the existing one when the same file was imported before
    (409 if the caller may not see it); 413 over ``RODTRAD_DOCUMENT_MAX_BYTES``; 415 for another type.
    """
    name = file.name or ""
    try:
        services.check_import(name, file.size or 0)
        unit = resolve_id(Unit, payload.unit, "unit") if payload.unit is not None else ""
        result = services.import_document(by=caller(request), name=name, data=file.read(), unit=unit)
    except services.FileTooLarge as exc:
        return Status(413, {"detail": str(exc)})
    except services.UnsupportedFile as exc:
        return Status(415, {"detail": str(exc)})
    if not Document.objects.visible_to(caller(request)).filter(pk=result.document.pk).exists():
        return Status(409, {"detail": _("This file has already been imported.")})
    return Status(201 if result.created else 200, _detail(result.document.pk, request))


def _file(content: bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _export_rows(request: HttpRequest, filters: DocumentFilter) -> Any:
    qs = Document.objects.visible_to(caller(request)).select_related("type", "unit", "approver", "author")
    return search.apply_filters(qs, _filters(filters)).order_by("number")[: export.LIST_LIMIT + 1]


# The list exports, too, come before /documents/{document_id}.
@router.get("/documents/export.pdf", response={200: None, 401: ErrorOut, 404: ErrorOut})
def export_list_pdf(request: HttpRequest, filters: Query[DocumentFilter]) -> HttpResponse:
    """The filtered list (the documents the caller may see) as a PDF table."""
    return _file(export.list_pdf(_export_rows(request, filters)), export.PDF, "dokument.pdf")


@router.get("/documents/export.xlsx", response={200: None, 401: ErrorOut, 404: ErrorOut})
def export_list_xlsx(request: HttpRequest, filters: Query[DocumentFilter]) -> HttpResponse:
    """The filtered list (the documents the caller may see) as an Excel workbook."""
    return _file(export.list_xlsx(_export_rows(request, filters)), export.XLSX, "dokument.xlsx")


@router.get("/documents/{document_id}/export.pdf", response={200: None, **ERRORS})
def export_document_pdf(request: HttpRequest, document_id: Id) -> HttpResponse:
    """The document as PDF, metadata block on top: the published version, else the latest one the
    caller may read. Like reading it, exporting a K 3 or K 4 document is logged."""
    doc = _detail(document_id, request)
    versions = services.visible_versions(doc, by=caller(request))
    version = doc.published_version or (versions[-1] if versions else None)
    return _file(export.document_pdf(doc, version), export.PDF, f"{doc.number}.pdf")


@router.get("/documents/{document_id}", response={200: DocumentOut, **ERRORS})
def get_document(request: HttpRequest, document_id: Id) -> Any:
    """The document's metadata; reading a K 3 or K 4 document is logged."""
    return _detail(document_id, request)


@router.patch("/documents/{document_id}", response={200: DocumentOut, **ERRORS})
def update_document(request: HttpRequest, document_id: Id, payload: DocumentPatch) -> Any:
    _visible(request, document_id)
    data = payload.dict(exclude_unset=True)
    version = data.pop("version")
    for required in ("title", "type"):
        if required in data and data[required] is None:
            raise field_error(required, _("This field may not be null."))
    services.update_document(document_id, by=caller(request), version=version, **_metadata(data))
    return _detail(document_id, request)


@router.get("/documents/{document_id}/versions", response={200: list[VersionSummary], **ERRORS})
def list_versions(request: HttpRequest, document_id: Id) -> Any:
    """Every version the caller may see: unpublished ones only for those who work on the document."""
    doc = _visible(request, document_id)
    return services.visible_versions(doc, by=caller(request))


@router.post(
    "/documents/{document_id}/versions",
    response={200: VersionOut, 201: VersionOut, 413: ErrorOut, 415: ErrorOut, **ERRORS},
)
def save_version(
    request: HttpRequest,
    document_id: Id,
    payload: Form[VersionForm],
    file: File[UploadedFile] = None,  # type: ignore[assignment]
) -> Any:
    """Save the working revision (multipart form): 201 when a new revision starts, 200 for a draft edit.

    The optional file is a PDF, DOCX or ODT file up to ``RODTRAD_DOCUMENT_MAX_BYTES``.
    """
    _visible(request, document_id)
    try:
        working, created = services.save_version(
            document_id,
            by=caller(request),
            version=payload.version,
            content=payload.content,
            change_note=payload.change_note,
            substantial=payload.substantial,
            file=file,
        )
    except services.FileTooLarge as exc:
        return Status(413, {"detail": str(exc)})
    except services.UnsupportedFile as exc:
        return Status(415, {"detail": str(exc)})
    return Status(201 if created else 200, working)


@router.get("/documents/{document_id}/versions/{number}", response={200: VersionOut, **ERRORS})
def get_version(
    request: HttpRequest,
    document_id: Id,
    number: Id,
    compare_to: Id | None = None,
) -> Any:
    """One version's content; with ``compare_to``, the text diff from that version to this one."""
    doc = _detail(document_id, request)
    versions = services.visible_versions(doc, by=caller(request))
    by_number = {v.number: v for v in versions}
    if number not in by_number or (compare_to is not None and compare_to not in by_number):
        return Status(404, {"detail": _("Not found.")})
    version = by_number[number]
    if compare_to is not None:
        version.diff = services.diff_versions(by_number[compare_to], version)  # type: ignore[attr-defined]
    return version


@router.post("/documents/{document_id}/submit", response={200: DocumentOut, **ERRORS})
def submit(request: HttpRequest, document_id: Id, payload: SubmitIn) -> Any:
    """Draft → review with the named reviewers, or → awaiting approval without reviewers."""
    _visible(request, document_id)
    reviewers = resolve_ids(User, payload.reviewers, "reviewers")
    services.submit(document_id, by=caller(request), version=payload.version, reviewers=reviewers)
    return _detail(document_id, request)


@router.post("/documents/{document_id}/review", response={200: ReviewOut, **ERRORS})
def review(request: HttpRequest, document_id: Id, payload: ReviewIn) -> Any:
    """A named reviewer comments and may mark the review done; the last one sends it for approval."""
    _visible(request, document_id)
    return services.review(document_id, by=caller(request), comment=payload.comment, done=payload.done)


@router.post("/documents/{document_id}/approve", response={200: DocumentOut, **ERRORS})
def approve(request: HttpRequest, document_id: Id, payload: ApproveIn) -> Any:
    """The approver's decision: approve, or send back to draft with a comment."""
    _visible(request, document_id)
    services.approve(
        document_id,
        by=caller(request),
        version=payload.version,
        approve=payload.approve,
        comment=payload.comment,
    )
    return _detail(document_id, request)


@router.post("/documents/{document_id}/publish", response={200: DocumentOut, **ERRORS})
def publish(request: HttpRequest, document_id: Id, payload: PublishIn) -> Any:
    """Publish the approved version, optionally asking units and roles to confirm reading it."""
    _visible(request, document_id)
    units = None if payload.read_units is None else resolve_ids(Unit, payload.read_units, "read_units")
    services.publish(
        document_id,
        by=caller(request),
        version=payload.version,
        read_units=units,
        read_roles=[str(r) for r in payload.read_roles],
    )
    return _detail(document_id, request)


@router.post("/documents/{document_id}/withdraw", response={200: DocumentOut, **ERRORS})
def withdraw(request: HttpRequest, document_id: Id, payload: WithdrawIn) -> Any:
    _visible(request, document_id)
    services.withdraw(document_id, by=caller(request), version=payload.version, reason=payload.reason)
    return _detail(document_id, request)


@router.post("/documents/{document_id}/read", response={200: ReceiptOut, **ERRORS})
def confirm_read(request: HttpRequest, document_id: Id) -> Any:
    """Confirm having read the published version (läskvittens); repeating it changes nothing."""
    return services.confirm_read(document_id, by=caller(request))


@router.get("/documents/{document_id}/reads", response={200: ProgressOut, **ERRORS})
def read_progress(request: HttpRequest, document_id: Id) -> Any:
    """How many of those asked have confirmed, per unit and in all (owner, editors, quality)."""
    doc = _visible(request, document_id)
    return services.read_progress(doc, by=caller(request))
