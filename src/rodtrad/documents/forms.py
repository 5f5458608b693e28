"""Forms of the document pages. They parse and validate input; the services decide and write."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from rodtrad.core.forms import ShellForm, UnitCodeField, UsernameField, VersionedForm
from rodtrad.core.models import Role, Unit, User
from rodtrad.documents.models import LEVELS, Document, DocumentReference, DocumentType
from rodtrad.documents.search import Filters

#: "ISO 9001 (5.2)" or "ISO 9001 5.2": a source and its clause; "SOSFS 2011:9" has no clause.
_CLAUSE = re.compile(r"^(?P<source>.+?)\s+(?:\((?P<paren>[^()]+)\)|(?P<bare>\d+(?:\.\d+)+))$")
_SPLIT = re.compile(r"[\s,;]+")
CLASSIFICATION = ("k", "r", "t", "s")


def format_references(references: list[DocumentReference]) -> str:
    return "\n".join(f"{r.source} ({r.clause})" if r.clause else r.source for r in references)


def parse_references(text: str) -> list[tuple[str, str]]:
    """One reference a line, as in the seed policy's "Referens:" line."""
    rows = []
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        match = _CLAUSE.match(line)
        if match:
            rows.append((match["source"].strip(), (match["paren"] or match["bare"]).strip()))
        else:
            rows.append((line, ""))
    return rows


class UsernamesField(forms.CharField):
    """Several people by username, separated by commas or spaces; cleans to a list of Users."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 2000)
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.queryset: QuerySet[User] = User.objects.none()

    def clean(self, value: Any) -> list[User]:  # type: ignore[override]
        names = [n for n in _SPLIT.split(super().clean(value) or "") if n]
        found = {u.username.lower(): u for u in self.queryset.filter(username__in=names)}
        missing = [n for n in names if n.lower() not in found]
        if missing:
            raise ValidationError(
                _("There is no user %(username)s."), params={"username": ", ".join(missing)}
            )
        return list({u.pk: u for u in found.values()}.values())


class UnitCodesField(forms.CharField):
    """Several units by code, separated by commas or spaces; cleans to a list of Units."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 2000)
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def clean(self, value: Any) -> list[Unit]:  # type: ignore[override]
        codes = [c for c in _SPLIT.split(super().clean(value) or "") if c]
        found = {u.code: u for u in Unit.objects.filter(code__in=codes)}
        missing = [c for c in codes if c not in found]
        if missing:
            raise ValidationError(
                _("There is no unit with the code %(code)s."), params={"code": ", ".join(missing)}
            )
        return list(found.values())


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class DocumentForm(ShellForm):
    """The metadata block, the Markdown content and an optional file (create and edit)."""

    id_prefix = "doc"

    title = forms.CharField(label=_("Title"), max_length=300)
    type = forms.ModelChoiceField(label=_("Type"), queryset=DocumentType.objects.all(), empty_label=None)
    unit = UnitCodeField(
        label=_("Scope, unit (code)"),
        required=False,
        help_text=_("The unit and its subtree the document applies to; empty for the whole organisation."),
    )
    author = UsernameField(label=_("Author (username)"), required=False)
    author_body = forms.CharField(
        label=_("Author (body)"),
        max_length=200,
        required=False,
        help_text=_("Instead of a person, e.g. Landstinget i Kalmar län."),
    )
    approver = UsernameField(label=_("Approver (username)"), required=False)
    approver_body = forms.CharField(
        label=_("Approver (body)"),
        max_length=200,
        required=False,
        help_text=_("Instead of a person, e.g. Landstingsfullmäktige."),
    )
    owner = UsernameField(label=_("Owner (username)"), required=False, help_text=_("Empty: you."))
    contact = UsernameField(label=_("Contact person (username)"), required=False)
    valid_from = forms.DateField(label=_("Valid from"), required=False, widget=_date_input())
    review_by = forms.DateField(
        label=_("Review by"),
        required=False,
        widget=_date_input(),
        help_text=_("Empty: from the type's review interval."),
    )
    classification_k = forms.TypedChoiceField(
        label=_("Confidentiality (K)"), choices=LEVELS, coerce=int, initial=1
    )
    classification_r = forms.TypedChoiceField(label=_("Integrity (R)"), choices=LEVELS, coerce=int, initial=1)
    classification_t = forms.TypedChoiceField(
        label=_("Availability (T)"), choices=LEVELS, coerce=int, initial=1
    )
    classification_s = forms.TypedChoiceField(
        label=_("Traceability (S)"), choices=LEVELS, coerce=int, initial=1
    )
    classification_scheme = forms.CharField(label=_("Classification scheme"), max_length=60, initial="KLASSA")
    references = forms.CharField(
        label=_("References"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One a line, e.g. ISO 9001 (5.2) or SOSFS 2011:9."),
    )
    keywords = forms.CharField(
        label=_("Keywords"), required=False, max_length=1000, help_text=_("Separated by commas.")
    )
    readers = UsernamesField(
        label=_("Named readers (usernames)"),
        help_text=_("Needed for K 4: only these people may read the document."),
    )
    content = forms.CharField(
        label=_("Content (Markdown)"),
        required=False,
        max_length=2_000_000,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 18}),
    )
    change_note = forms.CharField(
        label=_("Change note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    substantial = forms.BooleanField(label=_("Substantial change (readers confirm again)"), required=False)
    file = forms.FileField(
        label=_("File (PDF, DOCX or ODT)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.docx,.odt"}),
    )

    def __init__(
        self, *args: Any, people: QuerySet[User], content_editable: bool = True, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        for name in ("author", "approver", "owner", "contact", "readers"):
            self.fields[name].queryset = people  # type: ignore[attr-defined]
        if not content_editable:
            for name in ("content", "change_note", "substantial", "file"):
                del self.fields[name]

    def clean_keywords(self) -> list[str]:
        text: str = self.cleaned_data["keywords"]
        return list(dict.fromkeys(k.strip() for k in text.split(",") if k.strip()))

    def clean_references(self) -> list[tuple[str, str]]:
        rows = parse_references(self.cleaned_data["references"])
        for source, clause in rows:
            if len(source) > 100 or len(clause) > 50:
                raise ValidationError(_("A reference is too long: %(ref)s."), params={"ref": source})
        return rows

    @staticmethod
    def initial_for(doc: Document) -> dict[str, Any]:
        def username(user: User | None) -> str:
            return user.username if user is not None else ""

        return {
            "title": doc.title,
            "type": doc.type_id,
            "unit": doc.unit.code if doc.unit else "",
            "author": username(doc.author),
            "author_body": doc.author_body,
            "approver": username(doc.approver),
            "approver_body": doc.approver_body,
            "owner": username(doc.owner),
            "contact": username(doc.contact),
            "valid_from": doc.valid_from,
            "review_by": doc.review_by,
            **{f"classification_{a}": getattr(doc, f"classification_{a}") for a in CLASSIFICATION},
            "classification_scheme": doc.classification_scheme,
            "references": format_references(list(doc.references.all())),
            "keywords": ", ".join(doc.keywords),
            "readers": " ".join(sorted(r.user.username for r in doc.readers.select_related("user"))),
        }


class DocumentEditForm(DocumentForm, VersionedForm):
    """The edit form carries the document's version, so a stale write is refused."""


class FilterForm(ShellForm):
    id_prefix = "filter"

    type = forms.ModelChoiceField(
        label=_("Type"), queryset=DocumentType.objects.all(), required=False, empty_label=_("All types")
    )
    unit = UnitCodeField(label=_("Unit (code)"), required=False, help_text=_("Includes the units below."))
    applies_to = UnitCodeField(
        label=_("Applies to (unit code)"),
        required=False,
        help_text=_("Its own documents, those of the units above it and the whole organisation's."),
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All statuses")), *Document.Status.choices]
    )
    classification = forms.TypedChoiceField(
        label=_("Confidentiality (K)"),
        required=False,
        choices=[("", _("All levels")), *LEVELS],
        coerce=int,
        empty_value=None,
    )
    due = forms.BooleanField(label=_("Due for review"), required=False)

    def filters(self) -> Filters:
        """The valid form's choices as the filters the list, search and exports share."""
        data = self.cleaned_data
        return Filters(
            type=data["type"].pk if data["type"] else None,
            unit=data["unit"],
            applies_to=data["applies_to"],
            status=data["status"] or None,
            classification=data["classification"],
            due_for_review=True if data["due"] else None,
        )


class ReviewDueForm(ShellForm):
    id_prefix = "due"

    unit = UnitCodeField(label=_("Unit (code)"), required=False, help_text=_("Includes the units below."))


class SubmitForm(VersionedForm):
    id_prefix = "submit"

    reviewers = UsernamesField(
        label=_("Reviewers (usernames)"), help_text=_("Separated by commas. None: straight to approval.")
    )

    def __init__(self, *args: Any, people: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reviewers"].queryset = people  # type: ignore[attr-defined]


class ReviewForm(ShellForm):
    id_prefix = "review"

    comment = forms.CharField(
        label=_("Your comment"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    done = forms.BooleanField(label=_("My review is done"), required=False)


class ApproveForm(VersionedForm):
    id_prefix = "approve"

    comment = forms.CharField(
        label=_("Comment on the decision"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    decision = forms.ChoiceField(
        choices=[("approve", _("Approve")), ("reject", _("Send back"))], widget=forms.HiddenInput
    )


class PublishForm(VersionedForm):
    id_prefix = "publish"

    read_units = UnitCodesField(
        label=_("Units that must read it (codes)"),
        help_text=_("With the units below them. Empty: keep the current read requirement."),
    )
    read_roles = forms.MultipleChoiceField(
        label=_("Only these roles"),
        required=False,
        choices=Role.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: every role."),
    )


class WithdrawForm(VersionedForm):
    id_prefix = "withdraw"

    reason = forms.CharField(
        label=_("Reason for withdrawal"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class RevisionForm(VersionedForm):
    """Starts a new revision of the published version."""

    id_prefix = "revision"


class DiffForm(ShellForm):
    id_prefix = "diff"

    a = forms.TypedChoiceField(label=_("From version"), coerce=int)
    b = forms.TypedChoiceField(label=_("To version"), coerce=int)

    def __init__(self, *args: Any, numbers: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(n, str(n)) for n in numbers]
        self.fields["a"].choices = choices  # type: ignore[attr-defined]
        self.fields["b"].choices = choices  # type: ignore[attr-defined]
