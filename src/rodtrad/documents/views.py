"""Document pages: list, page, forms, the workflow's buttons, Att läsa and Att revidera, public pages.

Reads go through ``Document.objects.visible_to`` (an invisible document is a 404) and
writes only through :mod:`rodtrad.documents.services` (an action the role does not allow
is a 403). Service refusals become form errors; each page reads a fixed number of queries.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from rodtrad.core import access
from rodtrad.core.errors import IllegalTransition, StaleWrite
from rodtrad.core.history import describe
from rodtrad.core.models import AuditAction, AuditEntry, User
from rodtrad.core.services import feedback
from rodtrad.core.views import Section
from rodtrad.documents import search, services
from rodtrad.documents.forms import (
    ApproveForm,
    DiffForm,
    DocumentEditForm,
    DocumentForm,
    FilterForm,
    PublishForm,
    ReviewDueForm,
    ReviewForm,
    RevisionForm,
    SubmitForm,
    WithdrawForm,
)
from rodtrad.documents.models import Document, DocumentVersion, ReadReceipt

PAGE_SIZE = 25
SECTION_LIMIT = 10
HISTORY_LIMIT = 50
State = DocumentVersion.State
RELATED = ("type", "unit", "published_version", "read_version", "owner", "contact", "author", "approver")
#: The metadata a form may change, as the service names them.
METADATA = services.DOCUMENT_FIELDS


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _people() -> QuerySet[User]:
    people: QuerySet[User] = User.objects.filter(is_active=True)
    return people


def _apply_errors(form: Any, exc: ValidationError | StaleWrite | IllegalTransition) -> None:
    if isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    elif isinstance(exc, ValidationError):
        form.add_error(None, exc.messages)
    else:
        form.add_error(None, str(exc))


def _document_for(request: HttpRequest, pk: int, action: str | None = None) -> Document:
    """The document if visible (else 404) and, for ``action``, if the user may do it (else 403)."""
    doc: Document = get_object_or_404(
        Document.objects.visible_to(_user(request)).select_related(*RELATED), pk=pk
    )
    if action is not None:
        access.require(_user(request), action, doc)
    return doc


_HEADING = re.compile(r"<(/?)h([1-6])\b")


def _content(version: DocumentVersion | None) -> str:
    """The version's sanitised HTML with its headings moved below the page's own h1 and h2."""
    if version is None:
        return ""
    html = _HEADING.sub(lambda m: f"<{m[1]}h{min(int(m[2]) + 2, 6)}", version.html)
    return mark_safe(html)  # noqa: S308 (nh3 sanitised it when the version was saved)


def _safe_next(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return default


# ---- the list ------------------------------------------------------------------------------


def _export_query(form: FilterForm) -> str:
    """The list's filters as the export endpoints take them: ids where the form takes codes."""
    if not form.is_bound or not form.is_valid():
        return ""  # an invalid filter lists nothing, so no export link is shown
    filters = form.filters()
    params = {
        "type": filters.type,
        "unit": filters.unit.pk if filters.unit else None,
        "applies_to": filters.applies_to.pk if filters.applies_to else None,
        "status": filters.status,
        "classification": filters.classification,
        "due_for_review": "true" if filters.due_for_review else None,
    }
    return urlencode({name: value for name, value in params.items() if value is not None})


@login_required
@require_GET
def document_list(request: HttpRequest) -> HttpResponse:
    """Documents the user may see, filtered by type, unit, status, K level and due for review."""
    user = _user(request)
    form = FilterForm(request.GET or None)
    qs = Document.objects.visible_to(user).select_related("type", "unit").order_by("number")
    if form.is_bound and not form.is_valid():
        qs = qs.none()
    elif form.is_bound:
        qs = search.apply_filters(qs, form.filters())
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "export_query": _export_query(form),
        "today": timezone.localdate(),
        "can_create": access.can_anywhere(user, "document.edit"),
        "home_unit": user.home_unit,
    }
    return render(request, "documents/list.html", context)


# ---- the document page ---------------------------------------------------------------------


def _history(doc: Document, versions: list[DocumentVersion]) -> list[Any]:
    """The document's entries and its versions' entries, newest first.

    Workflow entries record facts (the version, a comment, the reviewers) beside the status
    change; they are shown as plain values, not as before → after.
    """
    entries = list(
        AuditEntry.objects.filter(
            Q(object_type="documents.document", object_id=str(doc.pk))
            | Q(object_type="documents.documentversion", object_id__in=[str(v.pk) for v in versions])
        ).order_by("-seq")[:HISTORY_LIMIT]
    )
    for entry in entries:
        if entry.action not in (AuditAction.CREATE, AuditAction.UPDATE):
            entry.changes = {k: v if k == "status" else [None, v] for k, v in (entry.changes or {}).items()}
    return describe(entries)


def _forms_for(user: User, doc: Document, working: DocumentVersion | None) -> dict[str, Any]:
    """Blank forms for the workflow steps the user may take now."""
    forms: dict[str, Any] = {}
    if working is None or doc.status == Document.Status.WITHDRAWN:
        return forms
    initial = {"version": doc.version}
    can_edit = access.can(user, "document.edit", doc)
    if can_edit and working.state == State.DRAFT:
        forms["submit_form"] = SubmitForm(initial=initial, people=_people())
    if working.state == State.APPROVAL and access.can(user, "document.approve", doc):
        forms["approve_form"] = ApproveForm(initial=initial)
    if working.state == State.APPROVED and access.can(user, "document.publish", doc):
        forms["publish_form"] = PublishForm(initial=initial)
    if can_edit and working.state == State.PUBLISHED:
        forms["revision_form"] = RevisionForm(initial=initial)
    if doc.published_version_id and access.can(user, "document.withdraw", doc):
        forms["withdraw_form"] = WithdrawForm(initial=initial)
    return forms


def _document_page(request: HttpRequest, doc: Document, status: int = 200, **bound: Any) -> HttpResponse:
    user = _user(request)
    versions = services.visible_versions(doc, by=user)
    working = versions[-1] if versions else None
    workers = services.works_on(user, doc)
    shown = doc.published_version or working
    reviews = list(working.reviews.select_related("reviewer").order_by("reviewer__name")) if working else []
    my_review = next(
        (r for r in reviews if r.reviewer_id == user.pk and r.done_at is None and working is not None),
        None,
    )
    can_edit = access.can(user, "document.edit", doc)
    insight = user.pk == doc.owner_id or can_edit or access.can(user, "document.reads", doc)
    context: dict[str, Any] = {
        "doc": doc,
        "versions": versions,
        "working": working,
        "shown": shown,
        "content": _content(shown),
        "workers": workers,
        "reviews": reviews if workers else [],
        "can_edit": can_edit and doc.status != Document.Status.WITHDRAWN,
        "today": timezone.localdate(),
        **_forms_for(user, doc, working),
    }
    if my_review is not None and working is not None and working.state == State.REVIEW:
        context["review_form"] = ReviewForm(initial={"comment": my_review.comment})
    if doc.published_version_id:
        context["to_confirm"] = services.to_read(user).filter(pk=doc.pk).exists()
        context["receipt"] = (
            ReadReceipt.objects.filter(document=doc, user=user)
            .select_related("version")
            .order_by("-at")
            .first()
        )
        context["footer"] = feedback.page_footer(
            doc,
            next_url=request.path,
            owner=doc.owner,
            contacts=[doc.contact],
            updated=timezone.localdate(doc.published_version.published_at)  # type: ignore[union-attr]
            if doc.published_version.published_at  # type: ignore[union-attr]
            else None,
        )
    if insight:
        context["progress"] = services.read_progress(doc, by=user) if doc.read_version_id else None
        context["feedback"] = feedback.summary(doc)
    if len(versions) > 1:
        numbers = [v.number for v in versions]
        context["diff_form"] = DiffForm(initial={"a": numbers[-2], "b": numbers[-1]}, numbers=numbers)
    if workers:
        context["history"] = _history(doc, versions)
    context.update(bound)
    return render(request, "documents/detail.html", context, status=status)


@login_required
@require_GET
def document_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        doc = services.open_document(pk, by=_user(request))  # logs reads of K 3 and K 4
    except Document.DoesNotExist:
        raise Http404 from None
    return _document_page(request, _document_for(request, doc.pk))


def _versions_by_number(request: HttpRequest, doc: Document) -> dict[int, DocumentVersion]:
    return {v.number: v for v in services.visible_versions(doc, by=_user(request))}


def _opened_version(request: HttpRequest, pk: int, number: int) -> tuple[Document, DocumentVersion]:
    """A version the user may read, with the read of a K 3 or K 4 document logged."""
    try:
        doc = services.open_document(pk, by=_user(request))
    except Document.DoesNotExist:
        raise Http404 from None
    version = _versions_by_number(request, doc).get(number)
    if version is None:
        raise Http404
    return doc, version


@login_required
@require_GET
def version_detail(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    doc, version = _opened_version(request, pk, number)
    context = {"doc": doc, "version": version, "content": _content(version)}
    return render(request, "documents/version.html", context)


@require_GET
def version_file(request: HttpRequest, pk: int, number: int) -> FileResponse:
    """A version's uploaded file, under the document's own access rule (K 0 also without login)."""
    doc, version = _opened_version(request, pk, number)
    if not version.file:
        raise Http404
    name = version.file_name or version.file.name.rsplit("/", 1)[-1]
    return FileResponse(version.file.open("rb"), as_attachment=True, filename=name)


@login_required
@require_GET
def version_diff(request: HttpRequest, pk: int) -> HttpResponse:
    """A text diff between any two versions the user may read."""
    doc = _document_for(request, pk)
    by_number = _versions_by_number(request, doc)
    form = DiffForm(request.GET, numbers=sorted(by_number))
    if not form.is_valid():
        return render(request, "documents/diff.html", {"doc": doc, "form": form}, status=400)
    a, b = by_number[form.cleaned_data["a"]], by_number[form.cleaned_data["b"]]
    lines = [
        ("add" if line.startswith("+") else "del" if line.startswith("-") else "ctx", line.rstrip("\n"))
        for line in services.diff_versions(a, b).splitlines(keepends=True)
    ]
    context = {"doc": doc, "form": form, "a": a, "b": b, "lines": lines}
    return render(request, "documents/diff.html", context)


# ---- create and edit ------------------------------------------------------------------------


def _metadata(cleaned: dict[str, Any]) -> dict[str, Any]:
    return {name: cleaned[name] for name in METADATA}


def _file_error(form: Any, exc: Exception) -> None:
    form.add_error("file", str(exc))


@login_required
def document_create(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not access.can_anywhere(user, "document.edit"):
        raise PermissionDenied("document.edit")
    form = DocumentForm(request.POST or None, request.FILES or None, people=_people())
    del form.fields["substantial"]
    status = 400 if form.is_bound else 200
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                doc = services.create_document(
                    by=user,
                    content=data["content"],
                    references=data["references"],
                    readers=data["readers"],
                    **_metadata(data),
                )
                if data["file"] is not None or data["change_note"]:
                    services.save_version(
                        doc.pk,
                        by=user,
                        version=doc.version,
                        change_note=data["change_note"],
                        file=data["file"],
                    )
        except ValidationError as exc:
            _apply_errors(form, exc)
        except PermissionDenied:
            form.add_error("unit", _("You may not write documents for that unit."))
        except services.FileTooLarge as exc:
            _file_error(form, exc)
            status = 413
        except services.UnsupportedFile as exc:
            _file_error(form, exc)
            status = 415
        else:
            messages.success(request, _("The document %(number)s was created.") % {"number": doc.number})
            return redirect("documents:document", doc.pk)
    return render(request, "documents/form.html", {"form": form, "doc": None}, status=status)


def _save(user: User, doc: Document, working: DocumentVersion, data: dict[str, Any], editable: bool) -> bool:
    """Save what the form changed: metadata through one service, content through another."""
    changes = {name: data[name] for name in METADATA if getattr(doc, name) != data[name]}
    references = [(r.source, r.clause) for r in doc.references.all()]
    readers = sorted(r.user_id for r in doc.readers.all())
    new_refs = data["references"] if data["references"] != references else None
    new_readers = data["readers"] if sorted(u.pk for u in data["readers"]) != readers else None
    version: int = data["version"]
    changed = False
    with transaction.atomic():
        if changes or new_refs is not None or new_readers is not None:
            doc = services.update_document(
                doc.pk, by=user, version=version, references=new_refs, readers=new_readers, **changes
            )
            version, changed = doc.version, True
        draft = working.state == State.DRAFT
        content_changed = editable and (
            data["content"] != working.content
            or data["file"] is not None
            or data["change_note"] != (working.change_note if draft else "")
            or (draft and data["substantial"] != working.substantial)
            or (not draft and data["substantial"])
        )
        if content_changed:
            services.save_version(
                doc.pk,
                by=user,
                version=version,
                content=data["content"],
                change_note=data["change_note"],
                substantial=data["substantial"],
                file=data["file"],
            )
            changed = True
    return changed


@login_required
def document_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Metadata in any state; content while a draft, or as a new revision of the published version."""
    user = _user(request)
    doc = _document_for(request, pk, "document.edit")
    if doc.status == Document.Status.WITHDRAWN:
        messages.error(request, _("A withdrawn document cannot be changed."))
        return redirect("documents:document", doc.pk)
    working = DocumentVersion.objects.filter(document=doc).latest("number")
    editable = working.state in (State.DRAFT, State.PUBLISHED)
    draft = working.state == State.DRAFT
    initial = {
        **DocumentForm.initial_for(doc),
        "version": doc.version,
        "content": working.content,
        "change_note": working.change_note if draft else "",
        "substantial": working.substantial if draft else False,
    }
    form = DocumentEditForm(
        request.POST or None,
        request.FILES or None,
        initial=initial,
        people=_people(),
        content_editable=editable,
    )
    status = 400 if form.is_bound else 200
    if form.is_bound and form.is_valid():
        try:
            changed = _save(user, doc, working, form.cleaned_data, editable)
        except (ValidationError, StaleWrite, IllegalTransition) as exc:
            _apply_errors(form, exc)
        except PermissionDenied:
            form.add_error("unit", _("You may not write documents for that unit."))
        except services.FileTooLarge as exc:
            _file_error(form, exc)
            status = 413
        except services.UnsupportedFile as exc:
            _file_error(form, exc)
            status = 415
        else:
            messages.success(request, _("The changes were saved.") if changed else _("Nothing was changed."))
            return redirect("documents:document", doc.pk)
    context = {"form": form, "doc": doc, "working": working, "editable": editable}
    return render(request, "documents/form.html", context, status=status)


# ---- the workflow -----------------------------------------------------------------------------


def _act(
    request: HttpRequest,
    doc: Document,
    form: Any,
    key: str,
    run: Callable[[dict[str, Any]], Any],
    done: str,
) -> HttpResponse:
    """Run one workflow step from a posted form; refusals are shown on the form (409 for a wrong state)."""
    status = 400
    if form.is_valid():
        try:
            run(form.cleaned_data)
        except (ValidationError, StaleWrite) as exc:
            _apply_errors(form, exc)
        except IllegalTransition as exc:
            _apply_errors(form, exc)
            status = 409
        else:
            messages.success(request, done)
            return redirect("documents:document", doc.pk)
    return _document_page(request, doc, status=status, **{key: form})


@login_required
@require_POST
def document_submit(request: HttpRequest, pk: int) -> HttpResponse:
    doc = _document_for(request, pk, "document.edit")
    user = _user(request)
    form = SubmitForm(request.POST, people=_people())
    return _act(
        request,
        doc,
        form,
        "submit_form",
        lambda d: services.submit(doc.pk, by=user, version=d["version"], reviewers=d["reviewers"]),
        _("The document was sent on."),
    )


@login_required
@require_POST
def document_review(request: HttpRequest, pk: int) -> HttpResponse:
    """A named reviewer's comment; anyone else gets 403 from the service."""
    doc = _document_for(request, pk)
    user = _user(request)
    return _act(
        request,
        doc,
        ReviewForm(request.POST),
        "review_form",
        lambda d: services.review(doc.pk, by=user, comment=d["comment"], done=d["done"]),
        _("Your review was saved."),
    )


@login_required
@require_POST
def document_approve(request: HttpRequest, pk: int) -> HttpResponse:
    doc = _document_for(request, pk, "document.approve")
    user = _user(request)
    form = ApproveForm(request.POST)
    approving = request.POST.get("decision") == "approve"
    return _act(
        request,
        doc,
        form,
        "approve_form",
        lambda d: services.approve(
            doc.pk, by=user, version=d["version"], approve=d["decision"] == "approve", comment=d["comment"]
        ),
        _("The document was approved.") if approving else _("The document was sent back to draft."),
    )


@login_required
@require_POST
def document_publish(request: HttpRequest, pk: int) -> HttpResponse:
    doc = _document_for(request, pk, "document.publish")
    user = _user(request)
    return _act(
        request,
        doc,
        PublishForm(request.POST),
        "publish_form",
        lambda d: services.publish(
            doc.pk,
            by=user,
            version=d["version"],
            read_units=d["read_units"] or None,
            read_roles=d["read_roles"],
        ),
        _("The document was published."),
    )


@login_required
@require_POST
def document_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    doc = _document_for(request, pk, "document.withdraw")
    user = _user(request)
    return _act(
        request,
        doc,
        WithdrawForm(request.POST),
        "withdraw_form",
        lambda d: services.withdraw(doc.pk, by=user, version=d["version"], reason=d["reason"]),
        _("The document was withdrawn."),
    )


@login_required
@require_POST
def document_revision(request: HttpRequest, pk: int) -> HttpResponse:
    """Start a new revision as a copy of the published version, then edit it."""
    doc = _document_for(request, pk, "document.edit")
    form = RevisionForm(request.POST)
    if form.is_valid():
        try:
            services.save_version(doc.pk, by=_user(request), version=form.cleaned_data["version"])
        except (ValidationError, StaleWrite, IllegalTransition) as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("A new revision was started."))
            return redirect("documents:document_edit", doc.pk)
    return _document_page(request, doc, status=400, revision_form=form)


@login_required
@require_POST
def document_confirm_read(request: HttpRequest, pk: int) -> HttpResponse:
    """Läskvittens: confirm having read the published version; back to where the button was."""
    doc = _document_for(request, pk)
    try:
        receipt = services.confirm_read(doc.pk, by=_user(request))
    except IllegalTransition as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("You confirmed reading %(document)s, version %(version)s.")
            % {"document": doc.title, "version": receipt.version.number},
        )
    return HttpResponseRedirect(_safe_next(request, reverse("documents:document", args=[doc.pk])))


# ---- Att revidera -------------------------------------------------------------------------------


@login_required
@require_GET
def review_due(request: HttpRequest) -> HttpResponse:
    """Published documents due for review within 30 days or overdue, per unit."""
    user = _user(request)
    if not any(
        access.can_anywhere(user, a) for a in ("document.edit", "document.view_draft", "document.reads")
    ):
        raise PermissionDenied("document.edit")
    form = ReviewDueForm(request.GET or None)
    unit = form.cleaned_data["unit"] if form.is_bound and form.is_valid() else None
    qs = services.due_for_review(unit, by=user).order_by("unit__path", "review_by", "number")
    if form.is_bound and not form.is_valid():
        qs = qs.none()
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "query": query.urlencode(), "today": timezone.localdate()}
    return render(request, "documents/review_due.html", context)


# ---- Min sida ---------------------------------------------------------------------------------


def _to_read_section(request: HttpRequest) -> dict[str, Any]:
    user = _user(request)
    documents = list(services.to_read(user)[: SECTION_LIMIT + 1])
    return {
        "documents": documents[:SECTION_LIMIT],
        "more": len(documents) > SECTION_LIMIT,
        "home_unit": user.home_unit,  # Min sida shows it already: no query of its own
    }


def _to_revise_section(request: HttpRequest) -> dict[str, Any]:
    """Due and overdue documents the user owns or may edit; hidden from everyone else."""
    user = _user(request)
    tops = access.subtree_paths(user, "document.edit")
    qs: QuerySet[Document]
    if tops == []:  # only their own documents, which their owner always sees
        own = Document.objects.filter(owner=user).due_for_review(timezone.localdate())
        qs = own.select_related("type", "unit", "owner")
    else:
        editable = access.scope(user, "document.edit", "unit__path")
        qs = services.due_for_review(None, by=user)
        qs = qs if editable is None else qs.filter(editable | Q(owner=user))
    qs = qs.order_by("unit__path", "review_by", "number")
    documents = list(qs[: SECTION_LIMIT + 1])
    return {
        "show": tops is None or bool(tops) or bool(documents),
        "documents": documents[:SECTION_LIMIT],
        "more": len(documents) > SECTION_LIMIT,
        "today": timezone.localdate(),
        "can_list": tops is None or bool(tops),
    }


SECTIONS = [
    Section("documents/sections/to_read.html", _to_read_section),
    Section("documents/sections/to_revise.html", _to_revise_section),
]


# ---- public pages -------------------------------------------------------------------------------


def _public() -> QuerySet[Document]:
    """What anyone on the internet may read: the same rule as for a visitor without login (K 0)."""
    qs: QuerySet[Document] = Document.objects.visible_to(AnonymousUser())
    return qs


@require_GET
def public_list(request: HttpRequest) -> HttpResponse:
    qs = _public().select_related("type", "unit", "published_version").order_by("title", "number")
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "documents/public_list.html", {"page": page, "query": ""})


@require_GET
def public_detail(request: HttpRequest, pk: int) -> HttpResponse:
    doc: Document = get_object_or_404(_public().select_related(*RELATED), pk=pk)
    published = doc.published_version
    updated: dt.date | None = (
        timezone.localdate(published.published_at) if published and published.published_at else None
    )
    footer = feedback.page_footer(
        doc, next_url=request.path, owner=doc.owner, contacts=[doc.contact], updated=updated
    )
    context = {"doc": doc, "shown": published, "content": _content(published), "footer": footer}
    return render(request, "documents/public_detail.html", context)
