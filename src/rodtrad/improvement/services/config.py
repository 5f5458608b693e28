"""The organisation's improvement settings and the default category tree."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from rodtrad.core.access import Actor
from rodtrad.core.models import AuditAction, Organisation
from rodtrad.core.services import audit
from rodtrad.core.services.common import field_error, lock
from rodtrad.improvement.models import ImprovementSettings
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
