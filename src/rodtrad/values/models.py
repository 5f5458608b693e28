"""Vision and value base: value words and their behaviours, perspectives, value dialogues at the
workplaces, and employees' everyday stories (Varjedag-berättelser) that show the words in action."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from rodtrad.core.models import Organisation, ScopedQuerySet, Unit, User, VersionedModel
from rodtrad.goals.models import Goal


class ValueBase(VersionedModel):
    """A value base (värdegrund): motto, description, perspectives and ordered value words.

    An organisation may have several (e.g. one for health care and one for regional
    development); exactly one is the primary, which the compass and the public page show first.
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="value_bases", verbose_name=_("organisation")
    )
    name = models.CharField(_("name"), max_length=200)
    motto = models.CharField(_("motto or short version"), max_length=300, blank=True)
    description = models.TextField(_("description"), blank=True)
    primary = models.BooleanField(_("primary value base"), default=False)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    contact = models.ForeignKey(
        User,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("contact person"),
    )

    class Meta:
        verbose_name = _("value base")
        verbose_name_plural = _("value bases")
        ordering = ["-primary", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation"],
                condition=Q(primary=True),
                name="values_one_primary_base",
                violation_error_message=_("The organisation already has a primary value base."),
            ),
            models.UniqueConstraint(
                fields=["organisation", "name"],
                name="values_base_unique_name",
                violation_error_message=_("There is already a value base with this name."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Perspective(models.Model):
    """One perspective of a value base (e.g. the patient's, the employee's, the organisation's)."""

    value_base = models.ForeignKey(
        ValueBase, on_delete=models.CASCADE, related_name="perspectives", verbose_name=_("value base")
    )
    name = models.CharField(_("name"), max_length=120)
    text = models.TextField(_("text"), blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("perspective")
        verbose_name_plural = _("perspectives")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.name


class ValueWord(VersionedModel):
    """A value word (värdeord) with its description and the behaviours that guide decisions.

    Goals cite the words they carry out (``goals``): the red thread from values to daily work.
    """

    value_base = models.ForeignKey(
        ValueBase, on_delete=models.CASCADE, related_name="words", verbose_name=_("value base")
    )
    word = models.CharField(_("value word"), max_length=80)
    slug = models.SlugField(_("address"), max_length=80)
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    goals: models.ManyToManyField[Goal, Any] = models.ManyToManyField(
        Goal, blank=True, related_name="value_words", verbose_name=_("goals")
    )

    class Meta:
        verbose_name = _("value word")
        verbose_name_plural = _("value words")
        ordering = ["value_base", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["value_base", "slug"],
                name="values_word_unique_slug",
                violation_error_message=_("The value base already has this value word."),
            )
        ]

    def __str__(self) -> str:
        return self.word


class Behaviour(models.Model):
    """A behaviour that shows a value word in practice."""

    value_word = models.ForeignKey(
        ValueWord, on_delete=models.CASCADE, related_name="behaviours", verbose_name=_("value word")
    )
    text = models.TextField(_("behaviour"))
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("behaviour")
        verbose_name_plural = _("behaviours")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.text[:60]


class Dialogue(VersionedModel):
    """A workplace's value dialogue (värdegrundsdialog): who took part, which words, what they mean here.

    Its commitments are improvement Actions whose ``source`` is the dialogue.
    """

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="dialogues", verbose_name=_("unit"))
    held_on = models.DateField(_("held on"))
    facilitator = models.ForeignKey(
        User,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("facilitator"),
    )
    participants = models.PositiveIntegerField(_("number of participants"))
    value_words: models.ManyToManyField[ValueWord, Any] = models.ManyToManyField(
        ValueWord, related_name="dialogues", verbose_name=_("value words discussed")
    )
    conclusions = models.TextField(_("what it means for us"))

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("value dialogue")
        verbose_name_plural = _("value dialogues")
        ordering = ["-held_on", "-pk"]
        indexes = [models.Index(fields=["held_on", "unit"], name="values_dialogue_year_idx")]

    def __str__(self) -> str:
        return f"{self.unit} {self.held_on}"


class StoryQuerySet(ScopedQuerySet):
    """Published stories are for the whole organisation; unpublished ones for the writer and moderators."""

    view_action = "story.moderate"
    own_field = "author"

    def published(self) -> StoryQuerySet:
        return self.filter(status=Story.Status.PUBLISHED)


class Story(VersionedModel):
    """An employee's true everyday story (Varjedag-berättelse) that shows value words in action.

    Status transitions: submitted → published or returned (with a comment); returned →
    submitted (resubmitted by the writer); published → returned (withdrawn by a moderator).
    The writer confirms consent to publish, also for the colleagues named, before submitting.
    """

    class Kind(models.TextChoices):
        GOOD_EXAMPLE = "good_example", _("A good example")
        LEARNING = "learning", _("Learning from a risk")

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Awaiting moderation")
        PUBLISHED = "published", _("Published")
        RETURNED = "returned", _("Returned to the writer")

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="stories", verbose_name=_("unit"))
    author = models.ForeignKey(
        User, null=True, on_delete=models.SET_NULL, related_name="stories", verbose_name=_("writer")
    )
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("story"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.GOOD_EXAMPLE)
    value_words: models.ManyToManyField[ValueWord, Any] = models.ManyToManyField(
        ValueWord, related_name="stories", verbose_name=_("value words")
    )
    consent = models.BooleanField(_("consent to publish, also from the colleagues named"), default=False)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.SUBMITTED)
    moderator = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("moderator")
    )
    moderator_comment = models.TextField(_("moderator's comment"), blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    lifts = models.PositiveIntegerField(_("lifts"), default=0)
    source_event = models.ForeignKey(
        "improvement.Event",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="stories",
        verbose_name=_("from the positive event"),
    )

    objects = StoryQuerySet.as_manager()

    class Meta:
        verbose_name = _("story")
        verbose_name_plural = _("stories")
        ordering = ["-published_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "-published_at"], name="values_story_feed_idx"),
            models.Index(fields=["unit", "status", "-published_at"], name="values_story_unit_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(consent=True),
                name="values_story_consent",
                violation_error_message=_("A story needs consent to publish."),
            )
        ]

    def __str__(self) -> str:
        return self.title


class StoryAttachment(models.Model):
    """An image or short video attached to a story, within the configured size limit."""

    story = models.ForeignKey(
        Story, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("story")
    )
    file = models.FileField(_("file"), upload_to="stories/%Y/")
    name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("media type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size"))
    alt = models.CharField(_("description for screen readers"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name


class StoryLift(models.Model):
    """A colleague's appreciation ("Lyft") of a published story: once per person."""

    story = models.ForeignKey(
        Story, on_delete=models.CASCADE, related_name="lifted_by", verbose_name=_("story")
    )
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+", verbose_name=_("user"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("lift")
        verbose_name_plural = _("lifts")
        constraints = [
            models.UniqueConstraint(
                fields=["story", "user"],
                name="values_lift_once",
                violation_error_message=_("You have already lifted this story."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.story_id}"
