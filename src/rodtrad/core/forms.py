"""Forms of the shell. They only parse and validate input; the services decide and write."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from rodtrad.core.models import Organisation, Role, Unit, User


class UnitCodeField(forms.CharField):
    """A unit entered by its code (a select of 2,000 units would be unusable); cleans to a Unit."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 40)
        kwargs.setdefault("help_text", _("The unit's code, e.g. KLL-HSV."))
        super().__init__(**kwargs)

    def clean(self, value: Any) -> Unit | None:  # type: ignore[override]
        code = super().clean(value)
        if not code:
            return None
        unit: Unit | None = Unit.objects.filter(code=code).first()
        if unit is None:
            raise ValidationError(_("There is no unit with the code %(code)s."), params={"code": code})
        return unit


class UsernameField(forms.CharField):
    """A person entered by username, looked up among ``queryset`` (the people the actor may see)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 150)
        super().__init__(**kwargs)
        self.queryset: QuerySet[User] = User.objects.none()

    def clean(self, value: Any) -> User | None:  # type: ignore[override]
        username = super().clean(value)
        if not username:
            return None
        user: User | None = self.queryset.filter(username__iexact=username).first()
        if user is None:
            raise ValidationError(_("There is no user %(username)s."), params={"username": username})
        return user


def kind_choices(organisation: Organisation) -> list[tuple[str, str]]:
    """Unit kinds under the organisation's own names for them."""
    return [(kind, organisation.kind_label(kind)) for kind in Unit.Kind.values]


class ShellForm(forms.Form):
    """A form whose element ids start with ``id_prefix``, so several forms can share one page."""

    id_prefix = "id"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"{self.id_prefix}_%s")
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class VersionedForm(ShellForm):
    """A form that changes an existing object: carries the version it was based on."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class UnitSearchForm(ShellForm):
    q = forms.CharField(label=_("Search units"), max_length=100, required=False)


class UnitForm(VersionedForm):
    id_prefix = "edit"

    name = forms.CharField(label=_("Name"), max_length=200)
    code = forms.CharField(label=_("Code"), max_length=40)
    kind = forms.ChoiceField(label=_("Kind"))
    manager = UsernameField(label=_("Manager (username)"), required=False)
    external_id = forms.CharField(label=_("External id (HR)"), max_length=100, required=False)
    is_active = forms.BooleanField(label=_("Active"), required=False)

    def __init__(self, *args: Any, organisation: Organisation, people: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = kind_choices(organisation)  # type: ignore[attr-defined]
        self.fields["manager"].queryset = people  # type: ignore[attr-defined]


class ChildUnitForm(ShellForm):
    id_prefix = "child"

    name = forms.CharField(label=_("Name"), max_length=200)
    code = forms.CharField(label=_("Code"), max_length=40)
    kind = forms.ChoiceField(label=_("Kind"))

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = kind_choices(organisation)  # type: ignore[attr-defined]


class MoveUnitForm(VersionedForm):
    id_prefix = "move"

    parent = UnitCodeField(label=_("New parent unit (code)"))


class DeleteUnitForm(VersionedForm):
    """Deletes an unused unit; the service deactivates one that has records instead."""

    id_prefix = "delete"


class UserCreateForm(ShellForm):
    username = forms.CharField(label=_("Username"), max_length=150)
    name = forms.CharField(label=_("Name"), max_length=200, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    home_unit = UnitCodeField(label=_("Home unit (code)"))
    password = forms.CharField(
        label=_("Password"),
        max_length=128,
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("Leave empty: the person cannot sign in until a password is set."),
    )


class UserEditForm(VersionedForm):
    id_prefix = "edit"

    name = forms.CharField(label=_("Name"), max_length=200, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    home_unit = UnitCodeField(label=_("Home unit (code)"))
    is_active = forms.BooleanField(label=_("Active (may sign in)"), required=False)
    password = forms.CharField(
        label=_("New password"),
        max_length=128,
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("Leave empty to keep the current password."),
    )


class GrantRoleForm(ShellForm):
    id_prefix = "grant"

    unit = UnitCodeField(label=_("Unit (code)"))
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)


def object_type_choices() -> list[tuple[str, Any]]:
    """Every Rödtråd model, so later modules' objects appear without a query on the log."""
    models = [m for m in apps.get_models() if m.__module__.startswith("rodtrad.")]
    choices = sorted((m._meta.label_lower, str(m._meta.verbose_name).capitalize()) for m in models)
    return [("", _("All types")), *choices]


class AuditFilterForm(ShellForm):
    object_type = forms.ChoiceField(label=_("Object type"), required=False)
    object_id = forms.CharField(label=_("Object id"), max_length=64, required=False)
    actor = UsernameField(label=_("Changed by (username)"), required=False)
    since = forms.DateField(
        label=_("From date"),
        required=False,
        validators=[MinValueValidator(dt.date(1970, 1, 1)), MaxValueValidator(dt.date(9000, 1, 1))],
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    until = forms.DateField(
        label=_("To date (inclusive)"),
        required=False,
        validators=[MinValueValidator(dt.date(1970, 1, 1)), MaxValueValidator(dt.date(9000, 1, 1))],
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["object_type"].choices = object_type_choices()  # type: ignore[attr-defined]
        self.fields["actor"].queryset = User.objects.all()  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        since: dt.date | None = cleaned.get("since")
        until: dt.date | None = cleaned.get("until")
        if since and until and until < since:
            self.add_error("until", _("The end date is before the start date."))
        return cleaned


class FeedbackForm(ShellForm):
    """An answer to "Hade du nytta av innehållet?"; the page is named by the footer's signed token."""

    id_prefix = "feedback"

    page = forms.CharField(widget=forms.HiddenInput, max_length=500)
    useful = forms.TypedChoiceField(
        label=_("Was the content useful?"),
        choices=[("yes", _("Yes")), ("no", _("No"))],
        coerce=lambda value: value == "yes",
    )
    comment = forms.CharField(
        label=_("Comment (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    next = forms.CharField(widget=forms.HiddenInput, required=False, max_length=500)
