"""The demo's document library: the region's policy and about thirty routines, guidelines,
programmes and reports across the demo units, all loaded through the importer.

Each is written as the regions write them, metadata block last, so the demo shows the same
import a region would run on its own files. Some fall due for review soon or are overdue;
some ask units to confirm reading.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from importlib.resources import files

from django.utils import timezone

from rodtrad.core.access import SYSTEM
from rodtrad.core.demo.profiles import Profile
from rodtrad.core.models import Unit
from rodtrad.documents import services
from rodtrad.documents.models import Document


@dataclass(frozen=True)
class Entry:
    """One demo document: where it applies, how it is classified and when it is to be revised."""

    type: str
    title: str
    unit: str | None  # a unit code suffix; None for the whole region
    text: str
    k: int = 1
    review_in_days: int = 400
    read_by: tuple[str, ...] = ()
    references: str = ""


LIBRARY: list[Entry] = [
    Entry(
        "Rutin",
        "Rutin för basala hygienrutiner och klädregler",
        "HSV",
        "Alla som arbetar patientnära följer basala hygienrutiner: desinfektera händerna före och efter "
        "patientkontakt, använd handskar vid kontakt med kroppsvätskor och bär kortärmad arbetsdräkt som "
        "byts dagligen. Följsamheten mäts varje månad och resultatet redovisas på arbetsplatsträffen.",
        review_in_days=12,
        read_by=("MAVD1", "MAVD2"),
        references="SOSFS 2015:10",
    ),
    Entry(
        "Rutin",
        "Rutin för rapportering av avvikelser",
        None,
        "Den som upptäcker en avvikelse eller en positiv händelse rapporterar den samma dag i Rödtråd. "
        "Närmaste chef bedömer händelsen inom en vecka och beslutar om åtgärder. Allvarliga händelser "
        "anmäls till verksamhetschefen, som tar ställning till händelseanalys och anmälan enligt lex Maria.",
        review_in_days=200,
        read_by=("HSV",),
        references="HSLF-FS 2017:40 (5 kap.) ISO 9001 (10.2)",
    ),
    Entry(
        "Rutin",
        "Rutin för händelseanalys efter allvarlig vårdskada",
        "HSV",
        "Verksamhetschefen utser analysledare. Analysgruppen samlar fakta, beskriver händelseförloppet, "
        "identifierar bakomliggande orsaker och föreslår åtgärder. Analysen är klar inom åtta veckor och "
        "åtgärdernas effekt följs upp efter sex månader.",
        review_in_days=-20,
        references="SOSFS 2011:9 (7 kap.)",
    ),
    Entry(
        "Rutin",
        "Rutin för läkemedelshantering på vårdavdelning",
        "MED",
        "Läkemedel förvaras inlåsta. Iordningställande och administrering sker enligt ordination och "
        "signeras i journalen. Narkotikaklassade läkemedel dubbelkontrolleras och inventeras varje vecka.",
        review_in_days=25,
        read_by=("MED",),
        references="HSLF-FS 2017:37",
    ),
    Entry(
        "Rutin",
        "Rutin för fallprevention",
        "MED",
        "Alla patienter över 65 år riskbedöms för fall inom ett dygn efter inskrivning. Vid risk upprättas "
        "en vårdplan med åtgärder som anpassad belysning, halkskydd och översyn av läkemedel.",
        review_in_days=300,
    ),
    Entry(
        "Rutin",
        "Rutin för trycksårsprevention",
        "MED",
        "Risken för trycksår bedöms med Nortonskalan vid inskrivning. Patienter med risk vänds enligt schema "
        "och får tryckavlastande madrass. Trycksår dokumenteras med kategori och följs upp dagligen.",
        review_in_days=-5,
    ),
    Entry(
        "Rutin",
        "Rutin för säker identifiering av patient",
        None,
        "Patientens identitet kontrolleras med fullständigt personnummer före varje undersökning, "
        "behandling och provtagning. Patienten ombeds själv uppge sitt namn och personnummer.",
        review_in_days=500,
        read_by=("HSV", "PV"),
    ),
    Entry(
        "Rutin",
        "Rutin för överrapportering enligt SBAR",
        "AKUT",
        "Muntlig överrapportering mellan vårdenheter sker strukturerat enligt SBAR: situation, bakgrund, "
        "aktuellt tillstånd och rekommendation. Mottagaren bekräftar och ställer frågor.",
        review_in_days=180,
    ),
    Entry(
        "Rutin",
        "Rutin för hantering av klagomål och synpunkter",
        None,
        "Klagomål från patienter och närstående registreras och besvaras inom fyra veckor. Svaret förklarar "
        "vad som hänt och vilka åtgärder som vidtas. Sammanställningen används i förbättringsarbetet.",
        review_in_days=20,
        references="HSLF-FS 2017:40 (4 kap.)",
    ),
    Entry(
        "Rutin",
        "Rutin för egenkontroll av journalföring",
        "PV",
        "Varje vårdcentral granskar tio slumpvis valda journaler per kvartal mot checklistan för "
        "journalföring. Avvikelser återkopplas till berörda och förbättringar följs upp.",
        review_in_days=400,
    ),
    Entry(
        "Rutin",
        "Rutin för avfallshantering och källsortering",
        None,
        "Avfall sorteras vid källan i smittförande avfall, stickande och skärande avfall, läkemedelsrester, "
        "farligt avfall, brännbart avfall och returpapper. Avfallsrummen töms enligt schema.",
        review_in_days=250,
        references="ISO 14001 (8.1)",
    ),
    Entry(
        "Riktlinje",
        "Riktlinje för informationssäkerhet",
        None,
        "Information klassas efter konfidentialitet, riktighet, tillgänglighet och spårbarhet. Behörigheter "
        "ges efter behov i arbetet och följs upp två gånger per år. Incidenter rapporteras som avvikelser.",
        k=1,
        review_in_days=-40,
        references="ISO 27001 (5.2) ISO 27001 (A.5)",
    ),
    Entry(
        "Riktlinje",
        "Riktlinje för nutrition",
        "HSV",
        "Alla inneliggande patienter bedöms avseende risk för undernäring. Vid risk upprättas en "
        "nutritionsplan tillsammans med dietist och patientens vikt följs varje vecka.",
        review_in_days=365,
    ),
    Entry(
        "Riktlinje",
        "Riktlinje för smärtbedömning",
        "KIR",
        "Smärta skattas med NRS före och efter smärtlindring och minst var fjärde timme efter operation. "
        "Skattningen dokumenteras i journalen och styr behandlingen.",
        review_in_days=28,
        read_by=("KIR",),
    ),
    Entry(
        "Riktlinje",
        "Riktlinje för vårdhygien vid multiresistenta bakterier",
        "HSV",
        "Patienter med kända multiresistenta bakterier vårdas i enkelrum med egen toalett. Vårdhygien "
        "kontaktas vid nytt fynd. Städning sker med förstärkt rutin vid utskrivning.",
        review_in_days=600,
    ),
    Entry(
        "Riktlinje",
        "Riktlinje för samordnad individuell plan",
        "PV",
        "En samordnad individuell plan upprättas när en person behöver insatser från både region och "
        "kommun. Planen görs tillsammans med personen och anger vem som har huvudansvaret.",
        review_in_days=420,
    ),
    Entry(
        "Riktlinje",
        "Riktlinje för bemötande och jämlik vård",
        None,
        "Alla patienter bemöts med respekt och får vård på lika villkor. Statistik redovisas uppdelad på "
        "kön och ålder så att skillnader upptäcks och förbättringar kan riktas dit de behövs.",
        k=0,
        review_in_days=700,
    ),
    Entry(
        "Instruktion",
        "Instruktion för rengöring av infusionspump",
        "MED",
        "Stäng av pumpen och koppla bort nätsladden. Torka av hölje och display med ytdesinfektion med "
        "tensid. Låt torka innan pumpen ställs tillbaka i laddstället.",
        review_in_days=90,
    ),
    Entry(
        "Instruktion",
        "Instruktion för start av reservkraft",
        "RLF",
        "Vid strömavbrott startar reservkraften automatiskt. Om den inte startar inom en minut kontaktas "
        "driftcentralen, som startar aggregatet manuellt enligt checklistan.",
        k=2,
        review_in_days=14,
    ),
    Entry(
        "Instruktion",
        "Instruktion för larm vid hjärtstopp",
        "AKUT",
        "Larma 2222, påbörja hjärt-lungräddning och hämta hjärtstartaren. Den som är teamledare "
        "fördelar uppgifterna och dokumenterar tider.",
        review_in_days=220,
        read_by=("AKUT",),
    ),
    Entry(
        "Vårdprogram",
        "Vårdprogram för strokevård",
        "MED",
        "Vårdprogrammet beskriver vården från akutskede till rehabilitering. Patienter med misstänkt stroke "
        "bedöms för trombolys inom 60 minuter. Rehabilitering startar inom ett dygn och planeras i team.",
        review_in_days=800,
        references="Nationella riktlinjer för vård vid stroke",
    ),
    Entry(
        "Vårdprogram",
        "Vårdprogram för diabetes typ 2",
        "PV",
        "Personer med diabetes typ 2 följs upp årligen med HbA1c, blodtryck, blodfetter, fotundersökning och "
        "ögonbottenfotografering. Målen sätts tillsammans med patienten.",
        review_in_days=-60,
    ),
    Entry(
        "Vårdprogram",
        "Vårdprogram för palliativ vård i livets slutskede",
        "HSV",
        "Brytpunktssamtal hålls med patient och närstående när vården övergår till palliativ vård. "
        "Symtom skattas regelbundet och vid behov ordineras läkemedel i förväg.",
        review_in_days=540,
    ),
    Entry(
        "Plan",
        "Plan för patientsäkerhetsarbetet",
        None,
        "Planen anger årets fokusområden: vårdrelaterade infektioner, fall, trycksår och läkemedelsfel. "
        "Varje förvaltning tar fram handlingsplaner och följer upp dem per tertial.",
        review_in_days=45,
        references="SOSFS 2011:9 (4 kap.)",
    ),
    Entry(
        "Plan",
        "Plan för krisberedskap",
        "RLF",
        "Planen beskriver hur regionen leder och samordnar vid allvarliga händelser. Den särskilda "
        "sjukvårdsledningen kan kallas in dygnet runt och övar två gånger per år.",
        k=2,
        review_in_days=160,
    ),
    Entry(
        "Plan",
        "Handlingsplan för minskad klimatpåverkan",
        None,
        "Regionen minskar utsläppen från transporter, energi, läkemedel och upphandling. "
        "Åtgärderna följs upp i miljöredovisningen och redovisas för regionstyrelsen.",
        k=0,
        review_in_days=330,
        references="ISO 14001 (6.2)",
    ),
    Entry(
        "Program",
        "Program för förbättringsarbete",
        None,
        "Programmet beskriver hur förbättringar drivs med stöd av förbättringscoacher och cykeln planera, "
        "göra, studera och lära. Förbättringsförslag från medarbetare tas om hand inom en månad.",
        review_in_days=365,
        read_by=("RLF",),
    ),
    Entry(
        "Strategi",
        "Strategi för digital vård",
        None,
        "Invånare ska kunna välja digitala kontaktvägar när det passar dem. Digitala besök, egna "
        "mätningar och stöd för egenvård införs stegvis och utvärderas.",
        k=0,
        review_in_days=900,
    ),
    Entry(
        "Patientsäkerhetsberättelse",
        "Patientsäkerhetsberättelse för hälso- och sjukvårdsförvaltningen",
        "HSV",
        "Berättelsen redovisar hur patientsäkerhetsarbetet har bedrivits under året, vilka åtgärder som "
        "vidtagits och vilka resultat som uppnåtts. Antalet fall med skada minskade och följsamheten till "
        "basala hygienrutiner ökade.",
        k=0,
        review_in_days=100,
        references="SOSFS 2011:9 (9 kap.)",
    ),
    Entry(
        "Miljöredovisning",
        "Miljöredovisning",
        None,
        "Redovisningen visar resultat inom kemikalier, avfall, transporter, energi och läkemedel. "
        "Energianvändningen i regionens lokaler minskade och andelen förnybart bränsle ökade.",
        k=0,
        review_in_days=100,
    ),
]


def markdown(entry: Entry, profile: Profile, today: dt.date) -> str:
    """The entry as the regions write it: heading, text, then the metadata block."""
    unit = "Regionövergripande"
    if entry.unit is not None:
        found = (
            Unit.objects.filter(code=f"{profile.code}-{entry.unit}").values_list("name", flat=True).first()
        )
        unit = found or unit
    valid_from = today - dt.timedelta(days=365)
    review_by = today + dt.timedelta(days=entry.review_in_days)
    lines = [
        f"# {entry.title}",
        "",
        entry.text,
        "",
        f"**Verksamhet:** {unit}",
        f"**Godkännare:** {'Gustav Godkännare' if entry.unit else 'Regiondirektören'}",
        "**Upprättare:** Karin Kvalitet",
        f"**Gäller från:** {valid_from.isoformat()}",
        f"**Revideras senast:** {review_by.isoformat()}",
        f"**Informationssäkerhet:** K ({entry.k}) R (2) T (2) S (2)",
    ]
    if entry.references:
        lines.append(f"**Referens:** {entry.references}")
    return "\n".join(lines) + "\n"


def load_library(profile: Profile) -> None:
    """Import the policy and the library once; titles already present are left alone."""
    present = set(Document.objects.values_list("title", flat=True))
    policy = files("rodtrad.documents.demo").joinpath("policy.md").read_bytes()
    if "Regionens policy för kvalitet och ständiga förbättringar" not in present:
        services.import_document(
            by=SYSTEM, name="policy.md", data=policy, published=True, default_type="Policy"
        )
    today = timezone.localdate()
    for entry in LIBRARY:
        if entry.title in present:
            continue
        data = markdown(entry, profile, today).encode()
        doc = services.import_document(
            by=SYSTEM, name=f"{entry.title}.md", data=data, default_type=entry.type
        )
        doc_id = doc.document.pk
        services.submit(doc_id, by=SYSTEM, version=None)
        services.approve(doc_id, by=SYSTEM, version=None, comment="Godkänd.")
        readers = list(Unit.objects.filter(code__in=[f"{profile.code}-{s}" for s in entry.read_by]))
        services.publish(doc_id, by=SYSTEM, version=None, read_units=readers or None)
