"""Demo improvement loop for a profile: two years of events across the demo units, told through the
services as they would have happened, with colleagues who report and managers who handle them.

Besides the everyday deviations and positive events it holds the cases a demo should show: a Lex
Maria case with a full händelseanalys reported to IVO, one assessed and not reported, one whose
clock is still running; a personal data breach reported to IMY and one with the 72-hour clock
running; a serious work injury for Arbetsmiljöverket; actions in every state (some overdue);
complaints (some overdue); proposals in every state with PDSA notes; and a few published lärdomar.

The services stamp their own times (closing, decisions, answers), so those read as the day the
demo was loaded; what happened, when it was received and when things are due lie in the past.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils import timezone

from rodtrad.core.access import SYSTEM
from rodtrad.core.demo.profiles import Profile
from rodtrad.core.models import Membership, Role, Unit, User
from rodtrad.core.services import notifications, people
from rodtrad.improvement import services
from rodtrad.improvement.defaults import add_default_categories
from rodtrad.improvement.generate import ACTION_TITLES, POSITIVE_TEXTS, TEXTS
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
    PdsaEntry,
    Proposal,
)

DAYS = 730
#: Colleagues who report and handle events (no password: they never sign in).
#: (username, name, title, role, unit code suffix; empty for the region)
STAFF = (
    ("anna.ek", "Anna Ek", "Enhetschef", Role.MANAGER, "AKM"),
    ("lars.ostberg", "Lars Östberg", "Verksamhetschef", Role.MANAGER, "KIR"),
    ("nils.holm", "Nils Holm", "Verksamhetschef", Role.MANAGER, "PV"),
    ("jonas.berg", "Jonas Berg", "Verksamhetschef", Role.MANAGER, "PSY"),
    ("eva.lind", "Eva Lind", "Klinikchef", Role.MANAGER, "FTV"),
    ("per.sand", "Per Sand", "Avdelningschef", Role.MANAGER, "RU"),
    ("helena.strom", "Helena Ström", "Patientsäkerhetssamordnare", Role.QUALITY, ""),
    ("sofia.sjoberg", "Sofia Sjöberg", "Sjuksköterska", Role.REPORTER, "AKM"),
    ("johan.falk", "Johan Falk", "Ambulanssjuksköterska", Role.REPORTER, "AMB"),
    ("ali.hassan", "Ali Hassan", "Undersköterska", Role.REPORTER, "KAVD"),
    ("emma.wallin", "Emma Wallin", "Operationssjuksköterska", Role.REPORTER, "OP"),
    ("maja.eklund", "Maja Eklund", "Sjuksköterska", Role.REPORTER, "MAVD2"),
    ("karin.nystrom", "Karin Nyström", "Distriktssköterska", Role.REPORTER, "HC1"),
    ("fatima.ali", "Fatima Ali", "Fysioterapeut", Role.REPORTER, "HC3"),
    ("olof.berglund", "Olof Berglund", "Skötare", Role.REPORTER, "PAVD"),
    ("sara.lindgren", "Sara Lindgren", "Psykolog", Role.REPORTER, "BUP1"),
    ("ida.lund", "Ida Lund", "Tandhygienist", Role.REPORTER, "TK1"),
    ("mats.dahl", "Mats Dahl", "Trafikledare", Role.REPORTER, "TRPL"),
)
#: Units and how many everyday events each reports in two years, with the kinds of events it has.
UNITS: tuple[tuple[str, int, str], ...] = (
    ("MAVD1", 30, "ward"),
    ("MAVD2", 18, "ward"),
    ("MMOT", 8, "clinic"),
    ("KAVD", 18, "ward"),
    ("OP", 10, "ward"),
    ("AKM", 22, "ward"),
    ("AMB", 8, "ambulance"),
    ("HC1", 10, "clinic"),
    ("HC2", 6, "clinic"),
    ("HC3", 8, "clinic"),
    ("HC4", 5, "clinic"),
    ("PAKM", 6, "psychiatry"),
    ("PAVD", 10, "psychiatry"),
    ("BUP1", 4, "psychiatry"),
    ("BUP2", 2, "psychiatry"),
    ("TK1", 5, "dental"),
    ("TK2", 3, "dental"),
    ("KAK", 2, "dental"),
    ("ORT", 2, "dental"),
    ("TRPL", 2, "public"),
    ("KUND", 3, "public"),
    ("KULT", 1, "public"),
    ("FHS", 3, "public"),
)
P, S, V, INFO, E = Affected.PATIENT, Affected.STAFF, Affected.VISITOR, Affected.INFORMATION, Affected.PROPERTY
WARD = ("lakemedel", "fall", "vard-och-behandling", "informationsoverforing", "vardhygien", "medicinteknik")
CLINIC = ("lakemedel", "informationsoverforing", "diagnostik", "bemotande", "vard-och-behandling")
#: Events particular to a kind of unit: (category code, what happened, what was done at once, affected).
OWN: dict[str, tuple[tuple[str, str, str, str], ...]] = {
    "ambulance": (
        (
            "informationsoverforing",
            "Ambulansen skickades till fel adress, positionen i systemet var gammal.",
            "Rätt adress via SOS Alarm, tio minuters fördröjning.",
            P,
        ),
        (
            "medicinteknik",
            "Syrgastuben i ambulansen var nästan tom vid utryckning.",
            "Reservtub användes, rutinen för kontroll påmind.",
            E,
        ),
        (
            "arbetsmiljo-tillbud",
            "Berusad person hotade besättningen vid hämtning.",
            "Polis tillkallad, besättningen drog sig tillbaka.",
            S,
        ),
    ),
    "psychiatry": (
        (
            "arbetsmiljo-tillbud",
            "Patient kastade en stol mot personalen i dagrummet.",
            "Larm, patienten lugnades, ingen skadad.",
            S,
        ),
        (
            "vard-och-behandling",
            "Patient avvek under promenad med personal.",
            "Polis efterlyste, patienten återkom samma kväll.",
            P,
        ),
        (
            "bemotande",
            "Anhörig fick inte information om att patienten flyttats till annan avdelning.",
            "Anhörig kontaktad och informerad.",
            P,
        ),
        (
            "lakemedel",
            "Depotinjektion gavs en vecka för sent, tiden fanns inte i bokningen.",
            "Injektionen given, bokningen rättad.",
            P,
        ),
    ),
    "dental": (
        (
            "vardhygien",
            "Autoklaven godkände inte cykeln men instrumenten låg framme för användning.",
            "Instrumenten steriliserades om.",
            P,
        ),
        (
            "vard-och-behandling",
            "Patienten fick en allergisk reaktion på latexhandskar trots notering.",
            "Handskarna bytta, patienten observerad.",
            P,
        ),
        (
            "informationsoverforing",
            "Remiss till käkkirurgin skickades inte efter undersökningen.",
            "Remissen skickad, patienten informerad.",
            P,
        ),
        (
            "personuppgiftsincident",
            "Röntgenbilder kopplades till fel patient i journalen.",
            "Bilderna flyttade, loggen kontrollerad.",
            INFO,
        ),
    ),
    "public": (
        (
            "arbetsmiljo-tillbud",
            "Busschaufför utsattes för hot av en resenär.",
            "Polisanmälan, samtal med chef samma dag.",
            S,
        ),
        ("fall", "Besökare halkade i den blöta entrén.", "Skylt och matta på plats, besökaren oskadd.", V),
        (
            "sakerhet-och-egendom",
            "Inbrott i förrådet under natten, verktyg saknas.",
            "Polisanmält, larmet kontrollerat.",
            E,
        ),
        (
            "informationssakerhet",
            "Lösenord till bokningssystemet satt på en lapp vid kassan.",
            "Lösenordet bytt.",
            INFO,
        ),
    ),
}
CLOSING = (
    "Genomgånget på APT, rutinen uppdaterad.",
    "Åtgärder vidtagna och återkopplade till rapportören.",
    "Ingen ytterligare åtgärd behövs, informationen spridd i arbetsgruppen.",
    "Utrett och åtgärdat, följs upp i egenkontrollen i höst.",
    "Tack för rapporten! Lyft som gott exempel på arbetsplatsträffen.",
)
COMPLAINTS = (
    ("Jag fick vänta i över fyra timmar utan att någon berättade varför.", Complaint.Sender.PATIENT),
    ("Min mamma fick fel kost trots att allergin stod i journalen.", Complaint.Sender.RELATIVE),
    ("Läkaren lyssnade inte på mina besvär och skickade hem mig för tidigt.", Complaint.Sender.PATIENT),
    ("Ingen ringde tillbaka trots att jag blev lovad det två gånger.", Complaint.Sender.PATIENT),
    ("Pappa skrevs ut en fredagskväll utan att hemtjänsten visste om det.", Complaint.Sender.RELATIVE),
    ("Personalen var vänlig men jag förstod inte vad provsvaret betydde.", Complaint.Sender.PATIENT),
    ("Min son fick vänta åtta månader på en första bedömning.", Complaint.Sender.RELATIVE),
    ("Jag blev bemött på ett nedlåtande sätt i receptionen.", Complaint.Sender.PATIENT),
)
ANSWERS = (
    "Vi har gått igenom händelsen, bett om ursäkt och förklarat vad vi ändrar.",
    "Verksamhetschefen har ringt och berättat vad som hände och vilka åtgärder som vidtagits.",
    "Vi har tagit upp synpunkterna i arbetsgruppen och svarat skriftligt.",
)
#: (unit suffix, submitter, title, idea, the state it reaches)
PROPOSALS: tuple[tuple[str, str, str, str, str], ...] = (
    (
        "MAVD1",
        "rapportor",
        "Tavla för dagens flöde",
        "En förbättringstavla i personalrummet ger överblick varje morgon.",
        Proposal.Status.ADOPTED,
    ),
    (
        "MAVD1",
        "lasare",
        "Fast tid för läkemedelsgenomgång",
        "Läkemedelsgenomgångar på fasta tider varje tisdag.",
        Proposal.Status.ONGOING,
    ),
    (
        "MAVD1",
        "redaktor",
        "Checklista vid utskrivning",
        "En kort checklista så att inget glöms vid utskrivningen.",
        Proposal.Status.ASSESSING,
    ),
    (
        "MAVD1",
        "rapportor",
        "Fallriskskylt vid sängen",
        "En diskret symbol vid sängen visar hög fallrisk.",
        Proposal.Status.NEW,
    ),
    (
        "MAVD2",
        "maja.eklund",
        "Strukturerad överrapportering",
        "Överrapportering enligt SBAR vid varje passbyte.",
        Proposal.Status.ADOPTED,
    ),
    (
        "MAVD2",
        "maja.eklund",
        "Egen läkemedelsvagn per team",
        "Varje team får en egen vagn så att ingen behöver vänta.",
        Proposal.Status.REJECTED,
    ),
    (
        "AKM",
        "sofia.sjoberg",
        "Sittande triage",
        "Gående patienter triageras sittande vid entrén.",
        Proposal.Status.ONGOING,
    ),
    (
        "AKM",
        "sofia.sjoberg",
        "Väntetid på skärm",
        "Visa ungefärlig väntetid på skärmen i väntrummet.",
        Proposal.Status.NEW,
    ),
    (
        "KAVD",
        "ali.hassan",
        "Förflyttningsutbildning varje år",
        "Årlig praktisk utbildning i förflyttningsteknik.",
        Proposal.Status.ADOPTED,
    ),
    (
        "OP",
        "emma.wallin",
        "Time out även vid små ingrepp",
        "WHO:s checklista även vid lokalbedövning.",
        Proposal.Status.ASSESSING,
    ),
    (
        "HC1",
        "karin.nystrom",
        "Återuppringning i stället för kö",
        "Patienten väljer tid för återuppringning i stället för att vänta i telefon.",
        Proposal.Status.ADOPTED,
    ),
    (
        "HC3",
        "fatima.ali",
        "Gruppträning för knäpatienter",
        "Gruppträning två gånger i veckan i stället för enskilda besök.",
        Proposal.Status.ONGOING,
    ),
    (
        "HC3",
        "fatima.ali",
        "Egen parkering för hemsjukvården",
        "Reserverade platser nära entrén för hemsjukvårdens bilar.",
        Proposal.Status.REJECTED,
    ),
    (
        "PAVD",
        "olof.berglund",
        "Lugnt rum på avdelningen",
        "Inred ett sinnesrum där oroliga patienter kan varva ner.",
        Proposal.Status.ADOPTED,
    ),
    (
        "BUP1",
        "sara.lindgren",
        "Digitala första samtal",
        "Första bedömningssamtalet kan ske via video.",
        Proposal.Status.ASSESSING,
    ),
    (
        "TK1",
        "ida.lund",
        "Påminnelse via sms",
        "Sms dagen före besöket minskar uteblivna besök.",
        Proposal.Status.ADOPTED,
    ),
    (
        "TRPL",
        "mats.dahl",
        "Realtidsinformation vid hållplatser",
        "Skärmar med avgångstider vid de största hållplatserna.",
        Proposal.Status.NEW,
    ),
)
PDSA = {
    PdsaEntry.Phase.PLAN: "Vi provar i fyra veckor och räknar avvikelser och synpunkter före och efter.",
    PdsaEntry.Phase.DO: "Testet genomfört enligt plan; alla pass har deltagit.",
    PdsaEntry.Phase.STUDY: "Färre avvikelser under testet och personalen vill fortsätta.",
    PdsaEntry.Phase.ACT: "Arbetssättet införs på hela enheten och följs upp om ett halvår.",
}
REJECTED = "Förslaget ryms inte i årets budget; vi tar upp det igen vid nästa verksamhetsplanering."


@dataclass
class Demo:
    """What the loader works with: the units, the people, the categories, and one seeded chance."""

    rng: random.Random
    now: dt.datetime
    units: dict[str, Unit]
    people: dict[str, User]
    categories: dict[str, Category]
    handlers: dict[str, User]

    def unit(self, suffix: str) -> Unit:
        return self.units[suffix]

    def handler(self, unit: Unit) -> User:
        """The nearest manager above the unit (or the quality coordinator of its förvaltning)."""
        best = max((path for path in self.handlers if unit.path.startswith(path)), key=len)
        return self.handlers[best]

    def decider(self, unit: Unit) -> User:
        """Who decides reporting duties: the quality coordinator of the förvaltning or of the region."""
        hsv = self.units["HSV"].path
        return self.people["kvalitet" if unit.path.startswith(hsv) else "helena.strom"]

    def reporter(self, unit: Unit) -> User:
        """Someone who works in the unit, else in its förvaltning, else the demo reporter."""
        here = [u for u in self.people.values() if u.home_unit_id == unit.pk]
        branch = unit.path[: 2 * Unit.steplen]
        near = [u for u in self.people.values() if u.home_unit and u.home_unit.path.startswith(branch)]
        return self.rng.choice(here or near or [self.people["rapportor"]])

    def ago(self, days: float, hour: int | None = None) -> dt.datetime:
        """A moment ``days`` ago during working hours (or at ``hour``), never in the future."""
        moment = timezone.localtime(self.now - dt.timedelta(days=days))
        moment = moment.replace(
            hour=hour if hour is not None else self.rng.randint(7, 21), minute=self.rng.randrange(60)
        )
        return min(moment, self.now - dt.timedelta(minutes=30))

    def day(self, days: float) -> dt.date:
        return timezone.localdate(self.now - dt.timedelta(days=days))


def load_improvement(profile: Profile) -> None:
    """Load the improvement loop once: a second run finds the region's events and changes nothing."""
    region = Unit.objects.filter(code=profile.code).first()
    if region is None or Event.objects.filter(unit__path__startswith=region.path).exists():
        return
    add_default_categories()
    demo = _world(profile, region)
    showcase = _showcase(demo)
    everyday = _everyday(demo)
    _complaints(demo, [*showcase, *everyday])
    _proposals(demo)
    for user in demo.people.values():  # the history's notifications are read by now; this week's are new
        notifications.mark_read(user)
    _this_week(demo)


def _world(profile: Profile, region: Unit) -> Demo:
    units = {
        u.code.removeprefix(f"{profile.code}-"): u for u in Unit.objects.filter(path__startswith=region.path)
    }
    units[""] = region
    for username, name, title, role, suffix in STAFF:
        unit = units[suffix]
        user = User.objects.filter(username=username).first()
        if user is None:
            user = people.create_user(by=SYSTEM, username=username, name=name, title=title, home_unit=unit)
        if not Membership.objects.filter(user=user, unit=unit, role=role).exists():
            people.grant_role(by=SYSTEM, user=user, unit=unit, role=role)
    usernames = ["rapportor", "lasare", "redaktor", "chef", "kvalitet", "godkannare", *(s[0] for s in STAFF)]
    found = {u.username: u for u in User.objects.filter(username__in=usernames).select_related("home_unit")}
    handlers = {
        units[suffix].path: found[name]
        for name, _n, _t, role, suffix in STAFF
        if role in (Role.MANAGER, Role.QUALITY)
    }
    handlers[units["HSV"].path] = found["kvalitet"]
    handlers[units["MAVD1"].path] = found["chef"]
    return Demo(
        rng=random.Random(f"improvement-{profile.key}"),  # noqa: S311 - demo data, not secrets
        now=timezone.now(),
        units=units,
        people=found,
        categories={c.code: c for c in Category.objects.all()},
        handlers=handlers,
    )


def _fresh(event: Event) -> Event:
    return Event.objects.get(pk=event.pk)


def _report(
    demo: Demo,
    suffix: str,
    days: float,
    code: str,
    text: str,
    immediate: str,
    affected: str,
    *,
    by: User | None = None,
    hour: int | None = None,
) -> Event:
    unit = demo.unit(suffix)
    category = demo.categories[code]
    return services.report_event(
        by=by or demo.reporter(unit),
        unit=unit,
        occurred_at=demo.ago(days, hour),
        description=text,
        category=category,
        affected=affected,
        immediate_action=immediate,
        positive=category.positive,
    )


def _triage(demo: Demo, event: Event, by: User, **changes: object) -> Event:
    return services.triage_event(_fresh(event), by=by, version=_fresh(event).version, handler=by, **changes)


def _close(event: Event, by: User, comment: str) -> Event:
    event = _fresh(event)
    return services.close_event(event, by=by, version=event.version, comment=comment)


def _decide(demo: Demo, event: Event, kind: str, decision: str, reasoning: str, reference: str = "") -> None:
    duty = Duty.objects.get(event=event, kind=kind)
    services.decide_duty(
        duty,
        by=demo.decider(event.unit),
        version=duty.version,
        decision=decision,
        reasoning=reasoning,
        reference=reference,
    )


def _action(
    demo: Demo,
    event: Event,
    by: User,
    title: str,
    owner: User,
    due: dt.date,
    status: str = Action.Status.PLANNED,
    effect: str = "",
) -> Action:
    """An action from the event, moved on to ``status`` (and its effect evaluated) by the handler."""
    action = services.create_action(
        by=by, unit=event.unit, title=title, owner=owner, due_date=due, source=event
    )
    if status == Action.Status.PLANNED:
        return action
    changes: dict[str, object] = {"status": status}
    if effect:
        changes |= {"effect": effect, "effect_comment": "Uppföljningen visar färre avvikelser av samma slag."}
    return services.update_action(action, by=by, version=action.version, **changes)


def _showcase(demo: Demo) -> list[Event]:
    """The cases a demo should show: three Lex Maria assessments, a personal data breach, a serious
    work injury and a positive event that became a lärdom."""
    year = demo.now.year
    kvalitet, chef = demo.people["kvalitet"], demo.people["chef"]

    insulin = _report(
        demo,
        "MAVD2",
        130,
        "lakemedel",
        "Patienten fick 100 enheter snabbverkande insulin i stället för 10. Ordinationen var handskriven "
        "och nollan tolkades som en extra siffra. Patienten blev medvetslös av lågt blodsocker.",
        "Glukos intravenöst, MIG-larm, patienten flyttad till IVA.",
        Affected.PATIENT,
        by=demo.people["maja.eklund"],
        hour=17,
    )
    _triage(
        demo,
        insulin,
        kvalitet,
        probability=2,
        consequence=4,
        harm=Harm.SERIOUS,
        patient_informed=True,
        patient_informed_at=insulin.occurred_at + dt.timedelta(days=1),
    )
    at = insulin.occurred_at
    services.save_investigation(
        _fresh(insulin),
        by=kvalitet,
        version=None,
        kind=Investigation.Kind.FULL,
        commissioner=demo.people["godkannare"],
        team=[kvalitet, chef, demo.people["maja.eklund"]],
        timeline=[
            (
                at - dt.timedelta(hours=4),
                "Läkaren ordinerar insulin på papper under ronden, journalen är nere.",
            ),
            (at - dt.timedelta(hours=1), "Ordinationen förs över till läkemedelslistan av en annan kollega."),
            (at, "Sjuksköterskan ger 100 enheter enligt listan, utan dubbelkontroll."),
            (at + dt.timedelta(minutes=50), "Patienten hittas medvetslös; blodsocker 1,2 mmol/l."),
            (at + dt.timedelta(hours=2), "Patienten flyttas till IVA och återhämtar sig under natten."),
        ],
        causes=[
            (Cause.Category.PROCEDURES, "Reservrutinen vid driftstopp saknade krav på dubbelkontroll."),
            (Cause.Category.COMMUNICATION, "Handskriven ordination med förkortningen E för enheter."),
            (Cause.Category.TECHNOLOGY, "Journalsystemet var nere i tre timmar utan reservutskrift."),
            (Cause.Category.ORGANISATION, "Två sjuksköterskor på 28 patienter under kvällspasset."),
        ],
        conclusions="Flera barriärer saknades samtidigt: reservrutin, dubbelkontroll och tydlig ordination.",
        final_report=(
            "Händelseanalysen visar att patienten fick en tiofaldig insulindos under ett driftstopp. "
            "Reservrutinen krävde inte dubbelkontroll av högriskläkemedel och ordinationen var "
            "handskriven. Åtgärderna gäller rutinen vid driftstopp, dubbelkontroll och utbildning."
        ),
        done=True,
    )
    _decide(
        demo,
        insulin,
        Duty.Kind.LEX_MARIA,
        "reported",
        "Patienten drabbades av en allvarlig vårdskada (medvetslöshet, IVA-vård). "
        "Anmäld enligt 3 kap. 5 § PSL.",
        f"3.1.1-04512/{year}",
    )
    _action(
        demo,
        insulin,
        kvalitet,
        "Inför dubbelkontroll av insulin vid doser över 20 enheter",
        chef,
        demo.day(60),
        Action.Status.DONE,
        Action.Effect.EFFECTIVE,
    )
    _action(
        demo,
        insulin,
        kvalitet,
        "Reservutskrift av läkemedelslistor vid driftstopp",
        demo.people["redaktor"],
        demo.day(-30),
        Action.Status.ONGOING,
    )
    _action(
        demo,
        insulin,
        kvalitet,
        "Utbilda alla sjuksköterskor i insulinbehandling",
        chef,
        demo.day(10),
        Action.Status.ONGOING,
    )
    _close(
        insulin,
        kvalitet,
        "Händelseanalysen är klar, anmäld till IVO och åtgärderna följs upp i ledningsgruppen.",
    )
    services.publish_learning(
        by=kvalitet,
        event=_fresh(insulin),
        title="Dubbelkontroll av insulin även när journalen är nere",
        summary="En tiofaldig insulindos gavs under ett driftstopp. Nu dubbelkontrolleras alltid "
        "högriskläkemedel, och läkemedelslistor skrivs ut i förväg inför planerade driftstopp.",
    )

    hip = _report(
        demo,
        "KAVD",
        200,
        "fall",
        "Patient föll på natten på väg till toaletten och fick en höftfraktur. Fallriskbedömning saknades.",
        "Jourläkare tillkallad, röntgen, opererad dagen efter.",
        Affected.PATIENT,
        by=demo.people["ali.hassan"],
        hour=3,
    )
    lars = demo.people["lars.ostberg"]
    _triage(
        demo,
        hip,
        lars,
        probability=3,
        consequence=3,
        harm=Harm.SERIOUS,
        patient_informed=True,
        patient_informed_at=hip.occurred_at + dt.timedelta(hours=6),
    )
    services.save_investigation(
        _fresh(hip),
        by=lars,
        version=None,
        kind=Investigation.Kind.SHORT,
        commissioner=lars,
        causes=[(Cause.Category.PROCEDURES, "Fallriskbedömningen görs inte vid inskrivning nattetid.")],
        conclusions="Fallriskbedömning ska göras vid varje inskrivning, även nattetid.",
        final_report="Patienten opererades dagen efter och har återfått sin gångförmåga.",
        done=True,
    )
    _decide(
        demo,
        hip,
        Duty.Kind.LEX_MARIA,
        "not_reported",
        "Patienten har återhämtat sig helt; skadan bedöms varken som bestående eller som allvarlig "
        "vårdskada. Händelsen hanteras i verksamhetens egen utredning.",
    )
    _action(
        demo, hip, lars, "Installera rörelselarm på alla salar", lars, demo.day(120), Action.Status.NOT_DONE
    )
    _action(
        demo,
        hip,
        lars,
        "Fallriskbedömning vid varje inskrivning",
        demo.people["ali.hassan"],
        demo.day(150),
        Action.Status.DONE,
        Action.Effect.PARTLY,
    )
    _close(hip, lars, "Utrett, ej anmält till IVO; fallriskbedömningen följs upp varje månad.")

    chest = _report(
        demo,
        "AKM",
        12,
        "vard-och-behandling",
        "Patient med bröstsmärta fick prioritet orange men väntade tre timmar på läkare. "
        "EKG visade sedan en hjärtinfarkt.",
        "Patienten fick akut PCI samma kväll.",
        Affected.PATIENT,
        by=demo.people["sofia.sjoberg"],
        hour=19,
    )
    anna = demo.people["anna.ek"]
    _triage(
        demo,
        chest,
        anna,
        probability=3,
        consequence=4,
        harm=Harm.SERIOUS,
        patient_informed=True,
        patient_informed_at=chest.occurred_at + dt.timedelta(days=1),
    )
    services.save_investigation(
        _fresh(chest),
        by=anna,
        version=None,
        kind=Investigation.Kind.FULL,
        commissioner=lars,
        team=[anna, demo.people["sofia.sjoberg"], kvalitet],
        timeline=[
            (chest.occurred_at, "Patienten triageras orange vid ankomst."),
            (chest.occurred_at + dt.timedelta(hours=3), "Läkaren bedömer patienten och tar ett nytt EKG."),
        ],
        causes=[(Cause.Category.ORGANISATION, "Hög beläggning och en läkare sjuk under kvällen.")],
    )
    _action(demo, chest, anna, "Nytt EKG inom 30 minuter för alla med bröstsmärta", anna, demo.day(-14))

    letter = _report(
        demo,
        "MMOT",
        60,
        "personuppgiftsincident",
        "Brev med provsvar skickades till en annan patient med samma namn i samma postort.",
        "Mottagaren kontaktad och ombedd att skicka tillbaka brevet.",
        Affected.INFORMATION,
    )
    _triage(
        demo,
        letter,
        kvalitet,
        probability=2,
        consequence=3,
        aware_at=letter.occurred_at + dt.timedelta(hours=3),
    )
    _decide(
        demo,
        letter,
        Duty.Kind.PERSONAL_DATA,
        "reported",
        "Känsliga uppgifter om hälsa röjdes för en obehörig. Anmäld till IMY inom 72 timmar.",
        f"IMY-{year}-3318",
    )
    _action(
        demo,
        letter,
        kvalitet,
        "Kontroll av födelsedatum och adress vid varje utskick",
        demo.people["redaktor"],
        demo.day(20),
        Action.Status.DONE,
    )
    _close(letter, kvalitet, "Anmäld till IMY, rutinen för utskick ändrad.")

    ladder = _report(
        demo,
        "KAVD",
        45,
        "arbetsmiljo-olycksfall",
        "Medarbetare föll från en stege i förrådet och bröt handleden.",
        "Till akuten, skyddsombudet informerat.",
        Affected.STAFF,
        by=demo.people["ali.hassan"],
        hour=10,
    )
    _triage(
        demo,
        ladder,
        lars,
        probability=2,
        consequence=3,
        serious_work_injury=True,
        aware_at=ladder.occurred_at + dt.timedelta(minutes=30),
    )
    _decide(
        demo,
        ladder,
        Duty.Kind.WORK_INJURY,
        "reported",
        "Allvarlig olycka med frakturskada. Anmäld till Arbetsmiljöverket samma dag.",
        f"AV {year}/041277",
    )
    _action(
        demo,
        ladder,
        lars,
        "Ersätt stegen med säkra trappstegar",
        lars,
        demo.day(30),
        Action.Status.DONE,
        Action.Effect.EFFECTIVE,
    )
    _close(ladder, lars, "Anmält till Arbetsmiljöverket och Försäkringskassan, trappstegar inköpta.")

    sepsis = _report(
        demo,
        "MAVD1",
        20,
        "positiv-handelse",
        "Undersköterskan såg tidiga tecken på sepsis med NEWS och larmade direkt. "
        "Patienten fick antibiotika inom en timme.",
        "",
        Affected.PATIENT,
        by=demo.people["rapportor"],
        hour=9,
    )
    _triage(demo, sepsis, chef, probability=1, consequence=1)
    _close(sepsis, chef, "Tack! Lyft som gott exempel på arbetsplatsträffen.")
    services.publish_learning(
        by=chef,
        event=_fresh(sepsis),
        title="NEWS fångade en sepsis i tid",
        summary="Att mäta NEWS vid varje kontroll och larma direkt gav behandling inom en timme.",
    )
    return [insulin, hip, chest, letter, ladder, sepsis]


def _scenario(demo: Demo, kind: str) -> tuple[str, str, str, str]:
    """(category code, what happened, what was done at once, affected) for a unit of ``kind``."""
    rng = demo.rng
    if kind in OWN and (kind == "public" or rng.random() < 0.45):
        return rng.choice(OWN[kind])
    if rng.random() < 0.09:
        text, immediate, affected = rng.choice(POSITIVE_TEXTS)
        return "positiv-handelse", text, immediate, affected
    code = rng.choice(WARD if kind == "ward" else CLINIC)
    text, immediate, affected = rng.choice(TEXTS[code])
    return code, text, immediate, affected


def _everyday(demo: Demo) -> list[Event]:
    """The everyday reports of two years, oldest first, handled as their age calls for."""
    rng = demo.rng
    plan = sorted(
        ((rng.uniform(8, DAYS), suffix, kind) for suffix, count, kind in UNITS for _i in range(count)),
        reverse=True,
    )
    events = []
    for days, suffix, kind in plan:
        code, text, immediate, affected = _scenario(demo, kind)
        event = _report(demo, suffix, days, code, text, immediate, affected)
        _handle(demo, event, days)
        events.append(event)
    learned = [e for e in events if _fresh(e).status == Event.Status.CLOSED and not e.positive][:2]
    for event in learned:
        services.publish_learning(
            by=demo.handler(event.unit),
            event=_fresh(event),
            title=f"Lärdom från {event.category.name.lower()}",
            summary="Vi gick igenom händelsen tillsammans, ändrade rutinen och följer upp den på APT.",
        )
    return events


def _stage(rng: random.Random, days: float) -> str:
    s = Event.Status
    if days > 90:
        return str(rng.choices((s.CLOSED, s.TRIAGED), (90, 10))[0])
    if days > 30:
        return str(rng.choices((s.CLOSED, s.TRIAGED, s.NEW), (60, 25, 15))[0])
    return str(rng.choices((s.CLOSED, s.TRIAGED, s.NEW), (20, 40, 40))[0])


def _handle(demo: Demo, event: Event, days: float) -> None:
    """Triage, maybe investigate, create actions and close, as far as the event's age calls for."""
    rng = demo.rng
    stage = _stage(rng, days)
    if stage == Event.Status.NEW:
        return
    handler = demo.handler(event.unit)
    changes: dict[str, object] = {
        "probability": rng.choices((1, 2, 3, 4), (30, 40, 20, 10))[0],
        "consequence": rng.choices((1, 2, 3, 4), (30, 40, 25, 5))[0],
    }
    if event.affected == Affected.PATIENT and not event.positive:
        changes["harm"] = rng.choices((Harm.NONE, Harm.RISK, Harm.INJURY), (45, 40, 15))[0]
        if changes["harm"] == Harm.INJURY:
            changes |= {
                "patient_informed": True,
                "patient_informed_at": event.occurred_at + dt.timedelta(hours=2),
            }
    if event.category.duty == Category.Duty.PERSONAL_DATA:
        changes["aware_at"] = event.occurred_at + dt.timedelta(hours=1)
    _triage(demo, event, handler, **changes)
    if event.category.duty == Category.Duty.PERSONAL_DATA and days > 3:
        _decide(
            demo,
            event,
            Duty.Kind.PERSONAL_DATA,
            "not_reported",
            "Uppgifterna nådde ingen obehörig utanför vården; risken för de registrerade bedöms som låg.",
        )
    serious = changes.get("harm") == Harm.INJURY or changes["probability"] * changes["consequence"] >= 9  # type: ignore[operator]
    if serious and rng.random() < 0.4:
        services.save_investigation(
            _fresh(event),
            by=handler,
            version=None,
            kind=Investigation.Kind.SHORT,
            commissioner=handler,
            causes=[(c, d) for c, d in rng.sample(CAUSES, 2)],
            conclusions="Rutinen var inte känd av alla och följdes inte under hög belastning.",
            final_report="Rutinen är förtydligad och genomgången med hela arbetsgruppen.",
            done=stage == Event.Status.CLOSED,
        )
    if not event.positive and rng.random() < 0.4:
        for _i in range(rng.randint(1, 2)):
            due = (event.occurred_at + dt.timedelta(days=rng.randint(20, 90))).date()
            owner = rng.choice([handler, demo.reporter(event.unit)])
            _action(demo, event, handler, rng.choice(ACTION_TITLES), owner, due, _action_status(demo, due))
    if stage == Event.Status.CLOSED:
        _close(event, handler, rng.choice(CLOSING))


CAUSES = (
    (Cause.Category.COMMUNICATION, "Informationen följde inte med vid överlämningen."),
    (Cause.Category.COMPETENCE, "Nyanställda hade inte fått introduktion i rutinen."),
    (Cause.Category.TECHNOLOGY, "Utrustningen saknade larm för felet."),
    (Cause.Category.PROCEDURES, "Rutinen var otydlig och inte känd av alla."),
    (Cause.Category.ORGANISATION, "Hög beläggning och vakanta tjänster."),
    (Cause.Category.ENVIRONMENT, "Trånga lokaler och dålig belysning."),
)


def _action_status(demo: Demo, due: dt.date) -> str:
    a = Action.Status
    today = demo.now.date()
    if due < today - dt.timedelta(days=20):
        return str(demo.rng.choices((a.DONE, a.NOT_DONE, a.ONGOING), (80, 8, 12))[0])
    if due < today:
        return str(demo.rng.choices((a.DONE, a.ONGOING, a.PLANNED), (30, 45, 25))[0])
    return str(demo.rng.choices((a.PLANNED, a.ONGOING, a.DONE), (50, 40, 10))[0])


COMPLAINT_UNITS = ("MAVD1", "MAVD2", "AKM", "KAVD", "MMOT", "HC1", "HC3", "PAVD", "BUP1", "TK1")


def _complaints(demo: Demo, events: Iterable[Event]) -> None:
    """Two years of complaints: most answered in time, a few late, three open and three overdue."""
    rng = demo.rng
    patient = [e for e in events if e.affected == Affected.PATIENT and not e.positive]
    ages = [rng.uniform(75, DAYS) for _i in range(18)] + [rng.uniform(35, 70) for _i in range(3)]
    ages += [rng.uniform(2, 20) for _i in range(3)]
    for n, age in enumerate(sorted(ages, reverse=True)):
        received = demo.day(age)
        nearby = [
            e
            for e in patient
            if e.unit.code.endswith(COMPLAINT_UNITS)
            and dt.timedelta(0) < demo.now - e.occurred_at - dt.timedelta(days=age) < dt.timedelta(days=40)
        ]
        about = nearby[:1] if nearby and n % 3 == 0 else []
        unit = about[0].unit if about else demo.unit(COMPLAINT_UNITS[n % len(COMPLAINT_UNITS)])
        text, sender = COMPLAINTS[n % len(COMPLAINTS)]
        handler = demo.handler(unit)
        complaint = services.register_complaint(
            by=handler,
            unit=unit,
            received_on=received,
            channel=rng.choices(Complaint.Channel.values, (45, 25, 20, 3, 7))[0],
            sender=sender,
            description=text,
            events=about,
        )
        if n >= len(ages) - 6:
            continue  # open: three within the deadline, three past it
        answered = min(received + dt.timedelta(days=rng.randint(5, 26 if n % 7 else 40)), demo.now.date())
        services.answer_complaint(
            complaint,
            by=handler,
            version=complaint.version,
            answered_on=answered,
            answer_summary=rng.choice(ANSWERS),
        )


def _proposals(demo: Demo) -> None:
    """Staff proposals taken to every state, tried ones with plan-do-study-act notes."""
    order: list[str] = [Proposal.Status.ASSESSING, Proposal.Status.ONGOING, Proposal.Status.ADOPTED]
    for suffix, username, title, idea, reach in PROPOSALS:
        unit, submitter = demo.unit(suffix), demo.people[username]
        proposal = services.submit_proposal(by=submitter, unit=unit, title=title, idea=idea)
        handler = demo.handler(unit)
        steps = order[: order.index(reach) + 1] if reach in order else []
        if reach == Proposal.Status.REJECTED:
            steps = [Proposal.Status.ASSESSING, Proposal.Status.REJECTED]
        for status in steps:
            if status == Proposal.Status.ADOPTED:
                for phase in (PdsaEntry.Phase.STUDY, PdsaEntry.Phase.ACT):
                    services.add_pdsa(proposal, by=submitter, phase=phase, text=PDSA[phase])
            proposal = services.move_proposal(
                proposal,
                by=handler,
                version=proposal.version,
                status=status,
                reason=REJECTED if status == Proposal.Status.REJECTED else "",
            )
            if status == Proposal.Status.ONGOING:
                for phase in (PdsaEntry.Phase.PLAN, PdsaEntry.Phase.DO):
                    services.add_pdsa(proposal, by=submitter, phase=phase, text=PDSA[phase])


def _this_week(demo: Demo) -> None:
    """This week's reports, left for the handlers: new events in the inbox and a running IMY clock."""
    _report(
        demo,
        "MAVD1",
        2,
        "fall",
        "Patienten gled ur rullstolen vid förflyttning till sängen.",
        "Undersökt, inga synliga skador, läkare informerad.",
        Affected.PATIENT,
        by=demo.people["rapportor"],
    )
    _report(
        demo,
        "MAVD1",
        1,
        "lakemedel",
        "Kvällsdosen av blodförtunnande saknades i dosetten.",
        "Dosen hämtad från avdelningsförrådet och given.",
        Affected.PATIENT,
        by=demo.people["lasare"],
    )
    _report(
        demo,
        "MAVD1",
        0.5,
        "positiv-handelse",
        "Nattpersonalen ordnade så att en döende patients familj kunde vara på plats hela natten.",
        "",
        Affected.PATIENT,
        by=demo.people["rapportor"],
        hour=8,
    )
    _report(
        demo,
        "HC1",
        3,
        "informationsoverforing",
        "Provsvar med högt kalium nådde inte läkaren förrän efter helgen.",
        "Patienten kontaktad och provet taget om.",
        Affected.PATIENT,
    )
    usb = _report(
        demo,
        "AKM",
        1,
        "personuppgiftsincident",
        "Ett USB-minne med dagens patientlista har försvunnit från expeditionen.",
        "Eftersökt på avdelningen, IT informerad.",
        Affected.INFORMATION,
        hour=14,
    )
    _triage(
        demo,
        usb,
        demo.people["anna.ek"],
        probability=3,
        consequence=3,
        aware_at=usb.occurred_at + dt.timedelta(hours=1),
    )
