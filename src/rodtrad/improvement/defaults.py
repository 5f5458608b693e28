"""The event categories every installation starts with (migration 0005), as the issue names them."""

from __future__ import annotations

from typing import Any

from rodtrad.improvement.models import Category

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


def add_default_categories(category_model: Any = Category) -> None:
    """Create the categories of the default tree that are missing; existing ones are left as they are.

    The migration passes its historical model; the demo, the generator and tests the real one.
    """
    codes = [row[0] for row in DEFAULT_CATEGORIES]
    existing = {c.code: c for c in category_model.objects.filter(code__in=codes)}
    for position, (code, name, parent_code, duty, positive) in enumerate(DEFAULT_CATEGORIES):
        if code not in existing:
            existing[code] = category_model.objects.create(
                code=code,
                name=name,
                parent=existing.get(parent_code) if parent_code else None,
                position=position,
                duty=duty,
                positive=positive,
            )
