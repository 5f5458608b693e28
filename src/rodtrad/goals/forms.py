"""Forms of the goal pages. They parse and validate input; the services decide and write."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from rodtrad.core.forms import ShellForm, UnitCodeField
from rodtrad.core.models import Unit
from rodtrad.goals import periods
from rodtrad.goals.models import FollowUp, Indicator, Sex

_SPLIT = re.compile(r"[\s,;]+")


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class UnitCodesField(forms.CharField):
    """Several units by code, separated by commas or spaces; cleans to a list of Units."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 5000)
        super().__init__(**kwargs)

    def clean(self, value: Any) -> list[Unit]:  # type: ignore[override]
        codes = list(dict.fromkeys(c for c in _SPLIT.split(super().clean(value) or "") if c))
        found = {u.code: u for u in Unit.objects.filter(code__in=codes)}
        missing = [c for c in codes if c not in found]
        if missing:
            raise ValidationError(
                _("There is no unit with the code %(code)s."), params={"code": ", ".join(missing)}
            )
        return [found[c] for c in codes]


class YearForm(ShellForm):
    """The year a page shows; a year outside the planning range is refused."""

    id_prefix = "year"

    year = forms.IntegerField(label=_("Year"), min_value=periods.MIN_YEAR, max_value=periods.MAX_YEAR)


class GoToUnitForm(ShellForm):
    """Drill down from the overview to any unit by its code."""

    id_prefix = "goto"

    unit = UnitCodeField(label=_("Go to a unit (code)"))


class FollowUpForm(ShellForm):
    """A goal's follow-up for one period; ``version`` is empty until the follow-up exists."""

    id_prefix = "followup"

    period = forms.CharField(widget=forms.HiddenInput, max_length=8)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=False)
    status = forms.ChoiceField(label=_("Status"), choices=FollowUp.Status.choices)
    analysis = forms.CharField(label=_("Analysis"), widget=forms.Textarea(attrs={"rows": 4}), required=False)
    next_steps = forms.CharField(
        label=_("Next steps"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    done = forms.BooleanField(
        label=_("Mark the follow-up done"),
        required=False,
        help_text=_("Klarmarkera: the follow-up is finished. It needs a status other than not assessed."),
    )

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        if cleaned.get("done") and cleaned.get("status") == FollowUp.Status.NOT_ASSESSED:
            self.add_error("done", _("Choose a status before marking the follow-up done."))
        return cleaned


class MeasurementForm(ShellForm):
    """One value of one of the unit's indicators; the service checks the period and the sex."""

    id_prefix = "measure"

    indicator = forms.ModelChoiceField(label=_("Indicator"), queryset=Indicator.objects.none())
    period = forms.CharField(
        label=_("Period"), max_length=8, help_text=_("e.g. 2026-T2; monthly indicators 2026-05.")
    )
    sex = forms.ChoiceField(label=_("Sex"), choices=Sex.choices, initial=Sex.TOTAL)
    value = forms.CharField(label=_("Value"), max_length=30, help_text=_("A decimal comma is fine."))
    comment = forms.CharField(label=_("Comment"), max_length=5000, required=False)

    def __init__(self, *args: Any, indicators: QuerySet[Indicator], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["indicator"].queryset = indicators  # type: ignore[attr-defined]


class BreakdownForm(ShellForm):
    """ "Bryt ned": the units below the goal's to give a goal of their own."""

    id_prefix = "breakdown"

    units = forms.ModelMultipleChoiceField(
        label=_("Units below"),
        queryset=Unit.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    codes = UnitCodesField(
        label=_("Other units (codes)"),
        required=False,
        help_text=_("Units further down, separated by commas, e.g. KLL-MAVD1, KLL-AKM."),
    )
    title = forms.CharField(
        label=_("Title of the new goals"),
        max_length=300,
        required=False,
        help_text=_("Empty: the same title as this goal."),
    )

    def __init__(self, *args: Any, units: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["units"].queryset = units  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        chosen = [*cleaned.get("units", []), *cleaned.get("codes", [])]
        if not chosen and not self.errors:
            raise ValidationError(_("Choose at least one unit."))
        cleaned["chosen"] = list({u.pk: u for u in chosen}.values())
        return cleaned


class RoundForm(ShellForm):
    """Open a follow-up round: a period, a deadline and the units asked to follow up."""

    id_prefix = "round"

    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    period = forms.CharField(label=_("Period"), max_length=8, help_text=_("e.g. 2026-T2."))
    deadline = forms.DateField(label=_("Deadline"), widget=_date_input())
    units = UnitCodesField(
        label=_("Units (codes)"), help_text=_("Separated by commas, e.g. KLL-HSV, KLL-MAVD1.")
    )
