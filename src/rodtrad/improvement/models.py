"""The daily improvement loop: events (deviations and positive events), triage and reporting duties,
investigations, actions, complaints, improvement proposals and published learnings."""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from rodtrad.core.models import Organisation, ScopedQuerySet, Unit, User, VersionedModel

LEVELS = [MinValueValidator(1), MaxValueValidator(4)]


class ImprovementSettings(VersionedModel):
    """The organisation's deadlines for complaints and reporting duties.

    The law fixes none of the Lex Maria or complaint deadlines in days ("snarast"); these are
    the organisation's own targets. IMY's 72 hours is GDPR article 33.
    """

    organisation = models.OneToOneField(
        Organisation,
        on_delete=models.CASCADE,
        related_name="improvement_settings",
        verbose_name=_("organisation"),
    )
    complaint_days = models.PositiveSmallIntegerField(_("days to answer a complaint"), default=28)
    lex_maria_days = models.PositiveSmallIntegerField(_("target days for a Lex Maria decision"), default=60)
    imy_hours = models.PositiveSmallIntegerField(_("hours to notify IMY"), default=72)
    work_injury_hours = models.PositiveSmallIntegerField(_("hours to notify Arbetsmiljöverket"), default=24)
    action_reminder_days = models.PositiveSmallIntegerField(
        _("days before an action's due date to remind"), default=7
    )

    class Meta:
        verbose_name = _("improvement settings")
        verbose_name_plural = _("improvement settings")

    def __str__(self) -> str:
        return str(self.organisation)


class Category(models.Model):
    """A node of the configurable category tree; ``duty`` names the reporting duty it triggers."""

    class Duty(models.TextChoices):
        NONE = "", _("None")
        PERSONAL_DATA = "personal_data", _("Personal data breach (IMY)")
        WORK_INJURY = "work_injury", _("Work injury or incident (Arbetsmiljöverket)")

    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=120)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("parent"),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    duty = models.CharField(_("reporting duty"), max_length=20, choices=Duty.choices, blank=True, default="")
    positive = models.BooleanField(_("positive event"), default=False)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class Affected(models.TextChoices):
    PATIENT = "patient", _("Patient")
    STAFF = "staff", _("Staff")
    VISITOR = "visitor", _("Visitor")
    ENVIRONMENT = "environment", _("Environment")
    INFORMATION = "information", _("Information")
    PROPERTY = "property", _("Property")


class Harm(models.TextChoices):
    NONE = "none", _("No harm")
    RISK = "risk", _("Risk of care injury")
    INJURY = "injury", _("Care injury")
    SERIOUS = "serious", _("Serious care injury")


class EventQuerySet(ScopedQuerySet):
    """Handlers see their subtree's events; everyone sees the events they reported."""

    view_action = "event.view"
    own_field = "reporter"


class Event(VersionedModel):
    """A reported event: a deviation, a near miss, or a positive event.

    Status transitions: new → triaged → investigating → closed; new or triaged → closed;
    closed → triaged (reopened). Risk is probability × consequence, each 1–4.
    """

    class Status(models.TextChoices):
        NEW = "new", _("New")
        TRIAGED = "triaged", _("Assessed")
        INVESTIGATING = "investigating", _("Under investigation")
        CLOSED = "closed", _("Closed")

    OPEN: ClassVar[tuple[str, ...]] = (Status.NEW, Status.TRIAGED, Status.INVESTIGATING)

    # No index of its own: the (unit, …) indexes below lead with it, and a lone unit index tempts
    # SQLite to sort a subtree's events by reading every row instead of the (unit, occurred_at) index.
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="events", verbose_name=_("unit"), db_index=False
    )
    reporter = models.ForeignKey(
        User, null=True, on_delete=models.SET_NULL, related_name="reported_events", verbose_name=_("reporter")
    )
    occurred_at = models.DateTimeField(_("happened"))
    description = models.TextField(_("what happened"))
    immediate_action = models.TextField(_("what was done at once"), blank=True)
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="events", verbose_name=_("category")
    )
    affected = models.CharField(_("who was affected"), max_length=20, choices=Affected.choices)
    positive = models.BooleanField(_("positive event"), default=False)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.NEW)
    # Triage
    handler = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("handler")
    )
    probability = models.PositiveSmallIntegerField(_("probability"), null=True, blank=True, validators=LEVELS)
    consequence = models.PositiveSmallIntegerField(_("consequence"), null=True, blank=True, validators=LEVELS)
    harm = models.CharField(_("harm"), max_length=20, choices=Harm.choices, blank=True)
    patient_informed = models.BooleanField(_("patient informed"), null=True, blank=True)
    patient_informed_at = models.DateTimeField(_("patient informed at"), null=True, blank=True)
    aware_at = models.DateTimeField(
        _("became aware"),
        null=True,
        blank=True,
        help_text=_("Starts the 72-hour clock of a personal data breach."),
    )
    serious_work_injury = models.BooleanField(_("serious work injury or incident"), default=False)
    closing_comment = models.TextField(_("closing comment"), blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["-occurred_at", "-pk"]
        indexes = [
            models.Index(fields=["unit", "status", "occurred_at"], name="improve_event_unit_status_idx"),
            models.Index(fields=["unit", "occurred_at"], name="improve_event_unit_time_idx"),
            # Covers the trends' grouping (unit, month, category) without reading the events' rows.
            models.Index(fields=["unit", "occurred_at", "category"], name="improve_event_unit_trend_idx"),
            models.Index(fields=["status", "occurred_at"], name="improve_event_status_time_idx"),
            models.Index(fields=["reporter", "occurred_at"], name="improve_event_reporter_idx"),
            models.Index(fields=["category", "occurred_at"], name="improve_event_category_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(probability__isnull=True) | Q(probability__gte=1, probability__lte=4),
                name="improve_event_probability_1_4",
                violation_error_message=_("Probability is 1–4."),
            ),
            models.CheckConstraint(
                condition=Q(consequence__isnull=True) | Q(consequence__gte=1, consequence__lte=4),
                name="improve_event_consequence_1_4",
                violation_error_message=_("Consequence is 1–4."),
            ),
        ]

    def __str__(self) -> str:
        return _("Event %(number)s") % {"number": self.pk}

    @property
    def risk(self) -> int | None:
        if self.probability is None or self.consequence is None:
            return None
        return self.probability * self.consequence


class DutyQuerySet(ScopedQuerySet):
    unit_path_lookup = "event__unit__path"
    view_action = "event.view"


class Duty(VersionedModel):
    """A reporting duty that triage opened on an event, with its clock.

    Decision transitions: pending → reported or not reported (with reasoning); a decision can be
    corrected by a new decision. The clock starts at the event (Lex Maria) or at awareness (IMY,
    Arbetsmiljöverket); ``deadline`` comes from the organisation's settings.
    """

    class Kind(models.TextChoices):
        LEX_MARIA = "lex_maria", _("Lex Maria (IVO)")
        PERSONAL_DATA = "personal_data", _("Personal data breach (IMY)")
        WORK_INJURY = "work_injury", _("Serious work injury (Arbetsmiljöverket)")

    class Decision(models.TextChoices):
        PENDING = "pending", _("Not decided")
        REPORTED = "reported", _("Reported")
        NOT_REPORTED = "not_reported", _("Not reported")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="duties", verbose_name=_("event"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    started_at = models.DateTimeField(_("clock started"))
    deadline = models.DateTimeField(_("deadline"))
    decision = models.CharField(
        _("decision"), max_length=20, choices=Decision.choices, default=Decision.PENDING
    )
    reasoning = models.TextField(_("reasoning"), blank=True)
    reference = models.CharField(_("case number"), max_length=100, blank=True)
    decided_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("decided by")
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    objects = DutyQuerySet.as_manager()

    class Meta:
        verbose_name = _("reporting duty")
        verbose_name_plural = _("reporting duties")
        ordering = ["deadline", "pk"]
        indexes = [models.Index(fields=["decision", "deadline"], name="improve_duty_open_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "kind"],
                name="improve_duty_one_per_kind",
                violation_error_message=_("The event already has this reporting duty."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.event}"


class InvestigationQuerySet(ScopedQuerySet):
    unit_path_lookup = "event__unit__path"
    view_action = "event.view"


class Investigation(VersionedModel):
    """A short investigation or a full händelseanalys of one event.

    Status transitions: ongoing → done (the final report is written) → ongoing (reopened).
    """

    class Kind(models.TextChoices):
        SHORT = "short", _("Short investigation")
        FULL = "full", _("Event analysis (händelseanalys)")

    class Status(models.TextChoices):
        ONGOING = "ongoing", _("Ongoing")
        DONE = "done", _("Done")

    event = models.OneToOneField(
        Event, on_delete=models.CASCADE, related_name="investigation", verbose_name=_("event")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.SHORT)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ONGOING)
    commissioner = models.ForeignKey(
        User,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("commissioner"),
    )
    team: models.ManyToManyField[User, Any] = models.ManyToManyField(
        User, blank=True, related_name="+", verbose_name=_("analysis team")
    )
    conclusions = models.TextField(_("conclusions"), blank=True)
    final_report = models.TextField(_("final report"), blank=True)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)

    objects = InvestigationQuerySet.as_manager()

    class Meta:
        verbose_name = _("investigation")
        verbose_name_plural = _("investigations")

    def __str__(self) -> str:
        return _("Investigation of %(event)s") % {"event": self.event}


class TimelineEntry(models.Model):
    """One step in an investigation's sequence of events."""

    investigation = models.ForeignKey(
        Investigation, on_delete=models.CASCADE, related_name="timeline", verbose_name=_("investigation")
    )
    at = models.DateTimeField(_("when"))
    text = models.TextField(_("what happened"))

    class Meta:
        verbose_name = _("timeline entry")
        verbose_name_plural = _("timeline entries")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.text[:40]}"


class Cause(models.Model):
    """A cause found by an investigation, in the categories of Socialstyrelsen's händelseanalys."""

    class Category(models.TextChoices):
        COMMUNICATION = "communication", _("Communication and information")
        COMPETENCE = "competence", _("Knowledge and competence")
        TECHNOLOGY = "technology", _("Technology and equipment")
        PROCEDURES = "procedures", _("Procedures and routines")
        ORGANISATION = "organisation", _("Organisation")
        ENVIRONMENT = "environment", _("Environment")
        LATENT = "latent", _("Latent conditions")

    investigation = models.ForeignKey(
        Investigation, on_delete=models.CASCADE, related_name="causes", verbose_name=_("investigation")
    )
    category = models.CharField(_("cause category"), max_length=20, choices=Category.choices)
    description = models.TextField(_("description"))

    class Meta:
        verbose_name = _("cause")
        verbose_name_plural = _("causes")
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.get_category_display()}: {self.description[:40]}"


class ActionQuerySet(ScopedQuerySet):
    """Handlers see their subtree's actions; everyone sees the actions they own."""

    view_action = "action.view"
    own_field = "owner"

    def overdue(self, today: Any) -> ActionQuerySet:
        return self.filter(status__in=Action.OPEN, due_date__lt=today)


class Action(VersionedModel):
    """Something a unit will do, with an owner and a due date; one model serves every module.

    ``source`` is what it came from: an event, and later an audit finding, a risk, a proposal, a
    value dialogue or a management review. Status transitions: planned → ongoing → done or not done;
    any closed status → ongoing (reopened). The effect is evaluated once done.
    """

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        ONGOING = "ongoing", _("Ongoing")
        DONE = "done", _("Done")
        NOT_DONE = "not_done", _("Not carried out")

    class Effect(models.TextChoices):
        NOT_EVALUATED = "", _("Not evaluated")
        EFFECTIVE = "effective", _("Had the intended effect")
        PARTLY = "partly", _("Partly had the intended effect")
        NOT_EFFECTIVE = "not_effective", _("Did not have the intended effect")

    OPEN: ClassVar[tuple[str, ...]] = (Status.PLANNED, Status.ONGOING)

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="actions", verbose_name=_("unit"))
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    owner = models.ForeignKey(
        User,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="actions",
        verbose_name=_("owner"),
    )
    due_date = models.DateField(_("due date"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PLANNED)
    completed_on = models.DateField(_("completed"), null=True, blank=True)
    source_type = models.ForeignKey(
        ContentType,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("source type"),
    )
    source_id = models.PositiveBigIntegerField(_("source id"), null=True, blank=True)
    source = GenericForeignKey("source_type", "source_id")
    effect = models.CharField(_("effect"), max_length=20, choices=Effect.choices, blank=True, default="")
    effect_evaluated_on = models.DateField(_("effect evaluated"), null=True, blank=True)
    effect_comment = models.TextField(_("effect evaluation"), blank=True)

    objects = ActionQuerySet.as_manager()

    class Meta:
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        ordering = ["due_date", "pk"]
        indexes = [
            models.Index(fields=["unit", "status", "due_date"], name="improve_action_unit_idx"),
            models.Index(fields=["owner", "status", "due_date"], name="improve_action_owner_idx"),
            models.Index(fields=["status", "due_date"], name="improve_action_due_idx"),
            models.Index(fields=["source_type", "source_id"], name="improve_action_source_idx"),
        ]

    def __str__(self) -> str:
        return self.title


class ComplaintQuerySet(ScopedQuerySet):
    view_action = "complaint.view"


class Complaint(VersionedModel):
    """A complaint or view from a patient or relative, answered within the organisation's deadline.

    Status transitions: open → answered (date and summary recorded) → open (reopened).
    """

    class Channel(models.TextChoices):
        DIRECT = "direct", _("Directly to the unit")
        PATIENT_BOARD = "patient_board", _("Patientnämnden")
        HEALTH_GUIDE = "1177", _("1177")
        IVO = "ivo", _("IVO")
        OTHER = "other", _("Other")

    class Sender(models.TextChoices):
        PATIENT = "patient", _("Patient")
        RELATIVE = "relative", _("Relative")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        ANSWERED = "answered", _("Answered")

    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="complaints", verbose_name=_("unit")
    )
    received_on = models.DateField(_("received"))
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    sender = models.CharField(_("from"), max_length=10, choices=Sender.choices)
    description = models.TextField(_("description"))
    deadline = models.DateField(_("answer by"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    answered_on = models.DateField(_("answered"), null=True, blank=True)
    answer_summary = models.TextField(_("summary of the answer"), blank=True)
    handler = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("handler")
    )
    events: models.ManyToManyField[Event, Any] = models.ManyToManyField(
        Event, blank=True, related_name="complaints", verbose_name=_("events")
    )

    objects = ComplaintQuerySet.as_manager()

    class Meta:
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        ordering = ["deadline", "pk"]
        indexes = [
            models.Index(fields=["unit", "status", "deadline"], name="improve_complaint_unit_idx"),
            models.Index(fields=["status", "deadline"], name="improve_complaint_due_idx"),
        ]

    def __str__(self) -> str:
        return _("Complaint %(number)s") % {"number": self.pk}


class ProposalQuerySet(ScopedQuerySet):
    """The unit's people see its proposals; everyone sees the ones they submitted."""

    view_action = "proposal.view"
    own_field = "submitted_by"


class Proposal(VersionedModel):
    """An improvement proposal (förbättringsförslag), tried in plan-do-study-act cycles.

    Status transitions: new → assessing → ongoing → adopted or rejected (with a reason);
    new or assessing → rejected; rejected → assessing (reconsidered).
    """

    class Status(models.TextChoices):
        NEW = "new", _("New")
        ASSESSING = "assessing", _("Being assessed")
        ONGOING = "ongoing", _("Being tried")
        ADOPTED = "adopted", _("Adopted")
        REJECTED = "rejected", _("Not adopted")

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="proposals", verbose_name=_("unit"))
    title = models.CharField(_("title"), max_length=300)
    idea = models.TextField(_("idea"))
    submitted_by = models.ForeignKey(
        User, null=True, on_delete=models.SET_NULL, related_name="proposals", verbose_name=_("submitted by")
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.NEW)
    reason = models.TextField(_("reason"), blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    objects = ProposalQuerySet.as_manager()

    class Meta:
        verbose_name = _("improvement proposal")
        verbose_name_plural = _("improvement proposals")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["unit", "status"], name="improve_proposal_unit_idx")]

    def __str__(self) -> str:
        return self.title


class PdsaEntry(models.Model):
    """One plan-do-study-act note in the trial of a proposal."""

    class Phase(models.TextChoices):
        PLAN = "plan", _("Plan")
        DO = "do", _("Do")
        STUDY = "study", _("Study")
        ACT = "act", _("Act")

    proposal = models.ForeignKey(
        Proposal, on_delete=models.CASCADE, related_name="pdsa", verbose_name=_("proposal")
    )
    phase = models.CharField(_("phase"), max_length=10, choices=Phase.choices)
    text = models.TextField(_("text"))
    author = models.ForeignKey(
        User, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("author")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("PDSA entry")
        verbose_name_plural = _("PDSA entries")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_phase_display()}: {self.text[:40]}"


class Learning(VersionedModel):
    """An anonymised summary of a closed or positive event, readable by the whole organisation."""

    event = models.OneToOneField(
        Event,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="learning",
        verbose_name=_("event"),
    )
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="learnings", verbose_name=_("unit"))
    category = models.ForeignKey(
        Category,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("category"),
    )
    positive = models.BooleanField(_("from a positive event"), default=False)
    title = models.CharField(_("title"), max_length=300)
    summary = models.TextField(_("what we learned"))
    published_by = models.ForeignKey(
        User, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("published by")
    )
    published_at = models.DateTimeField(_("published"))

    class Meta:
        verbose_name = _("learning")
        verbose_name_plural = _("learnings")
        ordering = ["-published_at", "-pk"]

    def __str__(self) -> str:
        return self.title


class Reminder(models.Model):
    """A reminder the daily job has sent, so it never sends the same one twice.

    ``due`` is the due date or deadline it was about (ISO 8601): a moved deadline is reminded again.
    """

    class Kind(models.TextChoices):
        ACTION = "action", _("Action")
        COMPLAINT = "complaint", _("Complaint")
        DUTY = "duty", _("Reporting duty")

    class Threshold(models.TextChoices):
        SOON = "soon", _("Due soon")
        PASSED = "passed", _("Passed")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    object_id = models.PositiveBigIntegerField(_("object id"))
    threshold = models.CharField(_("threshold"), max_length=10, choices=Threshold.choices)
    due = models.CharField(_("due"), max_length=40)
    sent_at = models.DateTimeField(_("sent"), auto_now_add=True)

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "object_id", "threshold", "due"],
                name="improve_reminder_once",
                violation_error_message=_("This reminder was already sent."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id} {self.threshold} {self.due}"
