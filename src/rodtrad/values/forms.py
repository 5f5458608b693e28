"""Forms of the value pages. They parse and validate input; the services decide and write.

Checks the services make (a value word chosen, consent given, media types and sizes) are left
to them, so each refusal has one wording whether it comes through a page or the API.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from rodtrad.core.forms import ShellForm, UnitCodeField, UsernameField
from rodtrad.core.models import User
from rodtrad.goals import periods
from rodtrad.values.models import Story, ValueWord


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _people() -> QuerySet[User]:
    qs: QuerySet[User] = User.objects.filter(is_active=True)
    return qs


class WordLabel(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    """Value words as checkboxes, labelled by the word alone (the template groups them by value base)."""

    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj: Any) -> str:
        return str(obj.word)


def value_word_field(label: Any) -> WordLabel:
    return WordLabel(
        label=label,
        queryset=ValueWord.objects.select_related("value_base").order_by(
            "-value_base__primary", "value_base__position", "value_base_id", "position", "pk"
        ),
        required=False,
    )


class WordGroups:
    """The checkboxes of a value-word field grouped by value base: (base name, [checkbox, ...])."""

    def groups(self, name: str = "value_words") -> list[tuple[str, list[Any]]]:
        form: Any = self
        field = form.fields[name]
        bases = {str(w.pk): w.value_base.name for w in field.queryset}
        grouped: dict[str, list[Any]] = {}
        for box in form[name]:
            grouped.setdefault(bases.get(str(box.data["value"]), ""), []).append(box)
        return list(grouped.items())


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files from one input; cleans to a list (empty when none were chosen)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else []


# ---- stories -----------------------------------------------------------------------------------


class StoryForm(WordGroups, ShellForm):
    """A new story: the service masks identity numbers and checks words, consent and files."""

    id_prefix = "story"

    title = forms.CharField(label=_("Title"), max_length=200)
    text = forms.CharField(
        label=_("Your story"),
        widget=forms.Textarea(attrs={"rows": 8, "data-pnr": ""}),
        help_text=_("Tell what happened and what the colleague did. Never write personal identity numbers."),
    )
    unit = UnitCodeField(label=_("Unit (code)"), help_text=_("The unit where it happened, e.g. KLL-HSV."))
    kind = forms.ChoiceField(
        label=_("Kind of story"),
        choices=Story.Kind.choices,
        initial=Story.Kind.GOOD_EXAMPLE,
        widget=forms.RadioSelect,
    )
    value_words = value_word_field(_("Value words the story shows"))
    attachments = MultipleFileField(
        label=_("Images or short videos"),
        required=False,
        widget=MultipleFileInput(
            attrs={"accept": "image/jpeg,image/png,image/gif,image/webp,video/mp4,video/webm"}
        ),
    )
    attachments_alt = forms.CharField(
        label=_("What the images show"),
        max_length=300,
        required=False,
        help_text=_(
            "A short description for those who cannot see them, e.g. “The team at the morning meeting”."
        ),
    )
    consent = forms.BooleanField(
        label=_("I confirm that the story may be published, and that the colleagues I name agree."),
        required=False,
    )
    source_event = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["attachments"].help_text = _(
            "JPEG, PNG, GIF or WebP images, MP4 or WebM videos; at most 4 files of %(mb)s MB each."
        ) % {"mb": settings.RODTRAD_STORY_ATTACHMENT_MB}


class ResubmitForm(WordGroups, ShellForm):
    """A returned story, changed as the moderator asked, sent in again."""

    id_prefix = "story"

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    title = forms.CharField(label=_("Title"), max_length=200)
    text = forms.CharField(label=_("Your story"), widget=forms.Textarea(attrs={"rows": 8, "data-pnr": ""}))
    kind = forms.ChoiceField(label=_("Kind of story"), choices=Story.Kind.choices, widget=forms.RadioSelect)
    value_words = value_word_field(_("Value words the story shows"))


class ModerateForm(ShellForm):
    """Publish a story, or return it with a comment (the service requires the comment on return)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    comment = forms.CharField(
        label=_("Comment to the writer"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("Needed when you return the story."),
    )


class FeedFilterForm(ShellForm):
    """The story feed's filters; each is optional."""

    id_prefix = "filter"

    word = forms.ModelChoiceField(
        label=_("Value word"),
        queryset=ValueWord.objects.select_related("value_base").order_by(
            "-value_base__primary", "value_base__position", "value_base_id", "position"
        ),
        required=False,
        empty_label=_("All value words"),
    )
    unit = UnitCodeField(label=_("Unit (code)"), required=False, help_text=_("Includes the units below it."))
    year = forms.IntegerField(
        label=_("Year"), min_value=periods.MIN_YEAR, max_value=periods.MAX_YEAR, required=False
    )


# ---- dialogues ---------------------------------------------------------------------------------


class DialogueForm(WordGroups, ShellForm):
    """A workplace's value dialogue; its commitments come in a formset beside it."""

    id_prefix = "dialogue"

    unit = UnitCodeField(label=_("Unit (code)"))
    held_on = forms.DateField(label=_("Held on"), widget=_date_input())
    facilitator = UsernameField(label=_("Facilitator (username)"), required=False)
    participants = forms.IntegerField(label=_("Number of participants"), min_value=1, max_value=100000)
    value_words = value_word_field(_("Value words discussed"))
    conclusions = forms.CharField(
        label=_("What it means for us"),
        widget=forms.Textarea(attrs={"rows": 6, "data-pnr": ""}),
        help_text=_("What the value words mean at your workplace, in your own words."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["facilitator"].queryset = _people()  # type: ignore[attr-defined]


class CommitmentForm(forms.Form):
    """One commitment: it becomes an improvement action of the unit."""

    title = forms.CharField(label=_("Commitment"), max_length=300)
    owner = UsernameField(
        label=_("Owner (username)"), required=False, help_text=_("Empty: the unit's manager.")
    )
    due_date = forms.DateField(label=_("Due date"), widget=_date_input())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = _people()  # type: ignore[attr-defined]


CommitmentFormSet = forms.formset_factory(CommitmentForm, extra=3, max_num=50, absolute_max=50)


class CoverageForm(ShellForm):
    """The year and, to drill down, the förvaltning (or any unit) whose units are listed."""

    id_prefix = "coverage"

    year = forms.IntegerField(label=_("Year"), min_value=periods.MIN_YEAR, max_value=periods.MAX_YEAR)
    unit = forms.IntegerField(widget=forms.HiddenInput, required=False)


class DialogueFilterForm(ShellForm):
    id_prefix = "filter"

    year = forms.IntegerField(
        label=_("Year"), min_value=periods.MIN_YEAR, max_value=periods.MAX_YEAR, required=False
    )
    unit = UnitCodeField(label=_("Unit (code)"), required=False, help_text=_("Includes the units below it."))


# ---- value bases -------------------------------------------------------------------------------


class ValueBaseForm(ShellForm):
    """A value base; its perspectives come in a formset beside it."""

    id_prefix = "base"

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=False)
    name = forms.CharField(label=_("Name"), max_length=200)
    motto = forms.CharField(label=_("Motto or short version"), max_length=300, required=False)
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 5}), required=False
    )
    primary = forms.BooleanField(
        label=_("The primary value base"),
        required=False,
        help_text=_("Shown first and drawn as the value compass."),
    )
    contact = UsernameField(label=_("Contact person (username)"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["contact"].queryset = _people()  # type: ignore[attr-defined]


class PerspectiveForm(forms.Form):
    name = forms.CharField(label=_("Perspective"), max_length=120)
    text = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


PerspectiveFormSet = forms.formset_factory(PerspectiveForm, extra=2, max_num=50, absolute_max=50)


class ValueWordForm(ShellForm):
    """A value word with its behaviours, one per line."""

    id_prefix = "word"

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=False)
    word = forms.CharField(label=_("Value word"), max_length=80)
    description = forms.CharField(
        label=_("What it means"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    behaviours = forms.CharField(
        label=_("Behaviours"),
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        help_text=_("One behaviour per line."),
    )
    position = forms.IntegerField(label=_("Place in the order"), min_value=0, max_value=1000, required=False)

    def behaviour_list(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data.get("behaviours", "").splitlines() if line.strip()]
