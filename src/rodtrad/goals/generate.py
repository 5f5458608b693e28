"""Benchmark goals, indicators and measurements on a generated organisation (``rodtrad generate --goals``).

Written in bulk like the rest of ``rodtrad generate``: the one-row services would take hours
for a million measurements. Goals cascade down the unit tree as real ones do, each under a
goal of its parent unit in the same area, and the measurements first cover each goal's
own indicators at its unit (so the roll-up has values to judge), then spread at random.
"""

from __future__ import annotations

import random
from collections import defaultdict
from typing import Any

from django.db import transaction
from django.utils import timezone

from rodtrad.core.access import SYSTEM
from rodtrad.core.models import AuditAction, Organisation, Unit
from rodtrad.core.services import audit
from rodtrad.goals import periods
from rodtrad.goals.models import Goal, GoalArea, Indicator, IndicatorTarget, Measurement

BATCH = 5000
AREAS = ("Medborgare och kund", "Verksamhet och process", "Medarbetare", "Ekonomi")
WORDS = ("Tillgänglighet", "Patientsäkerhet", "Nöjdhet", "Sjukfrånvaro", "Resultat", "Miljö", "Kvalitet")


def _bulk(model: type[Any], rows: list[Any], progress: Any) -> None:
    for start in range(0, len(rows), BATCH):
        batch = rows[start : start + BATCH]
        model.objects.bulk_create(batch)
        if progress is not None:
            progress.update(len(batch))


def rows_to_write(goals: int, indicators: int, measurements: int) -> int:
    return goals + 2 * indicators + measurements


@transaction.atomic
def generate_goals(
    *, goals: int, indicators: int, measurements: int, seed: int = 1, progress: Any = None
) -> tuple[int, int, int]:
    """Add goals, indicators with this year's targets, and tertial measurements; returns the counts."""
    rng = random.Random(seed + 11)  # noqa: S311 - benchmark data, not secrets
    organisation = Organisation.objects.order_by("pk").first()
    region = Unit.objects.filter(depth=1).order_by("path").first()
    if organisation is None or region is None or goals < 0 or indicators < 0 or measurements < 0:
        return 0, 0, 0
    year = timezone.localdate().year
    areas = list(GoalArea.objects.filter(organisation=organisation))
    if not areas:
        areas = [GoalArea(organisation=organisation, name=n, position=i) for i, n in enumerate(AREAS)]
        GoalArea.objects.bulk_create(areas)
    start = Indicator.objects.count()
    made = [
        Indicator(
            code=f"GEN-{start + i + 1:05d}",
            name=f"{rng.choice(WORDS)} {start + i + 1}",
            unit=region,
            measure="%",
            direction=rng.choice(("higher", "lower")),
            by_sex=rng.random() < 0.2,
        )
        for i in range(indicators)
    ]
    _bulk(Indicator, made, progress)
    targets = []
    for indicator in made:
        target = float(rng.randint(50, 95))
        margin = target * 0.1
        yellow = target - margin if indicator.direction == "higher" else target + margin
        targets.append(
            IndicatorTarget(indicator=indicator, year=year, target=target, green=target, yellow=yellow)
        )
    _bulk(IndicatorTarget, targets, progress)
    made_goals = _goals(goals, rng, region, areas, made, year, progress)
    written = _measurements(measurements, rng, made, year, progress)
    audit.record(
        actor=SYSTEM,
        action=AuditAction.GENERATE,
        obj=region,
        unit=region,
        changes={
            "goals": [None, len(made_goals)],
            "indicators": [None, len(made)],
            "measurements": [None, written],
        },
        label="Generated goals, indicators and measurements",
    )
    return len(made_goals), len(made), written


def _goals(
    n: int,
    rng: random.Random,
    region: Unit,
    areas: list[GoalArea],
    indicators: list[Indicator],
    year: int,
    progress: Any,
) -> list[Goal]:
    """Two goals per area at the top, the rest spread over the units level by level."""
    if n <= 0:
        return []
    units = list(
        Unit.objects.filter(path__startswith=region.path)
        .order_by("depth", "path")
        .values_list("pk", "path", "depth")
    )
    by_unit: dict[str, list[Goal]] = defaultdict(list)
    tops = [
        Goal(
            area=areas[i % len(areas)],
            unit_id=region.pk,
            title=f"Regionmål {i + 1}",
            year_from=year,
            year_to=year,
        )
        for i in range(min(n, 2 * len(areas)))
    ]
    _bulk(Goal, tops, progress)
    by_unit[region.path] = tops
    result = list(tops)
    rest = n - len(tops)
    below = [u for u in units if u[2] > 1]
    per_unit = rest / len(below) if below else 0
    carry = 0.0
    levels: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for pk, path, depth in below:
        levels[depth].append((pk, path))
    for depth in sorted(levels):
        level: list[Goal] = []
        for pk, path in levels[depth]:
            carry += per_unit
            count, carry = int(carry), carry - int(carry)
            parents = by_unit.get(path[: -Unit.steplen]) or tops
            for i in range(count):
                parent = rng.choice(parents)
                level.append(
                    Goal(
                        area_id=parent.area_id,
                        unit_id=pk,
                        parent=parent,
                        title=f"{parent.title} – delmål {i + 1}",
                        year_from=year,
                        year_to=year,
                    )
                )
        _bulk(Goal, level, progress)
        paths = dict(levels[depth])
        for goal in level:
            by_unit[paths[goal.unit_id]].append(goal)
        result += level
    links = []
    if indicators:
        through = Goal.indicators.through
        for goal in result:
            for indicator in rng.sample(indicators, min(len(indicators), rng.randint(1, 2))):
                links.append(through(goal_id=goal.pk, indicator_id=indicator.pk))
        through.objects.bulk_create(links, batch_size=BATCH)
    return result


def _measurements(n: int, rng: random.Random, indicators: list[Indicator], year: int, progress: Any) -> int:
    """Up to ``n`` tertial values: first each goal's indicators at its unit, then at random."""
    if n <= 0 or not indicators:
        return 0
    codes = [p.code for p in periods.periods_of(periods.Scheme.TERTIAL, year)]
    unit_ids = list(Unit.objects.values_list("pk", flat=True))
    through = Goal.indicators.through
    pairs = list(
        dict.fromkeys(
            through.objects.filter(goal__in=Goal.objects.all())
            .values_list("indicator_id", "goal__unit_id")
            .order_by("goal_id", "indicator_id")
        )
    )
    seen: set[tuple[int, int]] = set(pairs)
    targets = {t.indicator_id: t.target for t in IndicatorTarget.objects.filter(year=year)}
    rows: list[Measurement] = []
    written = 0

    def add(indicator_id: int, unit_id: int) -> None:
        base = targets.get(indicator_id, 75.0)
        for code in codes:
            rows.append(
                Measurement(
                    indicator_id=indicator_id,
                    unit_id=unit_id,
                    period=code,
                    value=round(base * rng.uniform(0.8, 1.15), 1),
                )
            )

    for indicator_id, unit_id in pairs:
        if written + len(rows) + len(codes) > n:
            break
        add(indicator_id, unit_id)
        if len(rows) >= BATCH:
            _bulk(Measurement, rows, progress)
            written, rows[:] = written + len(rows), []
    attempts = 0
    while written + len(rows) + len(codes) <= n and attempts < 10 * n:
        attempts += 1
        pair = (rng.choice(indicators).pk, rng.choice(unit_ids))
        if pair in seen:
            continue
        seen.add(pair)
        add(*pair)
        if len(rows) >= BATCH:
            _bulk(Measurement, rows, progress)
            written, rows[:] = written + len(rows), []
    _bulk(Measurement, rows, progress)
    return written + len(rows)
