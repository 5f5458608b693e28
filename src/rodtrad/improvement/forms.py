"""Forms of the improvement pages. They parse and validate input; the services decide, mask and write."""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from rodtrad.core.forms import ShellForm, VersionedForm
from rodtrad.core.models import Unit, User
from rodtrad.improvement.models import (
    Action,
    Affected,
    Category,
    Cause,
    Complaint,
    Duty,
    Event,
    Harm,
    Investigation,
    PdsaEntry,
    Proposal,
)

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"
TEXT_MAX = 10_000
_SPLIT = re.compile(r"[\s,;]+")


class UnitSelect(forms.Select):
    """A select of the units in a scope, written in Python: a förvaltning's scope lists a few hundred
    units, and Django's template per option took a third of the inbox's time."""

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        chosen = set(self.format_value(value))
        attributes = "".join(
            f" {escape(key)}" if val is True else f' {escape(key)}="{escape(val)}"'
            for key, val in self.build_attrs(self.attrs, attrs).items()
            if val is not False and val is not None
        )
        options = "".join(
            f'\n  <option value="{escape(option)}"{" selected" if str(option) in chosen else ""}>'
            f"{escape(label)}</option>"
            for option, label in self.choices
        )
        return mark_safe(f'<select name="{escape(name)}"{attributes}>{options}\n</select>')  # noqa: S308


def _datetime_input(**attrs: Any) -> forms.DateTimeInput:
    return forms.DateTimeInput(attrs={"type": "datetime-local", **attrs}, format=DATETIME_FORMAT)


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _text(
    label: Any, *, rows: int = 4, required: bool = True, pnr: bool = False, **kwargs: Any
) -> forms.CharField:
    """A free-text field; ``pnr`` marks it for the personal identity number warning as one types."""
    attrs: dict[str, Any] = {"rows": rows}
    if pnr:
        attrs["data-pnr"] = ""
    return forms.CharField(
        label=label, required=required, max_length=TEXT_MAX, widget=forms.Textarea(attrs=attrs), **kwargs
    )


def _when(label: Any, *, required: bool = True, **kwargs: Any) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        required=required,
        input_formats=[DATETIME_FORMAT, "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
        widget=_datetime_input(),
        **kwargs,
    )


def category_choices(categories: QuerySet[Category]) -> list[Any]:
    """Active categories, each top-level category followed by its children as an option group."""
    children: dict[int | None, list[Category]] = defaultdict(list)
    for category in categories:
        children[category.parent_id].append(category)
    choices: list[Any] = [("", _("Choose a category"))]
    for top in children[None]:
        below = children.get(top.pk, [])
        if below:
            choices.append((top.name, [(str(top.pk), top.name)] + [(str(c.pk), c.name) for c in below]))
        else:
            choices.append((str(top.pk), top.name))
    return choices


class CategoryField(forms.TypedChoiceField):
    """A category chosen from the grouped tree; cleans to a Category."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(coerce=int, **kwargs)
        self.categories: dict[int, Category] = {}

    def set_categories(self, categories: QuerySet[Category]) -> None:
        listed = list(categories)
        self.categories = {c.pk: c for c in listed}
        self.choices = category_choices(listed)  # type: ignore[arg-type]

    def clean(self, value: Any) -> Category | None:  # type: ignore[override]
        pk = super().clean(value)
        return self.categories.get(pk) if pk not in (None, "") else None


class PersonField(forms.ModelChoiceField):  # type: ignore[type-arg]
    """A person chosen by name from those who may take the role."""

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name or obj.username} ({obj.username})"


# ---- events -------------------------------------------------------------------------------------


class ReportForm(ShellForm):
    """The quick report: five required answers and two optional ones, on one phone screen."""

    id_prefix = "report"

    description = _text(_("What happened?"), rows=5, pnr=True)
    occurred_at = _when(_("When did it happen?"))
    unit = forms.ModelChoiceField(label=_("Where (unit)"), queryset=Unit.objects.none())
    category = CategoryField(label=_("Category"))
    affected = forms.ChoiceField(
        label=_("Who was affected?"), choices=Affected.choices, widget=forms.RadioSelect
    )
    immediate_action = _text(_("What was done at once? (optional)"), rows=3, required=False, pnr=True)
    positive = forms.BooleanField(
        label=_("This is a positive event: something that went especially well"), required=False
    )

    def __init__(
        self, *args: Any, units: QuerySet[Unit], categories: QuerySet[Category], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]
        self.fields["category"].set_categories(categories)  # type: ignore[attr-defined]
        self.fields["occurred_at"].widget.attrs["max"] = timezone.localtime().strftime(DATETIME_FORMAT)

    def clean_occurred_at(self) -> dt.datetime:
        value: dt.datetime = self.cleaned_data["occurred_at"]
        if value > timezone.now():
            raise ValidationError(_("The time lies in the future."))
        return value


class InboxFilterForm(ShellForm):
    """Which unit's subtree the inbox shows."""

    id_prefix = "inbox"

    unit = forms.ModelChoiceField(
        label=_("Unit and the units below it"), queryset=Unit.objects.none(), widget=UnitSelect
    )

    def __init__(self, *args: Any, units: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The options show the name and code; a förvaltning's scope has a few hundred units.
        self.fields["unit"].queryset = units.only("name", "code")  # type: ignore[attr-defined]


LEVEL_CHOICES = [(1, "1"), (2, "2"), (3, "3"), (4, "4")]
INFORMED_CHOICES = [("", _("Not recorded")), ("yes", _("Yes")), ("no", _("No"))]


class TriageForm(VersionedForm):
    """The handler's assessment: category, risk on the 4×4 matrix, harm, patient information, duties."""

    id_prefix = "triage"

    category = CategoryField(label=_("Category"))
    affected = forms.ChoiceField(label=_("Who was affected"), choices=Affected.choices)
    positive = forms.BooleanField(label=_("Positive event"), required=False)
    handler = PersonField(label=_("Handler"), queryset=User.objects.none(), required=False)
    probability = forms.TypedChoiceField(
        label=_("Probability"),
        choices=LEVEL_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
        required=False,
        empty_value=None,
        help_text=_("1 very unlikely, 2 unlikely, 3 likely, 4 very likely to happen again."),
    )
    consequence = forms.TypedChoiceField(
        label=_("Consequence"),
        choices=LEVEL_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
        required=False,
        empty_value=None,
        help_text=_("1 minor, 2 moderate, 3 considerable, 4 catastrophic."),
    )
    harm = forms.ChoiceField(
        label=_("Harm"), choices=[("", _("Not assessed")), *Harm.choices], required=False
    )
    patient_informed = forms.TypedChoiceField(
        label=_("Was the patient informed?"),
        choices=INFORMED_CHOICES,
        coerce=lambda v: v == "yes",
        empty_value=None,
        required=False,
    )
    patient_informed_at = _when(_("Informed when"), required=False)
    aware_at = _when(
        _("Became aware"),
        required=False,
        help_text=_("Starts the 72-hour clock of a personal data breach."),
    )
    serious_work_injury = forms.BooleanField(
        label=_("Serious work injury or incident (notify Arbetsmiljöverket)"), required=False
    )

    FIELDS = (
        "category",
        "affected",
        "positive",
        "handler",
        "probability",
        "consequence",
        "harm",
        "patient_informed",
        "patient_informed_at",
        "aware_at",
        "serious_work_injury",
    )

    def __init__(
        self, *args: Any, categories: QuerySet[Category], handlers: QuerySet[User], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].set_categories(categories)  # type: ignore[attr-defined]
        self.fields["handler"].queryset = handlers  # type: ignore[attr-defined]

    @classmethod
    def initial_for(cls, event: Event) -> dict[str, Any]:
        informed = {True: "yes", False: "no", None: ""}[event.patient_informed]
        initial = {name: getattr(event, name) for name in cls.FIELDS}
        initial.update(
            version=event.version,
            category=event.category_id,
            handler=event.handler_id,
            patient_informed=informed,
            patient_informed_at=_local(event.patient_informed_at),
            aware_at=_local(event.aware_at),
        )
        return initial


def _local(value: dt.datetime | None) -> dt.datetime | None:
    return timezone.localtime(value) if value is not None else None


class UsernamesField(forms.CharField):
    """Several people by username, separated by commas or spaces; cleans to a list of Users."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 2000)
        super().__init__(**kwargs)

    def clean(self, value: Any) -> list[User]:  # type: ignore[override]
        names = list(dict.fromkeys(n for n in _SPLIT.split(super().clean(value) or "") if n))
        found = {u.username.lower(): u for u in User.objects.filter(username__in=names, is_active=True)}
        missing = [n for n in names if n.lower() not in found]
        if missing:
            raise ValidationError(
                _("There is no user %(username)s."), params={"username": ", ".join(missing)}
            )
        return [found[n.lower()] for n in names]


_TIMELINE_LINE = re.compile(r"^\s*(\d{4}-\d{2}-\d{2})[ T](\d{1,2}:\d{2})\s+(.+)$")


class InvestigationForm(ShellForm):
    """A short investigation or a full händelseanalys; timeline and causes are written one per line."""

    id_prefix = "investigation"

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=Investigation.Kind.choices, widget=forms.RadioSelect)
    commissioner = PersonField(label=_("Commissioned by"), queryset=User.objects.none(), required=False)
    team = UsernamesField(
        label=_("Analysis team (usernames)"),
        required=False,
        help_text=_("Separated by commas, e.g. chef, redaktor."),
    )
    timeline = _text(
        _("Timeline"),
        rows=5,
        required=False,
        pnr=True,
        help_text=_(
            "One step per line: date and time, then what happened, e.g. 2026-03-14 08:30 Dosen ordinerades."
        ),
    )
    conclusions = _text(_("Conclusions"), required=False, pnr=True)
    final_report = _text(_("Final report"), rows=6, required=False, pnr=True)
    done = forms.BooleanField(
        label=_("The investigation is done"),
        required=False,
        help_text=_("Needs the final report."),
    )

    def __init__(self, *args: Any, handlers: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["commissioner"].queryset = handlers  # type: ignore[attr-defined]
        for value, label in Cause.Category.choices:
            self.fields[f"cause_{value}"] = _text(
                label, rows=2, required=False, pnr=True, help_text=_("One cause per line.")
            )

    @property
    def cause_fields(self) -> list[Any]:
        return [self[f"cause_{value}"] for value in Cause.Category.values]

    def clean_timeline(self) -> list[tuple[dt.datetime, str]]:
        steps = []
        for number, line in enumerate(self.cleaned_data["timeline"].splitlines(), start=1):
            if not line.strip():
                continue
            match = _TIMELINE_LINE.match(line)
            when = None
            if match:
                try:
                    when = dt.datetime.strptime(f"{match[1]} {match[2]}", "%Y-%m-%d %H:%M").replace(
                        tzinfo=timezone.get_current_timezone()
                    )
                except ValueError:
                    when = None
            if match is None or when is None:
                raise ValidationError(
                    _("Line %(number)s does not start with a date and time (2026-03-14 08:30)."),
                    params={"number": number},
                )
            steps.append((when, match[3].strip()))
        return steps

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        cleaned["causes"] = [
            (value, line.strip())
            for value in Cause.Category.values
            for line in cleaned.get(f"cause_{value}", "").splitlines()
            if line.strip()
        ]
        if cleaned.get("done") and not (cleaned.get("final_report") or "").strip():
            self.add_error("final_report", _("Write the final report before marking the investigation done."))
        return cleaned

    @classmethod
    def initial_for(cls, investigation: Investigation | None) -> dict[str, Any]:
        if investigation is None:
            return {"kind": Investigation.Kind.SHORT}
        initial: dict[str, Any] = {
            "version": investigation.version,
            "kind": investigation.kind,
            "commissioner": investigation.commissioner_id,
            "team": ", ".join(u.username for u in investigation.team.all()),
            "timeline": "\n".join(
                f"{timezone.localtime(step.at):%Y-%m-%d %H:%M} {step.text}"
                for step in investigation.timeline.all()
            ),
            "conclusions": investigation.conclusions,
            "final_report": investigation.final_report,
            "done": investigation.status == Investigation.Status.DONE,
        }
        causes: dict[str, list[str]] = defaultdict(list)
        for cause in investigation.causes.all():
            causes[cause.category].append(cause.description)
        for value in Cause.Category.values:
            initial[f"cause_{value}"] = "\n".join(causes.get(value, []))
        return initial


class CloseForm(VersionedForm):
    id_prefix = "close"

    comment = _text(
        _("Closing comment"), rows=3, pnr=True, help_text=_("The reporter sees it in Mina rapporter.")
    )


class ReopenForm(VersionedForm):
    id_prefix = "reopen"


class LearningForm(ShellForm):
    id_prefix = "learning"

    title = forms.CharField(label=_("Title"), max_length=300)
    summary = _text(
        _("What we learned"),
        rows=5,
        pnr=True,
        help_text=_("Anonymised: no names, no personal identity numbers. The whole organisation reads it."),
    )


class DutyForm(VersionedForm):
    """The decision on a reporting duty, always with its reasoning."""

    id_prefix = "duty"

    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[c for c in Duty.Decision.choices if c[0] != Duty.Decision.PENDING],
        widget=forms.RadioSelect,
    )
    reasoning = _text(_("Reasoning"), rows=4, pnr=True)
    reference = forms.CharField(label=_("Case number (optional)"), max_length=100, required=False)


# ---- actions ------------------------------------------------------------------------------------


class ActionForm(ShellForm):
    """A new action with its owner and due date."""

    id_prefix = "action"

    title = forms.CharField(label=_("Action"), max_length=300)
    owner = PersonField(label=_("Owner"), queryset=User.objects.none())
    due_date = forms.DateField(label=_("Due date"), widget=_date_input())
    description = _text(_("Description (optional)"), rows=3, required=False, pnr=True)

    def __init__(self, *args: Any, owners: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners  # type: ignore[attr-defined]


class ActionUpdateForm(VersionedForm):
    """Status and effect evaluation; a handler (``full``) also changes title, owner and due date."""

    id_prefix = "update"

    title = forms.CharField(label=_("Action"), max_length=300)
    owner = PersonField(label=_("Owner"), queryset=User.objects.none())
    due_date = forms.DateField(label=_("Due date"), widget=_date_input())
    status = forms.ChoiceField(label=_("Status"), choices=Action.Status.choices)
    effect = forms.ChoiceField(label=_("Effect"), choices=Action.Effect.choices, required=False)
    effect_evaluated_on = forms.DateField(
        label=_("Effect evaluated on"), widget=_date_input(), required=False
    )
    effect_comment = _text(_("What the evaluation showed"), rows=3, required=False, pnr=True)

    OWNER_FIELDS = ("status", "effect", "effect_evaluated_on", "effect_comment")
    HANDLER_FIELDS = ("title", "owner", "due_date", *OWNER_FIELDS)

    def __init__(self, *args: Any, owners: QuerySet[User] | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if owners is None:
            for name in ("title", "owner", "due_date"):
                del self.fields[name]
        else:
            self.fields["owner"].queryset = owners  # type: ignore[attr-defined]

    @property
    def names(self) -> tuple[str, ...]:
        return self.HANDLER_FIELDS if "title" in self.fields else self.OWNER_FIELDS


# ---- complaints and proposals -------------------------------------------------------------------


class ComplaintForm(ShellForm):
    id_prefix = "complaint"

    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none())
    received_on = forms.DateField(label=_("Received"), widget=_date_input())
    channel = forms.ChoiceField(label=_("Channel"), choices=Complaint.Channel.choices)
    sender = forms.ChoiceField(label=_("From"), choices=Complaint.Sender.choices, widget=forms.RadioSelect)
    description = _text(_("Description"), rows=5, pnr=True)
    events = forms.CharField(
        label=_("Linked events (numbers, optional)"),
        max_length=500,
        required=False,
        help_text=_("Separated by commas, e.g. 120, 135."),
    )

    def __init__(self, *args: Any, units: QuerySet[Unit], events: QuerySet[Event], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]
        self.visible_events = events

    def clean_received_on(self) -> dt.date:
        value: dt.date = self.cleaned_data["received_on"]
        if value > timezone.localdate():
            raise ValidationError(_("The date lies in the future."))
        return value

    def clean_events(self) -> list[Event]:
        numbers = [n for n in _SPLIT.split(self.cleaned_data["events"]) if n]
        if any(not n.isdigit() for n in numbers):
            raise ValidationError(_("Write event numbers, e.g. 120, 135."))
        wanted = {int(n) for n in numbers}
        found = list(self.visible_events.filter(pk__in=wanted))
        missing = sorted(wanted - {e.pk for e in found})
        if missing:
            raise ValidationError(
                _("There is no event %(number)s that you may see."),
                params={"number": ", ".join(map(str, missing))},
            )
        return found


class AnswerForm(VersionedForm):
    id_prefix = "answer"

    answered_on = forms.DateField(label=_("Answered on"), widget=_date_input())
    answer_summary = _text(_("Summary of the answer"), rows=4, pnr=True)


class ProposalForm(ShellForm):
    id_prefix = "proposal"

    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none())
    title = forms.CharField(label=_("Title"), max_length=300)
    idea = _text(_("Your idea"), rows=5, pnr=True, help_text=_("What could be better, and how?"))

    def __init__(self, *args: Any, units: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]


class MoveProposalForm(VersionedForm):
    id_prefix = "move"

    status = forms.ChoiceField(label=_("New state"), choices=Proposal.Status.choices)
    reason = _text(_("Reason"), rows=3, required=False, pnr=True, help_text=_("Required when not adopted."))


class PdsaForm(ShellForm):
    id_prefix = "pdsa"

    phase = forms.ChoiceField(label=_("Phase"), choices=PdsaEntry.Phase.choices)
    text = _text(_("Note"), rows=3, pnr=True)


class TrendForm(ShellForm):
    """The unit and the number of months the trends cover."""

    id_prefix = "trend"

    unit = forms.ModelChoiceField(
        label=_("Unit and the units below it"), queryset=Unit.objects.none(), widget=UnitSelect
    )
    months = forms.TypedChoiceField(
        label=_("Months"),
        choices=[(3, "3"), (6, "6"), (12, "12"), (24, "24"), (36, "36")],
        coerce=int,
        initial=12,
    )

    def __init__(self, *args: Any, units: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The options show the name and code; a förvaltning's scope has a few hundred units.
        self.fields["unit"].queryset = units.only("name", "code")  # type: ignore[attr-defined]
