"""The organisation's improvement settings and the default category tree."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from rodtrad.core.access import Actor
from rodtrad.core.models import AuditAction, Organisation
from rodtrad.core.services import audit
from rodtrad.core.services.common import field_error, lock
from rodtrad.improvement.models import Category, ImprovementSettings
from rodtrad.improvement.services.base import organisation, require

#: Each setting and its allowed range: days up to a year, hours up to a month.
SETTING_LIMITS: dict[str, int] = {
    "complaint_days": 365,
    "lex_maria_days": 365,
    "imy_hours": 744,
    "work_injury_hours": 744,
    "action_reminder_days": 365,
}
SETTING_FIELDS = tuple(SETTING_LIMITS)

#: The category tree every installation starts with: code, name, parent code, duty, positive.
DEFAULT_CATEGORIES: list[tuple[str, str, str, str, bool]] = [
    ("vard-och-behandling", "Vård och behandling", "", "", False),
    ("lakemedel", "Läkemedel", "", "", False),
    ("diagnostik", "Diagnostik", "", "", False),
    ("informationsoverforing", "Informationsöverföring och kommunikation", "", "", False),
    ("medicinteknik", "Medicinteknik", "", "", False),
    ("vardhygien", "Vårdhygien", "", "", False),
    ("fall", "Fall", "", "", False),
    ("bemotande", "Bemötande", "", "", False),
    ("arbetsmiljo", "Arbetsmiljö", "", "", False),
    ("arbetsmiljo-tillbud", "Tillbud", "arbetsmiljo", Category.Duty.WORK_INJURY, False),
    ("arbetsmiljo-olycksfall", "Olycksfall", "arbetsmiljo", Category.Duty.WORK_INJURY, False),
    ("miljo", "Miljö", "", "", False),
    ("informationssakerhet", "Informationssäkerhet", "", "", False),
    (
        "personuppgiftsincident",
        "Personuppgiftsincident",
        "informationssakerhet",
        Category.Duty.PERSONAL_DATA,
        False,
    ),
    ("sakerhet-och-egendom", "Säkerhet och egendom", "", "", False),
    ("positiv-handelse", "Positiv händelse", "", "", True),
]


def improvement_settings() -> ImprovementSettings:
    """The saved settings, or the defaults (28 days for complaints, 72 hours for IMY, ...)."""
    found = ImprovementSettings.objects.filter(
        organisation__in=Organisation.objects.order_by("pk")[:1]
    ).first()
    return found or ImprovementSettings()


@transaction.atomic
def update_settings(*, by: Actor, version: int | None, **changes: Any) -> ImprovementSettings:
    """Change the deadlines (administrators and quality coordinators of the top unit)."""
    current = improvement_settings()
    if current.pk:
        obj = lock(ImprovementSettings, current.pk, version)
    else:
        obj = ImprovementSettings(organisation=organisation())
    require(by, "improvement.settings", obj)
    before = audit.snapshot(obj, SETTING_FIELDS) if obj.pk else {}
    for key, value in changes.items():
        if key not in SETTING_LIMITS:
            raise field_error(key, _("Unknown field."))
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= SETTING_LIMITS[key]:
            raise field_error(
                key, _("Give a whole number from 1 to %(limit)s.") % {"limit": SETTING_LIMITS[key]}
            )
        setattr(obj, key, value)
    if obj.pk:
        obj.version += 1
    obj.save()
    changed = audit.diff(before, audit.snapshot(obj, SETTING_FIELDS))
    audit.record(
        actor=by, action=AuditAction.UPDATE if before else AuditAction.CREATE, obj=obj, changes=changed
    )
    return obj


@transaction.atomic
def ensure_default_categories() -> None:
    """Create the categories of the default tree that are missing; existing ones are left as they are."""
    existing = {c.code: c for c in Category.objects.filter(code__in=[row[0] for row in DEFAULT_CATEGORIES])}
    created = []
    for position, (code, name, parent_code, duty, positive) in enumerate(DEFAULT_CATEGORIES):
        if code in existing:
            continue
        category = Category.objects.create(
            code=code,
            name=name,
            parent=existing.get(parent_code) if parent_code else None,
            position=position,
            duty=duty,
            positive=positive,
        )
        existing[code] = category
        created.append(category)
    for category in created:
        audit.record(
            actor=None,
            action=AuditAction.CREATE,
            obj=category,
            changes=audit.diff({}, audit.snapshot(category, ("code", "name", "parent", "duty", "positive"))),
        )
