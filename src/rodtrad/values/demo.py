"""Demo value bases for each profile, written from the facts in its seed document, with demo
dialogues for about 60 % of the workplaces this year and a dozen everyday stories.

The value bases, words, perspectives and their descriptions quote the seeds (000–004); the
behaviours turn the seeds' sentences into things people do. Where a seed names no behaviours,
and for every dialogue and story, the text is the demo's own.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone

from rodtrad.core import access
from rodtrad.core.access import SYSTEM, Actor
from rodtrad.core.demo.profiles import Profile
from rodtrad.core.models import Unit, User
from rodtrad.goals.models import Goal
from rodtrad.values import services
from rodtrad.values.models import Dialogue, Story, ValueBase, ValueWord


@dataclass(frozen=True)
class Word:
    word: str
    description: str
    behaviours: tuple[str, ...]


@dataclass(frozen=True)
class Base:
    name: str
    motto: str
    description: str
    words: tuple[Word, ...]
    perspectives: tuple[tuple[str, str], ...] = field(default=())
    primary: bool = True


KALMAR = (
    Base(
        name="Landstingets värdegrund",
        motto="Varje dag lite bättre – kraften hos många!",
        description=(
            "Verksamhetens värdegrund vilar på värdeorden: öppet, engagerat och kunnigt. "
            "I allt vi gör är vårt förhållningssätt öppet, engagerat och kunnigt. "
            "Med hjälp av medarbetarnas sanna berättelser; Varjedag-berättelser, sprids konkreta exempel "
            "på vad värdegrundsorden står för."
        ),
        perspectives=(
            (
                "Det hälsofrämjande perspektivet",
                "Det hälsofrämjande perspektivet präglar både våra möten med invånare och vår vardag "
                "kollegor emellan.",
            ),
            (
                "Patientperspektivet",
                "Bra bemötande och delaktighet ur patientperspektivet.",
            ),
        ),
        words=(
            Word(
                "Öppet",
                "Vårt arbete präglas av lyhördhet och öppenhet inför invånarens upplevelse och behov.",
                (
                    "Vi lär öppet av vad vi gör, av varandra och av andra.",
                    "Vi uppmuntrar förbättringsförslag och idéer i ett öppet klimat med högt i tak.",
                    "Vi lyfter både det som gick bra och det som kunde ha gått fel.",
                ),
            ),
            Word(
                "Engagerat",
                "Medarbetarna tar ansvar för sin egen, arbetsgruppens och verksamhetens utveckling.",
                (
                    "Vi tar initiativ till samarbete internt som externt.",
                    "Vi ser våra roller i helheten och hur alla bidrar till resultatet.",
                    "Vi gör det lilla extra när någon behöver det.",
                ),
            ),
            Word(
                "Kunnigt",
                "Vi verkar för en kunskapsstyrd verksamhet där beslut utgår från bästa tillgängliga kunskap.",
                (
                    "Vi värderar patienters och närståendes kunskap och erfarenheter högt.",
                    "Vi utvecklar vår kompetens varje dag.",
                    "Vi delar det vi lär oss med kollegorna.",
                ),
            ),
        ),
    ),
)

OREBRO = (
    Base(
        name="Vår organisatoriska värdegrund",
        motto="Tillsammans skapar vi ett bättre liv.",
        description=(
            "Genom samarbete, utveckling och professionalism skapar vi tillsammans en god arbetsplats, "
            "en effektiv verksamhet och ett bättre liv för våra invånare. Den offentliga makten ska utövas "
            "med respekt för alla människors lika värde och för den enskilda människans frihet och värdighet."
        ),
        perspectives=(
            (
                "Invånarna",
                "Tillsammans med dig vill vi skapa ett bättre liv för våra patienter och invånare.",
            ),
            ("Arbetsplatsen", "En god arbetsplats."),
            ("Verksamheten", "En effektiv verksamhet."),
        ),
        words=(
            Word(
                "Samarbete",
                "Vi lyfter varandra och samverkar över gränser. Det är vår förmåga till samarbete som ger "
                "kraft att tillsammans skapa ett bättre liv.",
                (
                    "Vi lyfter varandra.",
                    "Vi samverkar över gränser.",
                    "Vi frågar en kollega när vi är osäkra.",
                ),
            ),
            Word(
                "Utveckling",
                "Vi är lärande, utforskar möjligheter och förbättrar ständigt på hållbart sätt med invånaren "
                "i fokus.",
                (
                    "Vi är lärande och utforskar möjligheter.",
                    "Vi förbättrar ständigt på hållbart sätt.",
                    "Vi utgår från invånarens behov när vi ändrar ett arbetssätt.",
                ),
            ),
            Word(
                "Professionalism",
                "Vi håller hög kvalitet, visar tillit och skapar utrymme för det professionella omdömet. "
                "All kontakt med oss ska bidra till ett bättre liv för invånare, kollegor, besökare och "
                "andra aktörer.",
                (
                    "Vi håller hög kvalitet.",
                    "Vi visar tillit och ger utrymme för det professionella omdömet.",
                    "Vi bemöter invånare, kollegor och besökare så att kontakten gör skillnad.",
                ),
            ),
        ),
    ),
)

JAMTLAND = (
    Base(
        name="Regionens värdegrund",
        motto="Respekt för alla människors lika värde",
        description=(
            "Regionens medarbetare ska i dagliga möten och samtal handla med respekt för alla människors "
            "lika värde, visa förtroende för andra och utgå från en helhetssyn på regionen och de som "
            "regionen är till för."
        ),
        perspectives=(
            (
                "Medborgarna",
                "Regionen ska tillhandahålla en tillgänglig och god vård som tillfredsställer "
                "medborgarnas behov.",
            ),
            (
                "Länet",
                "Regionen ska också bidra till en positiv livsmiljö, bra utbildning och meningsfull fritid.",
            ),
            (
                "Medarbetarna",
                "Det är viktigt att alla medarbetare agerar utifrån regionens visioner, gemensamma "
                "värderingar "
                "och ett gemensamt förhållningssätt.",
            ),
        ),
        words=(
            Word(
                "Respekt",
                "I dagliga möten och samtal handlar vi med respekt för alla människors lika värde.",
                (
                    "Vi lyssnar klart innan vi svarar.",
                    "Vi bemöter alla lika, oavsett vem de är.",
                    "Vi talar om patienter och kollegor som om de vore med i rummet.",
                ),
            ),
            Word(
                "Förtroende",
                "Vi visar förtroende för andra.",
                (
                    "Vi litar på kollegornas kunnande och säger det.",
                    "Vi håller det vi lovar.",
                    "Vi säger till när vi inte kan hålla en tid.",
                ),
            ),
            Word(
                "Helhetssyn",
                "Vi utgår från en helhetssyn på regionen och de som regionen är till för.",
                (
                    "Vi tänker på nästa steg i patientens väg, inte bara vårt eget.",
                    "Vi hjälper till över enhetsgränserna.",
                    "Vi väger in länets bästa i våra beslut.",
                ),
            ),
        ),
    ),
)

KOMPASS = (
    Base(
        name="Regionens värdegrund för hälso- och sjukvården",
        motto="Ständigt bättre – Patienten alltid först!",
        description=(
            "Ett etiskt och moraliskt rättesnöre och en kompass i det dagliga arbetet. Värdegrunden har "
            "tagits fram för att hjälpa alla medarbetare, på alla nivåer och i alla verksamheter, att fatta "
            "beslut, prioritera och fokusera på huvuduppgiften. Vad det konkret innebär för varje "
            "arbetsplats "
            "får medarbetare och chefer diskutera och tillsammans komma fram till."
        ),
        perspectives=(
            (
                "Patientens perspektiv",
                "Ur patientens perspektiv är det viktigt att få vård i rätt tid och av hög kvalitet, "
                "att känna "
                "sig trygg och respekterad och att vara välinformerad och delaktig och kunna göra egna val.",
            ),
            (
                "Medarbetarens perspektiv",
                "Som medarbetare respekterar vi varandra och ser våra olika roller, vi är rädda om "
                "andras tid "
                "och gör rätt från mig till dig samt är medvetna om att vi är varandras arbetsmiljö "
                "och skapar "
                "tillsammans en attraktiv arbetsplats.",
            ),
            (
                "Organisationens perspektiv",
                "Ur ett organisationsperspektiv utvecklar vi metoder och arbetssätt för att öka "
                "kvaliteten och "
                "patientsäkerheten och bli effektivare. Vi skapar och delar ny kunskap i samverkan "
                "och är alla "
                "delaktiga i utvecklingsarbetet.",
            ),
        ),
        words=(
            Word(
                "Rätt tid",
                "Patienten får vård i rätt tid.",
                ("Vi är rädda om andras tid.", "Vi gör rätt från mig till dig."),
            ),
            Word(
                "Hög kvalitet",
                "Patienten får vård av hög kvalitet.",
                (
                    "Vi utvecklar metoder och arbetssätt som ökar kvaliteten och patientsäkerheten.",
                    "Vi skapar och delar ny kunskap i samverkan.",
                ),
            ),
            Word(
                "Trygg och respekterad",
                "Patienten ska känna sig trygg och respekterad.",
                ("Vi respekterar varandra och ser våra olika roller.", "Vi förklarar vad som ska hända."),
            ),
            Word(
                "Delaktig",
                "Patienten är välinformerad och delaktig och kan göra egna val.",
                (
                    "Vi ger patienten det underlag som behövs för att välja.",
                    "Vi är alla delaktiga i utvecklingsarbetet.",
                ),
            ),
        ),
    ),
    Base(
        name="Värdegrund för regional utveckling",
        motto="Vi tar ansvar för utvecklingen",
        description=(
            "En ledstjärna i utvecklingsarbetet. Alla ska utifrån bästa förmåga bidra till att vi är "
            "kunniga, tydliga och vet vad vi vill, lyhörda, lätta att samarbeta med och inspirerande. Vi ger "
            "energi och den gemensamma positionen är att vi tar ansvar för utvecklingen."
        ),
        primary=False,
        perspectives=(
            ("Vilka vi är till för", "Människorna i vår region – de som bor och verkar här."),
            (
                "Vad vi betyder för dem",
                "Vi bidrar till att skapa mervärde i deras vardag genom att vi bidrar till att regionens "
                "möjligheter tas tillvara.",
            ),
            (
                "Vårt samhällsuppdrag",
                "Att vi har ett samhällsuppdrag och är ansvariga inför ägare och skattebetalare.",
            ),
            (
                "Vad som driver oss",
                "Vi tror på vår del av världen och vi agerar i regionen, i landet och på den internationella "
                "arenan.",
            ),
        ),
        words=(
            Word("Kunniga", "Vi är kunniga.", ("Vi håller oss uppdaterade inom vårt område.",)),
            Word(
                "Tydliga och vet vad vi vill",
                "Vi är tydliga och vet vad vi vill.",
                ("Vi säger vad vi vill uppnå och varför.",),
            ),
            Word("Lyhörda", "Vi är lyhörda.", ("Vi frågar dem vi är till för innan vi bestämmer.",)),
            Word(
                "Lätta att samarbeta med",
                "Vi är lätta att samarbeta med.",
                ("Vi svarar snabbt och tar kontakt själva.",),
            ),
            Word(
                "Inspirerande", "Vi är inspirerande och ger energi.", ("Vi delar med oss av det som lyckas.",)
            ),
        ),
    ),
)

VALUE_BASES: dict[str, tuple[Base, ...]] = {
    "kalmar": KALMAR,
    "orebro": OREBRO,
    "jamtland": JAMTLAND,
    "kompass": KOMPASS,
}


@dataclass(frozen=True)
class DemoStory:
    title: str
    text: str
    unit: str
    writer: str
    words: tuple[int, ...]
    kind: str = Story.Kind.GOOD_EXAMPLE
    fate: str = Story.Status.PUBLISHED
    lifted_by: tuple[str, ...] = ()


STORIES = (
    DemoStory(
        "Hon satt kvar tills dottern kom",
        "En äldre patient blev orolig när kvällen kom. Min kollega satt kvar hos henne efter passet och "
        "pratade om hennes trädgård tills dottern hann fram. Patienten somnade lugn.",
        "MAVD1",
        "rapportor",
        (1,),
        lifted_by=("lasare", "chef", "redaktor"),
    ),
    DemoStory(
        "Vi sa till i tid",
        "På morgonmötet berättade en ny undersköterska att hon inte kände till rutinen för fallrisk. "
        "I stället för att tiga frågade hon, och vi gick igenom den tillsammans samma dag.",
        "MAVD1",
        "lasare",
        (0, 2),
        kind=Story.Kind.LEARNING,
        lifted_by=("rapportor",),
    ),
    DemoStory(
        "Tolken som inte kom",
        "Tolken uteblev vid ett viktigt samtal. Receptionisten ringde runt och fick fram en telefontolk "
        "inom tio minuter, så att patienten kunde vara med och bestämma om sin behandling.",
        "MMOT",
        "chef",
        (0,),
        lifted_by=("lasare",),
    ),
    DemoStory(
        "Ambulansen och hälsocentralen",
        "Ambulansen ringde hälsocentralen innan de lämnade en patient hemma. Distriktssköterskan kom "
        "förbi samma eftermiddag. Två enheter, en plan för patienten.",
        "AMB",
        "kvalitet",
        (1, 2),
    ),
    DemoStory(
        "Checklistan som räddade operationen",
        "Under genomgången före operationen upptäckte en sjuksköterska att en allergi saknades i "
        "underlaget. Teamet stannade upp, kontrollerade och bytte läkemedel.",
        "OP",
        "redaktor",
        (2,),
        kind=Story.Kind.LEARNING,
        lifted_by=("chef", "kvalitet"),
    ),
    DemoStory(
        "Barnet fick bestämma ordningen",
        "På tandkliniken fick en rädd sexåring själv välja i vilken ordning vi skulle göra sakerna. "
        "Det tog fem minuter extra och besöket blev av.",
        "TK1",
        "lasare",
        (0, 1),
    ),
    DemoStory(
        "Schemat vi gjorde om tillsammans",
        "När sjukfrånvaron ökade satte vi oss hela arbetsgruppen och gjorde om schemat. "
        "Alla fick säga sitt, och efter tre månader var frånvaron lägre.",
        "HC1",
        "chef",
        (1,),
    ),
    DemoStory(
        "Kunskap från en närstående",
        "En pappa visade oss hur hans son med autism bäst tar emot information. Vi skrev in det i "
        "vårdplanen och hela avdelningen arbetar nu likadant.",
        "PAVD",
        "rapportor",
        (2, 0),
        lifted_by=("lasare", "redaktor"),
    ),
    DemoStory(
        "Resenären som glömt sin väska",
        "En resenär ringde kundservice i panik. Min kollega spårade bussen, och chauffören lämnade "
        "väskan på nästa hållplats. Resenären hann till sitt läkarbesök.",
        "KUND",
        "redaktor",
        (1,),
    ),
    DemoStory(
        "Lånet av en kollega",
        "Operationsenheten lånade ut en sjuksköterska till akuten en hektisk natt. Ingen behövde "
        "fråga två gånger.",
        "AKM",
        "kvalitet",
        (1, 2),
    ),
    DemoStory(
        "Frågan vi ställer varje morgon",
        "Vi har börjat fråga patienterna vad som är viktigast för dem i dag. Svaren styr hur vi "
        "planerar ronden.",
        "MAVD2",
        "lasare",
        (0,),
        fate=Story.Status.SUBMITTED,
    ),
    DemoStory(
        "Nattpasset",
        "Under nattpasset löste vi en svår situation tillsammans med jouren.",
        "MAVD1",
        "rapportor",
        (2,),
        fate=Story.Status.RETURNED,
    ),
)
RETURN_COMMENT = "Fin berättelse! Skriv gärna mer om vad ni gjorde, så att fler kan lära av den."

#: What a value word means for the workplace: the demo's own dialogue conclusions.
CONCLUSIONS = (
    "För oss betyder {word} att vi säger till direkt när något inte fungerar, också till chefen.",
    "Ordet {word} betyder för oss att vi tar oss tid för den som är ny och att ingen ska behöva gissa.",
    "Vi kom fram till att {word} syns i hur vi lämnar över mellan passen: lugnt, tydligt och med "
    "patienten i rummet.",
    "För oss är {word} att vi frågar patienten och närstående vad som är viktigast i dag.",
    "Vi vill att {word} ska märkas på arbetsplatsträffarna: alla kommer till tals och vi följer upp "
    "det vi bestämt.",
)
COMMITMENTS = (
    "Ta upp ett värdeord på varje arbetsplatsträff",
    "Dela en Varjedag-berättelse i månaden",
    "Gå igenom överlämningsrutinen med alla nyanställda",
    "Fråga patienterna vad som är viktigast i dag",
)


def _user(username: str) -> User | None:
    found: User | None = User.objects.filter(username=username, is_active=True).first()
    return found


def _words_of(base: ValueBase) -> list[ValueWord]:
    return list(base.words.order_by("position", "pk"))


def _value_bases(profile: Profile) -> list[ValueBase]:
    """Each of the profile's value bases, created once with its words and behaviours."""
    contact = _user("kvalitet")
    loaded = []
    for spec in VALUE_BASES[profile.key]:
        base = ValueBase.objects.filter(name=spec.name).first()
        if base is None:
            base = services.save_value_base(
                by=SYSTEM,
                name=spec.name,
                motto=spec.motto,
                description=spec.description,
                primary=spec.primary,
                perspectives=list(spec.perspectives),
                contact=contact,
            )
        existing = set(base.words.values_list("word", flat=True))
        for word in spec.words:
            if word.word not in existing:
                services.save_value_word(
                    by=SYSTEM,
                    value_base=base,
                    word=word.word,
                    description=word.description,
                    behaviours=list(word.behaviours),
                )
        loaded.append(base)
    return loaded


def _cite(region: Unit, words: list[ValueWord], year: int) -> None:
    """The region's goals of the year cite a value word each: the red thread from values to goals."""
    goals = Goal.objects.filter(unit=region, year_from__lte=year, year_to__gte=year).order_by("pk")
    for i, goal in enumerate(goals):
        services.cite_value_words(goal, by=SYSTEM, words=[words[i % len(words)]])


def _dialogues(region: Unit, words: list[ValueWord], today: dt.date) -> None:
    """Three workplaces in five held this year's dialogue; the first few made commitments."""
    workplaces = Unit.objects.filter(path__startswith=region.path, kind=Unit.Kind.ENHET, is_active=True)
    fallback = _user("chef")
    for i, unit in enumerate(workplaces.order_by("code")):
        if i % 5 >= 3:
            continue
        held_on = min(dt.date(today.year, 1 + i % today.month, 5 + i % 20), today)
        if Dialogue.objects.filter(unit=unit, held_on__year=today.year).exists():
            continue
        discussed = [words[i % len(words)], words[(i + 1) % len(words)]]
        owner = unit.manager or fallback
        commitments = []
        if i < 8 and owner is not None:
            commitments = [(COMMITMENTS[i % len(COMMITMENTS)], owner, today + dt.timedelta(days=60 + 15 * i))]
        services.record_dialogue(
            by=SYSTEM,
            unit=unit,
            held_on=held_on,
            facilitator=unit.manager or fallback,
            participants=6 + (i * 7) % 15,
            value_words=discussed,
            conclusions=CONCLUSIONS[i % len(CONCLUSIONS)].format(word=discussed[0].word.lower()),
            commitments=commitments,
        )


def _moderator(unit: Unit) -> Actor:
    for username in ("redaktor", "kvalitet"):
        user = _user(username)
        if user is not None and access.can(user, "story.moderate", unit):
            return user
    return SYSTEM


def _stories(profile: Profile, words: list[ValueWord]) -> None:
    for spec in STORIES:
        unit = Unit.objects.filter(code=f"{profile.code}-{spec.unit}").first()
        writer = _user(spec.writer)
        if unit is None or writer is None or Story.objects.filter(title=spec.title).exists():
            continue
        story = services.write_story(
            by=writer,
            unit=unit,
            title=spec.title,
            text=spec.text,
            kind=spec.kind,
            value_words=[words[i % len(words)] for i in spec.words],
            consent=True,
        )
        moderator = _moderator(unit)
        if spec.fate == Story.Status.PUBLISHED:
            story = services.publish_story(story, by=moderator, version=story.version)
            for username in spec.lifted_by:
                colleague = _user(username)
                if colleague is not None:
                    services.lift_story(story, by=colleague)
        elif spec.fate == Story.Status.RETURNED:
            services.return_story(story, by=moderator, version=story.version, comment=RETURN_COMMENT)


def load_values(profile: Profile) -> None:
    """Load the profile's value bases, dialogues and stories; a second run changes nothing."""
    region = Unit.objects.filter(code=profile.code).first()
    if region is None or profile.key not in VALUE_BASES:
        return
    bases = _value_bases(profile)
    words = _words_of(bases[0])
    today = timezone.localdate()
    _cite(region, words, today.year)
    _dialogues(region, words, today)
    _stories(profile, words)
