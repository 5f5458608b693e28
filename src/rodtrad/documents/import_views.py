"""The import page: editors upload files and see each one imported, already imported or failed.

Writing is :func:`rodtrad.documents.services.import_document`'s, as for ``rodtrad import-documents``
and ``POST /api/v1/documents/import``. Too large or unsupported files refuse the whole upload
(413, 415) before anything is written, on this page with the form and the reason; an upload
too large to read at all (BodySizeLimitMiddleware) gets the same page. A file that fails to
import does not stop the others.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from rodtrad.core import access
from rodtrad.core.forms import ShellForm, UnitCodeField
from rodtrad.core.middleware import answers_bodies_over_the_limit
from rodtrad.core.models import Unit, User
from rodtrad.documents import services
from rodtrad.documents.extract import SUPPORTED
from rodtrad.documents.models import Document


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class FilesField(forms.FileField):
    """One or more files, cleaned to a list (Django's FileField takes one)."""

    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:  # type: ignore[override]
        one = super().clean
        files = list(data) if isinstance(data, list | tuple) else [data]
        return [one(f, initial) for f in files or [None]]


class ImportForm(ShellForm):
    id_prefix = "import"

    uploads = FilesField(
        label=gettext_lazy("Files"),
        help_text=gettext_lazy("Markdown, plain text, DOCX, ODT or PDF; choose several at once if you like."),
    )
    unit = UnitCodeField(
        label=gettext_lazy("Scope, unit (code)"),
        required=False,
        help_text=gettext_lazy("Empty: each file's Verksamhet line decides."),
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["uploads"].widget.attrs["accept"] = ",".join(SUPPORTED)

    def clean_unit(self) -> Unit | None:
        unit: Unit | None = self.cleaned_data["unit"]
        if unit is not None and not access.can(self.user, "document.edit", unit):
            raise ValidationError(_("You may not write documents for that unit."))
        return unit


@dataclass
class Result:
    """One file's outcome; ``document`` only when the person may see it."""

    name: str
    outcome: str  # "imported", "existing" or "failed"
    document: Document | None = None
    reason: str = ""


def _import(user: User, upload: UploadedFile, unit: Unit | None) -> Result:
    """Import one file; its failure becomes its row, leaving nothing of it behind (the service is atomic)."""
    name = upload.name or ""
    try:
        imported = services.import_document(
            by=user, name=name, data=upload.read(), unit=unit if unit is not None else ""
        )
    except ValidationError as exc:
        return Result(name, "failed", reason=" ".join(exc.messages))
    except PermissionDenied:
        return Result(name, "failed", reason=_("You may not write documents for that unit."))
    if imported.created:
        return Result(name, "imported", imported.document)
    # The same bytes may have been imported into a document this person may not see.
    visible = Document.objects.visible_to(user).filter(pk=imported.document.pk).first()
    return Result(name, "existing", visible)


@login_required
def _upload_too_large(request: HttpRequest, limit: int) -> HttpResponse:
    """The import page with the error on the files, when the whole upload is over ``limit`` bytes.

    The body is dropped unparsed (BodySizeLimitMiddleware), so the form comes back empty and
    nothing is imported.
    """
    user: User = request.user  # type: ignore[assignment]
    if not access.can_anywhere(user, "document.edit"):
        raise PermissionDenied("document.edit")
    form = ImportForm({}, user=user)
    form.full_clean()
    form.errors.pop("uploads", None)  # not "required": the files came, but too many bytes of them
    message = _(
        "The upload is too large: at most %(limit)s in one upload and %(file_limit)s per file. "
        "Choose fewer files and import the rest in another upload."
    ) % {
        "limit": filesizeformat(limit),
        "file_limit": filesizeformat(settings.RODTRAD_DOCUMENT_MAX_BYTES),
    }
    form.add_error("uploads", message)
    return render(request, "documents/import.html", {"form": form}, status=413)


@answers_bodies_over_the_limit(_upload_too_large)
@login_required
@require_http_methods(["GET", "POST"])
def document_import(request: HttpRequest) -> HttpResponse:
    """Upload form for those who may write documents somewhere (``document.edit``, as the API's import)."""
    user: User = request.user  # type: ignore[assignment]
    if not access.can_anywhere(user, "document.edit"):
        raise PermissionDenied("document.edit")
    if request.method != "POST":
        return render(request, "documents/import.html", {"form": ImportForm(user=user)})
    form = ImportForm(request.POST, request.FILES, user=user)
    status = 400
    if form.is_valid():
        uploads: list[UploadedFile] = form.cleaned_data["uploads"]
        try:
            for upload in uploads:
                services.check_import(upload.name or "", upload.size or 0)
        except services.FileTooLarge as exc:
            form.add_error("uploads", str(exc))
            status = 413
        except services.UnsupportedFile as exc:
            form.add_error("uploads", str(exc))
            status = 415
        else:
            results = [_import(user, upload, form.cleaned_data["unit"]) for upload in uploads]
            context = {"form": ImportForm(user=user), "results": results}
            return render(request, "documents/import.html", context)
    return render(request, "documents/import.html", {"form": form}, status=status)
