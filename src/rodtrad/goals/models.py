"""Goals, indicators and follow-up: the red thread from vision to result.

Goal areas and the settings are per organisation; goals, activities, indicators,
measurements and follow-ups belong to a unit, and access follows the unit tree
through :mod:`rodtrad.core.access`. Periods are codes computed by :mod:`.periods`.
"""

from __future__ import annotations

from typing import Any

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from rodtrad.core.models import Organisation, ScopedQuerySet, Unit, User, VersionedModel
from rodtrad.goals.periods import Scheme


class GoalSettings(VersionedModel):
    """The organisation's choices for goals: how the year is divided and how statuses roll up."""

    class Rule(models.TextChoices):
        """How a goal's status follows from its indicators and child goals (see :mod:`.rollup`)."""

        WORST = "worst", _("Worst of (the worst status decides)")
        MAJORITY = "majority", _("Majority (the most common status decides; a tie goes to the worse)")

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="goal_settings", verbose_name=_("organisation")
    )
    period_scheme = models.CharField(
        _("follow-up periods"), max_length=10, choices=Scheme.choices, default=Scheme.TERTIAL
    )
    rollup_rule = models.CharField(_("roll-up rule"), max_length=10, choices=Rule.choices, default=Rule.WORST)

    class Meta:
        verbose_name = _("goal settings")
        verbose_name_plural = _("goal settings")

    def __str__(self) -> str:
        return f"{self.organisation}: {self.period_scheme}, {self.rollup_rule}"


class GoalArea(VersionedModel):
    """A goal area (målområde/perspektiv) of the organisation, e.g. Medborgare och kund."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="goal_areas", verbose_name=_("organisation")
    )
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    colour = models.CharField(_("colour"), max_length=7, default="#5b6770", help_text=_("e.g. #1f6f8b"))
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("goal area")
        verbose_name_plural = _("goal areas")
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"],
                name="goals_area_unique_name",
                violation_error_message=_("There is already a goal area with this name."),
            )
        ]

    def __str__(self) -> str:
        return self.name


class GoalQuerySet(ScopedQuerySet):
    view_action = "goal.view"

    def for_year(self, year: int) -> GoalQuerySet:
        return self.filter(year_from__lte=year, year_to__gte=year)

    def in_subtree(self, unit: Unit) -> GoalQuerySet:
        return self.filter(unit__path__startswith=unit.path)


class Goal(VersionedModel):
    """A goal of a unit for a range of years; ``parent`` is the goal above it in the red thread.

    The parent belongs to the same unit or an ancestor unit, and to the same goal area
    (checked by the services). Goals will cite the value words they carry out once the
    value base exists: the values app adds that link from its side (a many-to-many to Goal),
    so nothing here changes.
    """

    area = models.ForeignKey(
        GoalArea, on_delete=models.PROTECT, related_name="goals", verbose_name=_("goal area")
    )
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="goals", verbose_name=_("unit"))
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("parent goal"),
    )
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    owner = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("owner")
    )
    year_from = models.PositiveSmallIntegerField(_("from year"))
    year_to = models.PositiveSmallIntegerField(_("to year"))
    indicators: models.ManyToManyField[Indicator, Any] = models.ManyToManyField(
        "Indicator", blank=True, related_name="goals", verbose_name=_("indicators")
    )

    objects = GoalQuerySet.as_manager()

    class Meta:
        verbose_name = _("goal")
        verbose_name_plural = _("goals")
        ordering = ["area__position", "title", "pk"]
        indexes = [models.Index(fields=["unit", "year_from", "year_to"], name="goals_goal_unit_year_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(year_to__gte=models.F("year_from")),
                name="goals_goal_years_in_order",
                violation_error_message=_("The last year cannot come before the first."),
            )
        ]

    def __str__(self) -> str:
        return self.title


class ActivityQuerySet(ScopedQuerySet):
    unit_path_lookup = "goal__unit__path"


class Activity(VersionedModel):
    """Work that carries out a goal, with a responsible person, dates, status and progress.

    Status transitions: planned → ongoing → done; planned or ongoing → cancelled;
    cancelled or done → ongoing (reopened). Progress is 100 when done.
    """

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        ONGOING = "ongoing", _("Ongoing")
        DONE = "done", _("Done")
        CANCELLED = "cancelled", _("Cancelled")

    goal = models.ForeignKey(
        Goal, on_delete=models.CASCADE, related_name="activities", verbose_name=_("goal")
    )
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    responsible = models.ForeignKey(
        User,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("responsible"),
    )
    start = models.DateField(_("start"), null=True, blank=True)
    end = models.DateField(_("end"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PLANNED)
    progress = models.PositiveSmallIntegerField(
        _("progress (%)"), default=0, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )

    objects = ActivityQuerySet.as_manager()

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["start", "pk"]

    def __str__(self) -> str:
        return self.title


class Indicator(VersionedModel):
    """A measure (nyckeltal) with its direction, per-year targets, frequency and aggregation.

    ``frequency`` decides which period codes its measurements use. ``unit`` is the owning
    unit: those with ``indicator.edit`` there change the indicator.
    """

    class Direction(models.TextChoices):
        HIGHER = "higher", _("Higher is better")
        LOWER = "lower", _("Lower is better")

    class Aggregation(models.TextChoices):
        """How a unit's value follows from its subunits' values when it has none of its own."""

        SUM = "sum", _("Sum")
        MEAN = "mean", _("Mean")
        WEIGHTED_MEAN = "weighted_mean", _("Weighted mean")
        NONE = "none", _("None")

    class Source(models.TextChoices):
        MANUAL = "manual", _("Entered by hand")
        IMPORT = "import", _("Imported from a file")
        API = "api", _("Through the API")

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="indicators", verbose_name=_("unit")
    )
    measure = models.CharField(_("unit of measure"), max_length=40, blank=True, help_text=_("e.g. %, dagar"))
    direction = models.CharField(
        _("direction"), max_length=10, choices=Direction.choices, default=Direction.HIGHER
    )
    frequency = models.CharField(
        _("frequency"), max_length=10, choices=Scheme.choices, default=Scheme.TERTIAL
    )
    aggregation = models.CharField(
        _("aggregation over units"), max_length=15, choices=Aggregation.choices, default=Aggregation.MEAN
    )
    by_sex = models.BooleanField(_("broken down by sex"), default=False)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices, default=Source.MANUAL)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class IndicatorTarget(models.Model):
    """An indicator's target for one year and the thresholds of its colours.

    With higher-is-better, a value at or above ``green`` is green, at or above ``yellow``
    yellow, below it red; with lower-is-better the other way round. So ``yellow`` lies
    below ``green`` for higher-is-better and above it for lower-is-better.
    """

    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="targets", verbose_name=_("indicator")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    target = models.FloatField(_("target"))
    green = models.FloatField(_("green from"))
    yellow = models.FloatField(_("yellow from"))

    class Meta:
        verbose_name = _("indicator target")
        verbose_name_plural = _("indicator targets")
        ordering = ["year"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "year"],
                name="goals_target_one_per_year",
                violation_error_message=_("The indicator already has a target for this year."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.year}: {self.target}"


class Sex(models.TextChoices):
    TOTAL = "total", _("Total")
    WOMEN = "women", _("Women")
    MEN = "men", _("Men")


class MeasurementQuerySet(ScopedQuerySet):
    def for_year(self, year: int) -> MeasurementQuerySet:
        return self.filter(period__gte=str(year), period__lt=str(year + 1))


class Measurement(models.Model):
    """One value of an indicator for a unit, a period and a sex (or the total).

    Written in bulk by imports and the API (upserts), so it carries no version: the last
    write wins, and each write is audited on its indicator.
    """

    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="measurements", verbose_name=_("indicator")
    )
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))
    period = models.CharField(_("period"), max_length=8)
    sex = models.CharField(_("sex"), max_length=5, choices=Sex.choices, default=Sex.TOTAL)
    value = models.FloatField(_("value"))
    weight = models.FloatField(
        _("weight"), null=True, blank=True, help_text=_("e.g. the number of patients; for weighted means")
    )
    comment = models.TextField(_("comment"), blank=True)
    author = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("entered by")
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = MeasurementQuerySet.as_manager()

    class Meta:
        verbose_name = _("measurement")
        verbose_name_plural = _("measurements")
        ordering = ["period", "unit_id", "sex"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "unit", "sex", "period"],
                name="goals_measurement_unique",
                violation_error_message=_(
                    "There is already a value for this indicator, unit, period and sex."
                ),
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.unit_id} {self.period} {self.sex}: {self.value}"


class FollowUpQuerySet(ScopedQuerySet):
    unit_path_lookup = "goal__unit__path"


class FollowUp(VersionedModel):
    """A unit's judgement of one goal for one period: status, analysis and next steps.

    Status moves freely between its values while the follow-up is open; marking it done
    (klarmarkera) needs a status other than "not assessed", and a done follow-up is
    reopened by an edit that sets ``done`` back to false.
    """

    class Status(models.TextChoices):
        MET = "met", _("Met")
        PARTLY = "partly", _("Partly met")
        NOT_MET = "not_met", _("Not met")
        NOT_ASSESSED = "not_assessed", _("Not assessed")

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="followups", verbose_name=_("goal"))
    period = models.CharField(_("period"), max_length=8)
    status = models.CharField(_("status"), max_length=15, choices=Status.choices, default=Status.NOT_ASSESSED)
    analysis = models.TextField(_("analysis"), blank=True)
    next_steps = models.TextField(_("next steps"), blank=True)
    done = models.BooleanField(_("marked done"), default=False)
    done_at = models.DateTimeField(_("marked done at"), null=True, blank=True)
    author = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("written by")
    )

    objects = FollowUpQuerySet.as_manager()

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        ordering = ["period", "goal_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["goal", "period"],
                name="goals_followup_one_per_period",
                violation_error_message=_("The goal already has a follow-up for this period."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.goal} {self.period}"


class FollowUpRound(VersionedModel):
    """A call to follow up one period by a deadline, for a set of units.

    A unit is done when each of its goals for the period's year has a follow-up marked done.
    """

    period = models.CharField(_("period"), max_length=8)
    deadline = models.DateField(_("deadline"))
    title = models.CharField(_("title"), max_length=200, blank=True)
    units = models.ManyToManyField(Unit, related_name="+", verbose_name=_("units"))
    created_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("opened by")
    )

    class Meta:
        verbose_name = _("follow-up round")
        verbose_name_plural = _("follow-up rounds")
        ordering = ["-deadline", "-pk"]

    def __str__(self) -> str:
        return self.title or self.period


class FollowUpReminder(models.Model):
    """That a late unit's manager was reminded of a round: once per round and unit."""

    round = models.ForeignKey(FollowUpRound, on_delete=models.CASCADE, related_name="reminders")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["round", "unit"], name="goals_reminder_once_per_round_unit")
        ]

    def __str__(self) -> str:
        return f"{self.round_id} {self.unit_id}"
