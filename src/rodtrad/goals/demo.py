"""Demo goals for a profile: the seed's goal areas, a year of goals broken down to the demo units,
indicators with three tertials of values (some by sex) and follow-ups in every state.

Goal areas come from the seeds: Kalmar (003) and Jämtland (004) name theirs. Örebro (001)
and the compass region (000) name none, so theirs are drawn from what the seeds stress:
Örebro's "invånaren i fokus", the county's development, its staff and its resources; the
compass's three perspectives (patient, medarbetare, organisation) plus its second value base
for regional development.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from rodtrad.core import access
from rodtrad.core.access import SYSTEM
from rodtrad.core.demo.profiles import Profile
from rodtrad.core.models import Organisation, Unit, User
from rodtrad.goals import periods, services
from rodtrad.goals.models import Activity, FollowUp, Goal, GoalArea, Indicator
from rodtrad.goals.services import Row, TargetIn

COLOURS = ("#1f6f8b", "#2e7d32", "#8e44ad", "#b35c00")
AREAS: dict[str, tuple[tuple[str, str], ...]] = {
    "kalmar": (
        ("Medborgare och kund", "Nära invånarna, personcentrerat, tillgängligt och jämlikt."),
        ("Verksamhet och process", "Hög kvalitet, patientsäkerhet och ständiga förbättringar."),
        ("Medarbetare", "Ett hälsofrämjande och attraktivt arbetsliv."),
        ("Ekonomi", "En ekonomi i balans som ger handlingsutrymme."),
    ),
    "jamtland": (
        ("Samhälle", "En positiv livsmiljö och en hållbar utveckling i länet."),
        ("Patient", "En tillgänglig och god vård som möter medborgarnas behov."),
        ("Medarbetare", "Respekt, förtroende och helhetssyn i dagliga möten."),
        ("Verksamhetsresultat", "Kvalitet och effektivitet som ledningsstrategi."),
    ),
    "orebro": (
        ("Invånare", "Invånaren i fokus: tillgänglig, jämlik och delaktig."),
        ("Länets utveckling", "Tillsammans skapar vi ett bättre liv i hela länet."),
        ("Medarbetare", "Samarbete, utveckling och professionalism i vardagen."),
        ("Verksamhet och ekonomi", "Kvalitet i rätt tid och en ekonomi i balans."),
    ),
    "kompass": (
        ("Patient", "Vård i rätt tid och av hög kvalitet; trygg, respekterad och delaktig."),
        ("Medarbetare", "Vi är varandras arbetsmiljö och skapar en attraktiv arbetsplats."),
        ("Organisation", "Rätt saker i rätt tid, med helhetssyn och effektivitet."),
        ("Regional utveckling", "Hållbar tillväxt och framtidstro i regionen."),
    ),
}


@dataclass(frozen=True)
class DemoIndicator:
    code: str
    name: str
    measure: str
    direction: str
    target: float
    by_sex: bool
    aggregation: str
    #: The value in T1, T2, T3 at the region; units vary around it.
    values: tuple[float, float, float]


INDICATORS = (
    DemoIndicator(
        "TILL-01",
        "Besök inom vårdgarantin (90 dagar)",
        "%",
        "higher",
        90,
        True,
        "weighted_mean",
        (86, 91, 93),
    ),
    DemoIndicator("NOJD-01", "Nöjda patienter (NPE)", "%", "higher", 85, True, "mean", (83, 84, 87)),
    DemoIndicator("VRI-01", "Vårdrelaterade infektioner", "%", "lower", 5, False, "mean", (6.2, 5.4, 4.8)),
    DemoIndicator(
        "AVV-01", "Avvikelser med analys inom 30 dagar", "%", "higher", 80, False, "mean", (62, 70, 78)
    ),
    DemoIndicator("SJUK-01", "Sjukfrånvaro", "%", "lower", 6, True, "mean", (7.1, 6.4, 6.9)),
    DemoIndicator(
        "HME-01", "Hållbart medarbetarengagemang (HME)", "index", "higher", 80, False, "mean", (78, 78, 81)
    ),
    DemoIndicator(
        "EKO-01", "Ekonomiskt resultat mot budget", "mnkr", "higher", 0, False, "sum", (-4, -1.5, 2)
    ),
    DemoIndicator("MIL-01", "Fossilfria transporter", "%", "higher", 70, False, "mean", (55, 61, 66)),
)
#: Per area: (title, description, indicator codes, where it is broken down to).
GOALS = (
    (
        ("Vård i rätt tid", "Fler invånare får vård inom vårdgarantin.", ("TILL-01",), ("HSV", "PV")),
        (
            "Nöjda och delaktiga patienter",
            "Patienter och närstående medverkar aktivt.",
            ("NOJD-01",),
            ("HSV",),
        ),
    ),
    (
        ("Säker vård", "Färre vårdskador genom förebyggande arbete.", ("VRI-01", "AVV-01"), ("HSV", "PSY")),
        ("Minskad miljöpåverkan", "Fossilfria transporter och mindre avfall.", ("MIL-01",), ("RU",)),
    ),
    (
        (
            "Hälsosamt arbetsliv",
            "Lägre sjukfrånvaro och ett hållbart engagemang.",
            ("SJUK-01", "HME-01"),
            ("HSV", "PV"),
        ),
    ),
    (("Ekonomi i balans", "Resultat enligt budget i varje förvaltning.", ("EKO-01",), ("HSV", "PV", "FTV")),),
)
#: Units below the förvaltningar that get their own goals: (förvaltning, units).
UNITS_BELOW = {"HSV": ("MAVD1", "MAVD2", "AKM"), "PV": ("HC1", "HC3"), "PSY": ("PAVD",)}
#: Each unit's values are the region's shifted by this much (so some units are red, some green).
SHIFT = {"MAVD1": -0.08, "MAVD2": 0.03, "AKM": -0.12, "HC1": 0.05, "HC3": -0.02, "PAVD": 0.0}
#: Units that measure without goals of their own, so every förvaltning has values below it.
MEASURED_ONLY = {"KVAL": 0.02, "TK1": -0.04, "KUND": 0.01}
#: Per measuring unit: how many the value is about (patients, visits), the weight of a weighted mean.
WEIGHTS = {
    "MAVD1": 420,
    "MAVD2": 380,
    "AKM": 1650,
    "HC1": 910,
    "HC3": 760,
    "PAVD": 240,
    "KVAL": 60,
    "TK1": 530,
    "KUND": 300,
}
STATES = (
    (FollowUp.Status.MET, True, "Målet är uppnått för perioden.", "Fortsätt enligt plan."),
    (
        FollowUp.Status.PARTLY,
        True,
        "Förbättring, men målvärdet nås inte ännu.",
        "Förstärk bemanningen i höst.",
    ),
    (FollowUp.Status.NOT_MET, False, "Utfallet ligger under målet.", "Ta fram en åtgärdsplan."),
    (FollowUp.Status.NOT_ASSESSED, False, "", ""),
)


def _unit(profile: Profile, suffix: str) -> Unit | None:
    unit: Unit | None = Unit.objects.filter(code=f"{profile.code}-{suffix}").first()
    return unit


def _value(base: float, shift: float, indicator: DemoIndicator) -> float:
    spread = abs(indicator.target) or 1.0
    value = base + shift * spread * (-1 if indicator.direction == "lower" else 1)
    return round(value, 1)


def load_goals(profile: Profile) -> None:
    """Load the goal world once: a second run finds the goal areas and changes nothing."""
    organisation = Organisation.objects.order_by("pk").first()
    if organisation is None or GoalArea.objects.filter(organisation=organisation).exists():
        return
    region = Unit.objects.filter(code=profile.code).first()
    if region is None:
        return
    year = timezone.localdate().year
    quality = User.objects.filter(username="kvalitet").first() or SYSTEM
    areas = [
        services.create_area(by=SYSTEM, name=name, description=text, colour=COLOURS[i])
        for i, (name, text) in enumerate(AREAS[profile.key])
    ]
    indicators = {
        d.code: services.create_indicator(
            by=SYSTEM,
            code=d.code,
            name=d.name,
            unit=region,
            measure=d.measure,
            direction=d.direction,
            by_sex=d.by_sex,
            aggregation=d.aggregation,
            source=Indicator.Source.IMPORT if d.by_sex else Indicator.Source.MANUAL,
            targets=[TargetIn(year - 1, d.target), TargetIn(year, d.target)],
        )
        for d in INDICATORS
    }
    unit_goals = []
    for area, goals in zip(areas, GOALS, strict=True):
        for title, description, codes, branches in goals:
            top = services.create_goal(
                by=SYSTEM,
                area=area,
                unit=region,
                title=title,
                description=description,
                year_from=year,
                indicators=[indicators[c] for c in codes],
            )
            targets = [u for u in (_unit(profile, b) for b in branches) if u is not None]
            for branch_goal in services.breakdown(top.pk, by=SYSTEM, units=targets).created:
                suffix = branch_goal.unit.code.removeprefix(f"{profile.code}-")
                below = [u for u in (_unit(profile, s) for s in UNITS_BELOW.get(suffix, ())) if u is not None]
                if below:
                    # The quality coordinator breaks down within their förvaltning; the system elsewhere.
                    by = quality if all(access.can(quality, "goal.breakdown", u) for u in below) else SYSTEM
                    unit_goals += services.breakdown(branch_goal.pk, by=by, units=below).created
    _measurements(profile, region, indicators, year)
    _activities_and_followups(unit_goals, year)
    _rounds(profile, year)


def _measurements(profile: Profile, region: Unit, indicators: dict[str, Indicator], year: int) -> None:
    """Three tertials for the region and the measuring units below every förvaltning.

    Each value carries its weight (women a little more than half of it), so weighted means
    roll up like the others; the region's own weight is the sum of its units'.
    """
    rows: list[Row] = []
    shifts = {**SHIFT, **MEASURED_ONLY}
    units = [region, *(u for u in (_unit(profile, s) for s in shifts) if u is not None)]
    for d in INDICATORS:
        for unit in units:
            suffix = unit.code.removeprefix(f"{profile.code}-")
            shift = shifts.get(suffix, 0.0)
            weight = WEIGHTS.get(suffix, sum(WEIGHTS.values()))
            for number, base in enumerate(d.values, start=1):
                period = periods.make(periods.Scheme.TERTIAL, year, number).code
                value = _value(base, shift, d)
                rows.append(Row(len(rows), unit.code, d.code, period, value, weight=weight))
                if d.by_sex:
                    women, men = round(weight * 0.55), weight - round(weight * 0.55)
                    rows.append(
                        Row(
                            len(rows), unit.code, d.code, period, round(value + 1.5, 1), "women", weight=women
                        )
                    )
                    rows.append(
                        Row(len(rows), unit.code, d.code, period, round(value - 1.5, 1), "men", weight=men)
                    )
    services.upsert_measurements(rows, by=SYSTEM)


def _activities_and_followups(goals: list[Goal], year: int) -> None:
    for i, goal in enumerate(goals):
        services.create_activity(
            by=SYSTEM,
            goal=goal,
            title=f"Förbättringsarbete: {goal.title.lower()}",
            responsible=goal.unit.manager,
            start=dt.date(year, 2, 1),
            end=dt.date(year, 11, 30),
            status=(Activity.Status.ONGOING, Activity.Status.DONE, Activity.Status.PLANNED)[i % 3],
            progress=(60, 100, 0)[i % 3],
        )
        for number in (1, 2):
            status, done, analysis, next_steps = STATES[(i + number) % len(STATES)]
            services.save_followup(
                by=SYSTEM,
                goal=goal,
                period=f"{year}-T{number}",
                status=status,
                analysis=analysis,
                next_steps=next_steps,
                done=done or number == 1,
            )


def _rounds(profile: Profile, year: int) -> None:
    units = [u for u in (_unit(profile, s) for s in ("HSV", "PV", "PSY", *SHIFT)) if u is not None]
    services.open_round(by=SYSTEM, period=f"{year}-T1", deadline=dt.date(year, 5, 31), units=units)
    services.open_round(by=SYSTEM, period=f"{year}-T2", deadline=dt.date(year, 9, 30), units=units)
