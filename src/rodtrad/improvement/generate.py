"""Benchmark events, actions, complaints and proposals on a generated organisation
(``rodtrad generate --events N --actions N``).

Written in bulk like the rest of ``rodtrad generate``: the one-row services would take hours for
200,000 events. The data looks like five years of a real region's reporting: more reports as the
culture grows, most older events closed, some triaged events with reporting duties and
investigations with causes, actions on the assessed events, and complaints and proposals in
proportion. Rows are built and written one batch at a time, so memory stays flat.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, NamedTuple

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone

from rodtrad.core.access import SYSTEM
from rodtrad.core.models import AuditAction, Membership, Role, Unit, User
from rodtrad.core.services import audit
from rodtrad.improvement import services
from rodtrad.improvement.defaults import add_default_categories
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
    Learning,
    PdsaEntry,
    Proposal,
    TimelineEntry,
)

BATCH = 5000
YEARS = 5
POSITIVE_SHARE = 0.08
COMPLAINTS_PER_EVENT = 1 / 25
PROPOSALS_PER_EVENT = 1 / 20
LEARNINGS_PER_EVENT = 1 / 1000

#: How often each category is reported, relative to the others (the positive category apart).
WEIGHTS = {
    "lakemedel": 18,
    "fall": 14,
    "vard-och-behandling": 14,
    "informationsoverforing": 10,
    "diagnostik": 5,
    "medicinteknik": 5,
    "vardhygien": 4,
    "bemotande": 5,
    "arbetsmiljo": 1,
    "arbetsmiljo-tillbud": 6,
    "arbetsmiljo-olycksfall": 3,
    "miljo": 1,
    "informationssakerhet": 1,
    "personuppgiftsincident": 2,
    "sakerhet-och-egendom": 3,
}
P = Affected.PATIENT
S = Affected.STAFF
#: Per category code: (what happened, what was done at once, who was affected).
TEXTS: dict[str, tuple[tuple[str, str, str], ...]] = {
    "lakemedel": (
        (
            "Patienten fick dubbel dos Waran kvällstid, dosen var redan given av dagpasset.",
            "Läkare kontaktad, PK tas i morgon.",
            P,
        ),
        (
            "Insulin gavs inte före lunch, signeringen saknades i läkemedelslistan.",
            "Blodsocker kontrollerat, dosen given sent.",
            P,
        ),
        (
            "Fel styrka av morfin hämtades ur läkemedelsskåpet, upptäcktes vid dubbelkontroll.",
            "Rätt styrka hämtad, ingen dos gavs.",
            P,
        ),
        (
            "Antibiotika gavs två timmar för sent på grund av hög arbetsbelastning.",
            "Dosen given, ansvarig läkare informerad.",
            P,
        ),
        (
            "Patienten fick en annan patients kvällsmedicin i dosetten.",
            "Läkare kontaktad, patienten observeras över natten.",
            P,
        ),
        (
            "Narkotikaräkningen stämde inte vid passbytet, en tablett saknades.",
            "Räknat om tillsammans, anmält till chef.",
            Affected.PROPERTY,
        ),
    ),
    "fall": (
        (
            "Patienten föll i duschen på natten och slog i höften.",
            "Undersökt av jourläkare, röntgen beställd.",
            P,
        ),
        (
            "Patienten halkade ur sängen vid förflyttning till rullstol.",
            "Lyft med lyft, inga synliga skador.",
            P,
        ),
        (
            "Äldre patient hittades sittande på golvet bredvid sängen, sänggrindar uppfällda.",
            "Kontrollerat vitalparametrar, läkare informerad.",
            P,
        ),
        (
            "Besökare snubblade på en sladd i korridoren.",
            "Sladden flyttad, besökaren fick plåster.",
            Affected.VISITOR,
        ),
        (
            "Patienten föll på väg till toaletten, larmet var inte inom räckhåll.",
            "Sår på armen omlagt, larmet flyttat.",
            P,
        ),
    ),
    "vard-och-behandling": (
        (
            "Planerad operation ställdes in efter att patienten redan fastat i tolv timmar.",
            "Ny tid bokad, patienten fick mat.",
            P,
        ),
        (
            "Trycksår på hälen upptäcktes först vid utskrivning.",
            "Omlagt och dokumenterat, hemsjukvården informerad.",
            P,
        ),
        (
            "Fördröjd bedömning på akuten, patienten väntade fem timmar på läkare.",
            "Prioriteringen gjordes om.",
            P,
        ),
        (
            "Vätskebalansen följdes inte upp under helgen trots ordination.",
            "Ordinationen förtydligad i journalen.",
            P,
        ),
        ("Remiss till specialistmottagningen skickades aldrig.", "Remissen skickad, patienten kontaktad.", P),
    ),
    "informationsoverforing": (
        (
            "Information om allergi fanns inte med vid överflyttning från akuten.",
            "Allergin registrerad i journalen.",
            P,
        ),
        (
            "Provsvar kom inte fram till ansvarig läkare förrän efter tre veckor.",
            "Läkaren har bedömt svaret och kontaktat patienten.",
            P,
        ),
        (
            "Muntlig rapport vid skiftbyte missade att patienten skulle fasta.",
            "Undersökningen flyttad till i morgon.",
            P,
        ),
        ("Epikrisen skickades till fel vårdcentral.", "Rätt vårdcentral kontaktad.", Affected.INFORMATION),
    ),
    "diagnostik": (
        ("Blodprov märktes med fel etikett och fick tas om.", "Nytt prov taget, labbet informerat.", P),
        ("Röntgensvar med fynd blev liggande oläst i en vecka.", "Svaret bedömt, patienten kallad.", P),
        ("Odling skickades utan remiss och kasserades av laboratoriet.", "Ny odling tagen.", P),
    ),
    "medicinteknik": (
        ("Infusionspumpen larmade inte när slangen var avklämd.", "Pumpen bytt och märkt som felaktig.", P),
        (
            "Defibrillatorn på akutvagnen hade urladdat batteri vid kontrollen.",
            "Batteriet bytt, MT-avdelningen kontaktad.",
            Affected.PROPERTY,
        ),
        ("Lyften stannade mitt i en förflyttning.", "Patienten sänktes manuellt, lyften ur drift.", P),
    ),
    "vardhygien": (
        (
            "Handdesinfektion saknades i flera dispensrar på avdelningen.",
            "Dispensrarna fyllda.",
            Affected.ENVIRONMENT,
        ),
        ("Patient med misstänkt magsjuka lades på flersal.", "Patienten flyttad till eget rum.", P),
        (
            "Stickskada vid kassering av kanyl, behållaren var överfylld.",
            "Provtagning enligt rutin, företagshälsan kontaktad.",
            S,
        ),
    ),
    "bemotande": (
        (
            "Anhörig upplevde sig inte lyssnad på vid besöket.",
            "Samtal erbjudet med ansvarig sjuksköterska.",
            P,
        ),
        ("Patienten fick beskedet om sin diagnos i korridoren.", "Uppföljande samtal bokat.", P),
        ("Tolk bokades inte trots att behovet fanns i remissen.", "Telefontolk ordnad.", P),
    ),
    "arbetsmiljo": (
        ("Hög arbetsbelastning under flera pass i följd med ständig underbemanning.", "Chef informerad.", S),
    ),
    "arbetsmiljo-tillbud": (
        ("Hotfull patient på mottagningen, personalen kunde inte larma.", "Väktare tillkallad.", S),
        (
            "Nästan klämskada i den automatiska dörren till förrådet.",
            "Dörren avstängd, fastighet kontaktad.",
            S,
        ),
        ("Halt golv efter städning utan varningsskylt.", "Skylt uppsatt.", S),
    ),
    "arbetsmiljo-olycksfall": (
        (
            "Medarbetare fick ryggskott vid förflyttning av patient utan hjälpmedel.",
            "Sjukskriven, företagshälsan kontaktad.",
            S,
        ),
        ("Medarbetare blev biten av en orolig patient.", "Omplåstrad, stelkrampsskydd kontrollerat.", S),
        (
            "Medarbetare halkade på isen vid personalingången och bröt handleden.",
            "Till akuten, fastighet informerad.",
            S,
        ),
    ),
    "miljo": (
        (
            "Läckage av desinfektionsmedel i sköljrummet.",
            "Sanerat enligt säkerhetsdatablad.",
            Affected.ENVIRONMENT,
        ),
        (
            "Farligt avfall stod osorterat i soprummet.",
            "Sorterat, servicen informerad.",
            Affected.ENVIRONMENT,
        ),
    ),
    "informationssakerhet": (
        (
            "Datorn på expeditionen lämnades inloggad och obevakad.",
            "Utloggad, påminnelse på APT.",
            Affected.INFORMATION,
        ),
    ),
    "personuppgiftsincident": (
        (
            "Journalkopia skickades till fel mottagare.",
            "Mottagaren ombedd att förstöra handlingen.",
            Affected.INFORMATION,
        ),
        (
            "Lista med patientuppgifter hittades i papperskorgen i väntrummet.",
            "Listan förstörd i dokumentförstörare.",
            Affected.INFORMATION,
        ),
        (
            "Obehörig medarbetare hade läst en journal utan vårdrelation.",
            "Loggen säkrad, chef informerad.",
            Affected.INFORMATION,
        ),
    ),
    "sakerhet-och-egendom": (
        (
            "Inbrott i personalrummet under natten, två datorer saknas.",
            "Polisanmält, lås bytt.",
            Affected.PROPERTY,
        ),
        (
            "Patientens glasögon försvann vid flytt mellan avdelningar.",
            "Eftersökt, ersättning utreds.",
            Affected.PROPERTY,
        ),
        (
            "Brandlarmet gick på grund av matlagning i personalköket.",
            "Räddningstjänsten avbröt larmet.",
            Affected.PROPERTY,
        ),
    ),
}
POSITIVE_TEXTS: tuple[tuple[str, str, str], ...] = (
    ("Snabbt och lugnt omhändertagande vid hjärtstopp, patienten återhämtade sig helt.", "", P),
    ("Undersköterskan upptäckte tidiga tecken på sepsis med NEWS och larmade i tid.", "", P),
    ("Bra samarbete med hemtjänsten gjorde att patienten kunde skrivas ut före helgen.", "", P),
    ("Ny kollega fick en mycket bra introduktion av hela arbetslaget.", "", S),
    ("Patienten skrev ett tackkort för att personalen tog sig tid att lyssna.", "", P),
    ("Dubbelkontroll av läkemedel förhindrade en felaktig dos.", "", P),
)
ACTION_TITLES = (
    "Uppdatera rutinen och gå igenom den på APT",
    "Utbilda personalen i dubbelkontroll",
    "Inför checklista vid överrapportering",
    "Se över bemanningen kvällar och helger",
    "Byt ut trasig utrustning och inför egenkontroll",
    "Riskbedöm alla patienter vid inskrivning",
    "Förtydliga ansvarsfördelningen i teamet",
    "Följ upp med en journalgranskning om tre månader",
    "Inför fast tid för läkemedelsgenomgång",
    "Märk förråd och hjälpmedel tydligt",
)
CAUSES = {
    Cause.Category.COMMUNICATION: "Informationen följde inte med vid överlämningen.",
    Cause.Category.COMPETENCE: "Nyanställd personal saknade introduktion i rutinen.",
    Cause.Category.TECHNOLOGY: "Utrustningen saknade larm för felet.",
    Cause.Category.PROCEDURES: "Rutinen var otydlig och inte känd av alla.",
    Cause.Category.ORGANISATION: "Hög beläggning och vakanta tjänster.",
    Cause.Category.ENVIRONMENT: "Trånga lokaler och dålig belysning.",
    Cause.Category.LATENT: "Arbetssättet förutsatte att ingen blev avbruten.",
}
CHANNELS = (
    (Complaint.Channel.DIRECT, 45),
    (Complaint.Channel.PATIENT_BOARD, 25),
    (Complaint.Channel.HEALTH_GUIDE, 20),
    (Complaint.Channel.IVO, 3),
    (Complaint.Channel.OTHER, 7),
)
COMPLAINTS = (
    "Jag fick vänta i över fyra timmar på akuten utan att någon informerade mig.",
    "Min mamma fick fel mat trots att allergin var känd.",
    "Läkaren lyssnade inte på mina besvär och skickade hem mig.",
    "Ingen ringde tillbaka trots att jag fick löfte om det.",
    "Min pappa skrevs ut utan att hemtjänsten var informerad.",
    "Personalen var mycket trevlig men jag förstod inte beskedet.",
)
PROPOSALS = (
    ("Fast tid för läkemedelsgenomgång", "Vi kan boka läkemedelsgenomgångar på fasta tider varje tisdag."),
    ("Checklista vid utskrivning", "En enkel checklista skulle göra att inget glöms vid utskrivningen."),
    ("Tavla för dagens flöde", "En förbättringstavla i personalrummet skulle ge överblick varje morgon."),
    ("Digital överrapportering", "Strukturerad överrapportering enligt SBAR i journalen."),
    ("Fallriskskylt vid sängen", "En skylt vid sängen visar vilka patienter som har hög fallrisk."),
    ("Kortare väntetid i telefon", "Återuppringning i stället för kö på förmiddagen."),
)
CLOSING = (
    "Åtgärder vidtagna, ärendet avslutas.",
    "Genomgånget på APT, rutinen uppdaterad.",
    "Ingen vidare åtgärd behövs.",
    "Utrett och åtgärdat, följs upp i egenkontrollen.",
)


class Gen(NamedTuple):
    """The least of a written event that later rows need."""

    pk: int
    unit_id: int
    at: dt.datetime
    status: str
    positive: bool
    handler_id: int | None
    closed_at: dt.datetime | None
    harm: str
    category_id: int


@dataclass(frozen=True)
class Counts:
    events: int
    actions: int
    complaints: int
    proposals: int
    duties: int
    investigations: int
    learnings: int


def rows_to_write(events: int, actions: int) -> int:
    """A close estimate of the rows written, for the progress bar's total."""
    return round(events * (1 + COMPLAINTS_PER_EVENT + PROPOSALS_PER_EVENT * 3.5 + 0.12)) + actions


@contextmanager
def own_timestamps(*kinds: type[models.Model]) -> Iterator[None]:
    """Let the rows keep the created and updated times set here: five years of history are not all 'now'."""
    fields: list[Any] = [
        f for kind in kinds for f in kind._meta.concrete_fields if isinstance(f, models.DateTimeField)
    ]
    saved = [(f, f.auto_now, f.auto_now_add) for f in fields]
    for f in fields:
        f.auto_now = f.auto_now_add = False
    try:
        yield
    finally:
        for f, auto_now, auto_now_add in saved:
            f.auto_now, f.auto_now_add = auto_now, auto_now_add


def _bulk(model: type[models.Model], rows: list[Any], progress: Any) -> None:
    for start in range(0, len(rows), BATCH):
        batch = rows[start : start + BATCH]
        model._default_manager.bulk_create(batch)
        if progress is not None:
            progress.update(len(batch))


def _pick(rng: random.Random, table: tuple[tuple[Any, int], ...]) -> Any:
    return rng.choices([v for v, _w in table], [w for _v, w in table])[0]


class World:
    """The generated organisation as the generator needs it: units, people, categories, settings."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.now = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
        self.today = self.now.date()
        self.settings = services.improvement_settings()
        add_default_categories()
        active = list(Category.objects.filter(active=True).order_by("pk"))
        self.positive = [c for c in active if c.positive]
        self.negative = [c for c in active if not c.positive]
        self.weights = [WEIGHTS.get(c.code, 1) for c in self.negative]
        self.managers = dict(Unit.objects.exclude(manager=None).values_list("pk", "manager_id"))
        self.staff: dict[int, list[int]] = defaultdict(list)
        for pk, home in User.objects.filter(is_active=True, home_unit__depth__gte=3).values_list(
            "pk", "home_unit_id"
        ):
            self.staff[home].append(pk)
        self.reporters = [(pk, home) for home, pks in self.staff.items() for pk in pks]
        self.units = list(Unit.objects.filter(depth__gte=3).values_list("pk", flat=True)) or list(
            Unit.objects.values_list("pk", flat=True)
        )
        self.quality = list(
            Membership.objects.filter(role=Role.QUALITY).order_by("pk").values_list("user_id", flat=True)
        )

    def reporter(self) -> tuple[int | None, int]:
        """A reporter and the unit the event belongs to: mostly their own unit, now and then another."""
        rng = self.rng
        if self.reporters and rng.random() < 0.95:
            pk, home = rng.choice(self.reporters)
            return pk, home
        unit = rng.choice(self.units)
        people = self.staff.get(unit)
        return (rng.choice(people) if people else self.managers.get(unit)), unit

    def person_in(self, unit: int) -> int | None:
        people = self.staff.get(unit)
        if people and self.rng.random() < 0.7:
            return self.rng.choice(people)
        return self.managers.get(unit)

    def moment(self, days_ago: float) -> dt.datetime:
        """A time ``days_ago`` before today, at an hour care is given (more by day than by night)."""
        day = self.now - dt.timedelta(days=int(days_ago))
        hour = self.rng.choices(range(24), [1] * 7 + [4] * 10 + [2] * 7)[0]
        moment = day.replace(hour=hour, minute=self.rng.randrange(60))
        return min(moment, self.now - dt.timedelta(minutes=5))

    def later(self, start: dt.datetime, low: float, high: float) -> dt.datetime:
        """A time between ``low`` and ``high`` days after ``start``, never after now."""
        moment = start + dt.timedelta(days=self.rng.uniform(low, high))
        return min(moment, self.now)

    def age(self) -> float:
        """Days ago, over five years: more reports lately, as the reporting culture grows."""
        span = YEARS * 365
        u = self.rng.random()
        return span * (u if self.rng.random() < 0.6 else 1 - u**0.5)


@transaction.atomic
def generate_improvement(*, events: int, actions: int, seed: int = 1, progress: Any = None) -> Counts:
    """Add ``events`` events and ``actions`` actions, with complaints and proposals in proportion."""
    if events < 0 or actions < 0 or not Unit.objects.exists():
        return Counts(0, 0, 0, 0, 0, 0, 0)
    world = World(random.Random(seed + 23))  # noqa: S311 - benchmark data, not secrets
    stats: dict[str, int] = defaultdict(int)
    with own_timestamps(Event, Duty, Investigation, Action, Complaint, Proposal, PdsaEntry, Learning):
        written = _events(world, events, stats, progress)
        _actions(world, written, actions, progress)
        complaints = _complaints(world, written, round(events * COMPLAINTS_PER_EVENT), progress)
        proposals = _proposals(world, round(events * PROPOSALS_PER_EVENT), progress)
        learnings = _learnings(world, written, round(events * LEARNINGS_PER_EVENT), progress)
    counts = Counts(
        len(written), actions, complaints, proposals, stats["duties"], stats["investigations"], learnings
    )
    region = Unit.objects.filter(depth=1).order_by("path").first()
    audit.record(
        actor=SYSTEM,
        action=AuditAction.GENERATE,
        obj=region,
        unit=region,
        changes={name: [None, value] for name, value in vars(counts).items()},
        label="Generated events, actions, complaints and proposals",
    )
    return counts


def _status(rng: random.Random, age: float, positive: bool) -> str:
    s = Event.Status
    if positive:
        return str(rng.choices((s.NEW, s.TRIAGED, s.CLOSED), (1, 1, 8) if age > 30 else (5, 2, 3))[0])
    table: tuple[tuple[str, int], ...]
    if age > 180:
        table = ((s.CLOSED, 95), (s.INVESTIGATING, 1), (s.TRIAGED, 4))
    elif age > 30:
        table = ((s.CLOSED, 72), (s.INVESTIGATING, 6), (s.TRIAGED, 14), (s.NEW, 8))
    else:
        table = ((s.NEW, 40), (s.TRIAGED, 32), (s.INVESTIGATING, 6), (s.CLOSED, 22))
    return str(_pick(rng, table))


def _event(world: World) -> tuple[Event, Category]:
    rng = world.rng
    age = world.age()
    positive = bool(world.positive) and rng.random() < POSITIVE_SHARE
    if positive:
        category = rng.choice(world.positive)
        description, immediate, affected = rng.choice(POSITIVE_TEXTS)
    else:
        category = rng.choices(world.negative, world.weights)[0]
        texts = TEXTS.get(category.code) or TEXTS["vard-och-behandling"]
        description, immediate, affected = rng.choice(texts)
    reporter, unit = world.reporter()
    occurred = world.moment(age)
    created = world.later(occurred, 0.01, 1.5)
    event = Event(
        unit_id=unit,
        reporter_id=reporter,
        occurred_at=occurred,
        description=description,
        immediate_action=immediate,
        category=category,
        affected=affected,
        positive=positive,
        status=_status(rng, age, positive),
        created_at=created,
        updated_at=created,
    )
    if event.status != Event.Status.NEW:
        _triage(world, event, category)
    if event.status == Event.Status.CLOSED:
        event.closed_at = world.later(created, 1, min(60.0, max(1.0, age)))
        event.closing_comment = rng.choice(CLOSING)
        event.updated_at = event.closed_at
    return event, category


def _triage(world: World, event: Event, category: Category) -> None:
    rng = world.rng
    event.handler_id = world.managers.get(event.unit_id)
    event.probability = rng.choices((1, 2, 3, 4), (35, 35, 20, 10))[0]
    event.consequence = rng.choices((1, 2, 3, 4), (30, 35, 25, 10))[0]
    if event.affected == Affected.PATIENT and not event.positive:
        event.harm = rng.choices(Harm.values, (45, 40, 13, 2))[0]
        if event.harm in (Harm.INJURY, Harm.SERIOUS):
            event.patient_informed = rng.random() < 0.9
            if event.patient_informed:
                event.patient_informed_at = world.later(event.occurred_at, 0.1, 3)
    if category.duty == Category.Duty.PERSONAL_DATA:
        event.aware_at = world.later(event.occurred_at, 0, 2)
    if category.duty == Category.Duty.WORK_INJURY and rng.random() < (
        0.15 if "olycksfall" in category.code else 0.05
    ):
        event.serious_work_injury = True
    event.updated_at = world.later(event.created_at, 0.1, 7)


def _duties(world: World, event: Event, category: Category) -> list[Duty]:
    """The duties triage would have opened, decided once the clock is well past."""
    settings = world.settings
    wanted: list[tuple[str, dt.datetime, dt.timedelta]] = []
    if event.harm == Harm.SERIOUS:
        wanted.append((Duty.Kind.LEX_MARIA, event.occurred_at, dt.timedelta(days=settings.lex_maria_days)))
    if category.duty == Category.Duty.PERSONAL_DATA and event.aware_at is not None:
        wanted.append((Duty.Kind.PERSONAL_DATA, event.aware_at, dt.timedelta(hours=settings.imy_hours)))
    if event.serious_work_injury:
        hours = dt.timedelta(hours=settings.work_injury_hours)
        wanted.append((Duty.Kind.WORK_INJURY, event.occurred_at, hours))
    duties = []
    for kind, started, allowed in wanted:
        duty = Duty(
            event=event,
            kind=kind,
            started_at=started,
            deadline=started + allowed,
            created_at=event.updated_at,
            updated_at=event.updated_at,
        )
        late = world.rng.random() < 0.1
        decided = started + allowed * world.rng.uniform(0.3, 1.6 if late else 0.95)
        if decided < world.now and (event.status == Event.Status.CLOSED or world.rng.random() < 0.7):
            duty.decision = world.rng.choice((Duty.Decision.REPORTED, Duty.Decision.NOT_REPORTED))
            duty.reasoning = (
                "Händelsen har medfört eller kunnat medföra allvarlig skada och anmäls."
                if duty.decision == Duty.Decision.REPORTED
                else "Bedömningen är att risken för allvarlig skada inte förelåg."
            )
            if duty.decision == Duty.Decision.REPORTED:
                duty.reference = f"{decided.year}-{world.rng.randrange(1000, 99999)}"
            duty.decided_by_id = world.rng.choice(world.quality) if world.quality else event.handler_id
            duty.decided_at = duty.updated_at = decided
        duties.append(duty)
    return duties


def _investigated(world: World, event: Event) -> bool:
    if event.status == Event.Status.INVESTIGATING:
        return True
    if event.status != Event.Status.CLOSED or event.positive:
        return False
    serious = (
        event.harm in (Harm.INJURY, Harm.SERIOUS) or (event.probability or 0) * (event.consequence or 0) >= 9
    )
    return serious and world.rng.random() < 0.3


def _events(world: World, n: int, stats: dict[str, int], progress: Any) -> list[Gen]:
    """Events with their duties and investigations, written batch by batch; returns what later rows need."""
    written: list[Gen] = []
    for start in range(0, n, BATCH):
        batch = [_event(world) for _i in range(min(BATCH, n - start))]
        Event.objects.bulk_create([e for e, _c in batch])
        if progress is not None:
            progress.update(len(batch))
        duties = [d for e, c in batch if e.status != Event.Status.NEW for d in _duties(world, e, c)]
        _bulk(Duty, duties, progress)
        stats["duties"] += len(duties)
        investigated = [e for e, _c in batch if _investigated(world, e)]
        stats["investigations"] += _investigations(world, investigated, progress)
        written += [
            Gen(e.pk, e.unit_id, e.occurred_at, e.status, e.positive, e.handler_id, e.closed_at, e.harm, c.pk)
            for e, c in batch
        ]
    return written


def _investigations(world: World, events: list[Event], progress: Any) -> int:
    rng = world.rng
    made = []
    for event in events:
        full = event.harm == Harm.SERIOUS or rng.random() < 0.1
        started = event.updated_at
        investigation = Investigation(
            event=event,
            kind=Investigation.Kind.FULL if full else Investigation.Kind.SHORT,
            commissioner_id=event.handler_id,
            created_at=started,
            updated_at=started,
        )
        if event.status == Event.Status.CLOSED and event.closed_at is not None:
            investigation.status = Investigation.Status.DONE
            investigation.completed_at = investigation.updated_at = max(started, event.closed_at)
            investigation.conclusions = (
                "Flera samverkande orsaker; rutinen och introduktionen behöver ses över."
            )
            investigation.final_report = (
                "Utredningen visar att händelsen berodde på brister i rutiner och kommunikation. "
                "Åtgärder är beslutade och följs upp av enhetschefen."
            )
        made.append(investigation)
    _bulk(Investigation, made, progress)
    causes = []
    timeline = []
    for investigation in made:
        for category in rng.sample(list(CAUSES), rng.randint(1, 3)):
            causes.append(Cause(investigation=investigation, category=category, description=CAUSES[category]))
        if investigation.kind == Investigation.Kind.FULL:
            at = investigation.event.occurred_at
            for text in ("Händelsen inträffade.", "Personalen upptäckte felet.", "Läkare informerades."):
                timeline.append(TimelineEntry(investigation=investigation, at=at, text=text))
                at = min(at + dt.timedelta(minutes=rng.randint(5, 240)), world.now)
    _bulk(Cause, causes, progress)
    _bulk(TimelineEntry, timeline, progress)
    return len(made)


def _actions(world: World, events: list[Gen], n: int, progress: Any) -> None:
    """Actions on the assessed deviations (a few without a source), in every status."""
    rng = world.rng
    event_type = ContentType.objects.get_for_model(Event)
    sources = [g for g in events if g.status != Event.Status.NEW and not g.positive] or events
    for start in range(0, n, BATCH):
        batch = []
        for _i in range(min(BATCH, n - start)):
            if sources:
                source = rng.choice(sources)
                unit, begun = source.unit_id, world.later(source.at, 1, 20)
            else:
                source, unit = None, rng.choice(world.units)
                begun = world.moment(rng.uniform(0, YEARS * 365))
            due = (begun + dt.timedelta(days=rng.randint(14, 120))).date()
            action = Action(
                unit_id=unit,
                title=rng.choice(ACTION_TITLES),
                owner_id=world.person_in(unit),
                due_date=due,
                status=_action_status(rng, due, world.today),
                source_type=event_type if source else None,
                source_id=source.pk if source else None,
                created_at=begun,
                updated_at=begun,
            )
            if action.status in (Action.Status.DONE, Action.Status.NOT_DONE):
                end = min(due + dt.timedelta(days=rng.randint(-30, 10)), world.today)
                action.completed_on = max(end, begun.date())
                action.updated_at = world.later(begun, 0, max(0.0, (action.completed_on - begun.date()).days))
                evaluate_on = action.completed_on + dt.timedelta(days=rng.randint(30, 90))
                if action.status == Action.Status.DONE and evaluate_on < world.today and rng.random() < 0.6:
                    action.effect = _pick(
                        rng,
                        (
                            (Action.Effect.EFFECTIVE, 60),
                            (Action.Effect.PARTLY, 30),
                            (Action.Effect.NOT_EFFECTIVE, 10),
                        ),
                    )
                    action.effect_evaluated_on = evaluate_on
                    action.effect_comment = "Uppföljningen visar färre avvikelser av samma slag."
            batch.append(action)
        _bulk(Action, batch, progress)


def _action_status(rng: random.Random, due: dt.date, today: dt.date) -> str:
    a = Action.Status
    table: tuple[tuple[str, int], ...]
    if due < today - dt.timedelta(days=30):
        table = ((a.DONE, 80), (a.NOT_DONE, 7), (a.ONGOING, 10), (a.PLANNED, 3))
    elif due < today:
        table = ((a.DONE, 50), (a.ONGOING, 30), (a.PLANNED, 15), (a.NOT_DONE, 5))
    else:
        table = ((a.PLANNED, 50), (a.ONGOING, 40), (a.DONE, 10))
    return str(_pick(rng, table))


def _complaints(world: World, events: list[Gen], n: int, progress: Any) -> int:
    """Complaints, a third of them about a patient event of the same unit; most older ones answered."""
    rng = world.rng
    patient = [g for g in events if not g.positive and g.harm]
    allowed = dt.timedelta(days=world.settings.complaint_days)
    made, links = [], []
    for _i in range(n):
        about = rng.choice(patient) if patient and rng.random() < 0.33 else None
        if about is not None:
            unit, received = about.unit_id, world.later(about.at, 3, 40)
        else:
            unit, received = rng.choice(world.units), world.moment(rng.uniform(0, YEARS * 365))
        complaint = Complaint(
            unit_id=unit,
            received_on=received.date(),
            channel=_pick(rng, CHANNELS),
            sender=rng.choices(Complaint.Sender.values, (65, 35))[0],
            description=rng.choice(COMPLAINTS),
            deadline=received.date() + allowed,
            handler_id=world.managers.get(unit),
            created_at=received,
            updated_at=received,
        )
        answered = received + dt.timedelta(days=rng.randint(3, round(allowed.days * 1.4)))
        if answered < world.now and rng.random() < 0.97:
            complaint.status = Complaint.Status.ANSWERED
            complaint.answered_on = answered.date()
            complaint.answer_summary = (
                "Vi har tagit del av synpunkterna och förklarat vad som hänt och vad vi gör."
            )
            complaint.updated_at = answered
        made.append(complaint)
        links.append(about)
    _bulk(Complaint, made, progress)
    through = Complaint.events.through
    rows = [
        through(complaint_id=c.pk, event_id=about.pk)
        for c, about in zip(made, links, strict=True)
        if about is not None
    ]
    through.objects.bulk_create(rows, batch_size=BATCH)
    return len(made)


def _proposal_status(rng: random.Random, age: float) -> str:
    p = Proposal.Status
    table: tuple[tuple[str, int], ...]
    if age > 365:
        table = ((p.ADOPTED, 50), (p.REJECTED, 35), (p.ONGOING, 10), (p.ASSESSING, 5))
    else:
        table = ((p.NEW, 35), (p.ASSESSING, 25), (p.ONGOING, 25), (p.ADOPTED, 10), (p.REJECTED, 5))
    return str(_pick(rng, table))


PHASES: dict[str, tuple[str, ...]] = {
    Proposal.Status.ONGOING: (PdsaEntry.Phase.PLAN, PdsaEntry.Phase.DO),
    Proposal.Status.ADOPTED: tuple(PdsaEntry.Phase),
    Proposal.Status.REJECTED: (PdsaEntry.Phase.PLAN,),
}
PDSA_TEXTS: dict[str, str] = {
    PdsaEntry.Phase.PLAN: "Vi provar i fyra veckor på en avdelning och mäter antalet avvikelser.",
    PdsaEntry.Phase.DO: "Testet genomfört enligt plan, alla pass deltog.",
    PdsaEntry.Phase.STUDY: "Färre avvikelser under testperioden, personalen positiv.",
    PdsaEntry.Phase.ACT: "Arbetssättet införs på hela enheten.",
}


def _proposals(world: World, n: int, progress: Any) -> int:
    """Proposals from the staff of the units, older ones mostly decided, tried ones with PDSA notes."""
    rng = world.rng
    made = []
    for _i in range(n):
        submitter, unit = world.reporter()
        age = world.age()
        created = world.moment(age)
        title, idea = rng.choice(PROPOSALS)
        proposal = Proposal(
            unit_id=unit,
            title=title,
            idea=idea,
            submitted_by_id=submitter,
            status=_proposal_status(rng, age),
            created_at=created,
            updated_at=created,
        )
        if proposal.status in (Proposal.Status.ADOPTED, Proposal.Status.REJECTED):
            proposal.decided_at = proposal.updated_at = world.later(created, 20, 200)
            if proposal.status == Proposal.Status.REJECTED:
                proposal.reason = "Förslaget ryms inte i årets budget; det tas upp igen vid nästa planering."
        made.append(proposal)
    _bulk(Proposal, made, progress)
    entries = []
    for proposal in made:
        at = proposal.created_at
        for phase in PHASES.get(proposal.status, ()):
            at = world.later(at, 3, 30)
            entries.append(
                PdsaEntry(
                    proposal=proposal,
                    phase=phase,
                    text=PDSA_TEXTS[phase],
                    author_id=proposal.submitted_by_id,
                    created_at=at,
                )
            )
    _bulk(PdsaEntry, entries, progress)
    return len(made)


def _learnings(world: World, events: list[Gen], n: int, progress: Any) -> int:
    """A few published learnings from closed events, positive ones among them."""
    closed = [g for g in events if g.status == Event.Status.CLOSED and g.closed_at is not None]
    chosen = world.rng.sample(closed, min(n, len(closed)))
    made = []
    for g in chosen:
        published = world.later(g.closed_at or g.at, 1, 20)
        made.append(
            Learning(
                event_id=g.pk,
                unit_id=g.unit_id,
                category_id=g.category_id,
                positive=g.positive,
                title="Det här lärde vi oss" if not g.positive else "Det här gick bra",
                summary=(
                    "Dubbelkontroll och tydlig överrapportering förhindrar att samma sak händer igen."
                    if not g.positive
                    else "Tidig upptäckt och ett samspelt team gjorde skillnad för patienten."
                ),
                published_by_id=g.handler_id,
                published_at=published,
                created_at=published,
                updated_at=published,
            )
        )
    _bulk(Learning, made, progress)
    return len(made)
