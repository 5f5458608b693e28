"""A deterministic, region-scale organisation for benchmarks (``rodtrad generate``).

Everything is written with ``bulk_create`` and treebeard paths computed here,
because going through the one-row services would take minutes at 2,000 units
and 15,000 people. The audit chain is still extended only by
:func:`rodtrad.core.services.audit.record`, so ``rodtrad audit verify`` passes.
"""

from __future__ import annotations

import datetime as dt
import random
import unicodedata
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext as _

from rodtrad.core.access import SYSTEM
from rodtrad.core.models import AuditAction, Membership, Organisation, Role, Unit, User
from rodtrad.core.services import audit, org

BATCH = 1000
PASSWORD_PREFIX = "bench-"  # noqa: S105 - printed for benchmark sign-in, by design

FORVALTNINGAR = (
    ("HSF", "Hälso- och sjukvårdsförvaltningen"),
    ("PVF", "Primärvårdsförvaltningen"),
    ("PSF", "Psykiatriförvaltningen"),
    ("FTV", "Folktandvårdsförvaltningen"),
    ("RSF", "Regionservice"),
    ("RUF", "Regional utvecklingsförvaltning"),
)
CENTRA = (
    "Medicincentrum",
    "Kirurgicentrum",
    "Akutcentrum",
    "Kvinnocentrum",
    "Barn- och ungdomscentrum",
    "Ortopedicentrum",
    "Diagnostikcentrum",
    "Hjärtcentrum",
    "Neurocentrum",
    "Rehabiliteringscentrum",
    "Närvårdscentrum",
    "Område Vårdcentraler",
    "Område Vuxenpsykiatri",
    "Område Barn- och ungdomspsykiatri",
    "Område Allmäntandvård",
    "Område Specialisttandvård",
    "Område Service",
    "Område Fastighet",
    "Område Kultur och bildning",
    "Område Kollektivtrafik",
)
ENHET_KINDS = (
    "Avdelning",
    "Mottagning",
    "Vårdcentralen",
    "Folktandvården",
    "Rehabenheten",
    "Sektion",
    "Enhet",
    "Team",
)
SPECIALTIES = (
    "allmänmedicin",
    "kardiologi",
    "geriatrik",
    "infektion",
    "njurmedicin",
    "endokrinologi",
    "ortopedi",
    "urologi",
    "kärlkirurgi",
    "onkologi",
    "hematologi",
    "gynekologi",
    "förlossning",
    "neonatal",
    "barnmedicin",
    "öron-näsa-hals",
    "ögon",
    "hud",
    "röntgen",
    "klinisk kemi",
    "smärta",
    "palliativ vård",
    "rättspsykiatri",
    "beroende",
    "ätstörningar",
    "lokalvård",
    "kost",
    "patienttransport",
    "IT-stöd",
    "ekonomi",
)
TOWNS = (
    "Kalmar",
    "Västervik",
    "Oskarshamn",
    "Nybro",
    "Vimmerby",
    "Borgholm",
    "Emmaboda",
    "Torsås",
    "Mönsterås",
    "Hultsfred",
    "Högsby",
    "Mörbylånga",
    "Lindsdal",
    "Smedby",
    "Färjestaden",
    "Påskallavik",
)
FIRST_NAMES = (
    "Anna",
    "Eva",
    "Maria",
    "Karin",
    "Sara",
    "Lena",
    "Kerstin",
    "Emma",
    "Ingrid",
    "Malin",
    "Johanna",
    "Linnéa",
    "Elin",
    "Sofia",
    "Ida",
    "Åsa",
    "Helena",
    "Märta",
    "Annika",
    "Ulrika",
    "Fatima",
    "Amira",
    "Lars",
    "Erik",
    "Anders",
    "Johan",
    "Per",
    "Karl",
    "Nils",
    "Mikael",
    "Jan",
    "Hans",
    "Peter",
    "Olof",
    "Gustav",
    "Björn",
    "Mattias",
    "Jonas",
    "Oskar",
    "Håkan",
    "Göran",
    "Ali",
    "Mohammed",
)
SURNAMES = (
    "Andersson",
    "Johansson",
    "Karlsson",
    "Nilsson",
    "Eriksson",
    "Larsson",
    "Olsson",
    "Persson",
    "Svensson",
    "Gustafsson",
    "Pettersson",
    "Jonsson",
    "Jansson",
    "Hansson",
    "Bengtsson",
    "Jönsson",
    "Lindberg",
    "Jakobsson",
    "Magnusson",
    "Olofsson",
    "Lindström",
    "Lindqvist",
    "Lindgren",
    "Berg",
    "Axelsson",
    "Bergström",
    "Lundberg",
    "Lundgren",
    "Mattsson",
    "Berglund",
    "Fredriksson",
    "Sandberg",
    "Henriksson",
    "Forsberg",
    "Sjöberg",
    "Wallin",
    "Engström",
    "Eklund",
    "Danielsson",
    "Håkansson",
    "Björk",
    "Holm",
    "Nyström",
    "Söderberg",
    "Åberg",
    "Hussein",
    "Ali",
)
STAFF_TITLES = (
    ("Sjuksköterska", 24),
    ("Undersköterska", 22),
    ("Specialistläkare", 6),
    ("Överläkare", 4),
    ("ST-läkare", 3),
    ("Fysioterapeut", 4),
    ("Arbetsterapeut", 3),
    ("Barnmorska", 2),
    ("Kurator", 2),
    ("Psykolog", 2),
    ("Medicinsk sekreterare", 6),
    ("Biomedicinsk analytiker", 3),
    ("Tandläkare", 2),
    ("Tandhygienist", 2),
    ("Administratör", 5),
    ("Lokalvårdare", 3),
    ("Handläggare", 3),
    ("Utvecklare", 2),
)
MANAGER_TITLES = {
    Unit.Kind.REGION: "Regiondirektör",
    Unit.Kind.FORVALTNING: "Förvaltningschef",
    Unit.Kind.CENTRUM: "Verksamhetschef",
    Unit.Kind.ENHET: "Enhetschef",
}


class Progress(Protocol):
    def update(self, n: int = 1) -> bool | None: ...


@dataclass
class Plan:
    """The rows to write, built in memory before anything touches the database."""

    units: list[Unit] = field(default_factory=list)
    users: list[User] = field(default_factory=list)
    #: (user index, unit index, role)
    memberships: list[tuple[int, int, str]] = field(default_factory=list)
    #: unit index -> user index of its manager
    managers: dict[int, int] = field(default_factory=dict)
    #: user index -> unit index of the home unit
    homes: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class Generated:
    region: Unit
    units: int
    users: int
    memberships: int
    audit_entries: int
    password: str


def password_for(seed: int) -> str:
    """The one password every generated person signs in with."""
    return f"{PASSWORD_PREFIX}{seed}"


def rows_to_write(units: int, users: int, audit_entries: int, documents: int = 0) -> int:
    """A close estimate of the rows written, for the progress bar's total."""
    return units + users + round(users * 1.2) + audit_entries + 1 + documents * 5


def _ascii(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in folded.lower() if ch.isalnum())


def _step(n: int) -> str:
    """One treebeard path step: ``n`` in base 36 over ``Unit.alphabet``, ``Unit.steplen`` wide."""
    digits = ""
    while n:
        n, rest = divmod(n, len(Unit.alphabet))
        digits = Unit.alphabet[rest] + digits
    return digits.rjust(Unit.steplen, Unit.alphabet[0])


def _shares(total: int, parts: int, rng: random.Random) -> list[int]:
    """Split ``total`` over ``parts`` unevenly (as real organisations are), each at least one if it can."""
    if total <= parts:
        return [1] * total + [0] * (parts - total)
    weights = [rng.uniform(0.4, 1.6) for _part in range(parts)]
    extra = total - parts
    shares = [1 + int(extra * w / sum(weights)) for w in weights]
    for i in range(total - sum(shares)):
        shares[i % parts] += 1
    return shares


def _plan_units(n: int, rng: random.Random, plan: Plan) -> None:
    """Region, up to six förvaltningar, centra, then enheter, with their treebeard paths."""
    children: list[list[int]] = []

    def add(parent: int | None, code: str, name: str, kind: Unit.Kind) -> int:
        index = len(plan.units)
        if parent is None:
            path, depth = _step(1), 1
        else:
            children[parent].append(index)
            path, depth = plan.units[parent].path + _step(len(children[parent])), plan.units[parent].depth + 1
        plan.units.append(Unit(path=path, depth=depth, numchild=0, code=code, name=name, kind=kind))
        children.append([])
        return index

    add(None, "REG", "Region Kalmar län (genererad)", Unit.Kind.REGION)
    forvaltningar = [
        add(0, code, name, Unit.Kind.FORVALTNING) for code, name in FORVALTNINGAR[: max(0, min(6, n - 1))]
    ]
    rest = n - len(plan.units)
    n_centra = min(rest, max(len(forvaltningar), round(rest / 32)))
    centra: list[int] = []
    for f_index, count in zip(forvaltningar, _shares(n_centra, len(forvaltningar), rng), strict=True):
        f_code = plan.units[f_index].code
        for i in range(count):
            name = f"{CENTRA[rng.randrange(len(CENTRA))]} {rng.choice(TOWNS)}"
            centra.append(add(f_index, f"{f_code}-{i + 1:02d}", name, Unit.Kind.CENTRUM))
    for c_index, count in zip(centra, _shares(n - len(plan.units), len(centra), rng), strict=True):
        c_code = plan.units[c_index].code
        for i in range(count):
            kind = rng.choice(ENHET_KINDS)
            name = f"{kind} {rng.choice(SPECIALTIES)} {rng.choice(TOWNS)}"
            if kind == "Avdelning":
                name = f"{kind} {rng.randint(1, 99)} {rng.choice(SPECIALTIES)}"
            add(c_index, f"{c_code}-{i + 1:03d}", name, Unit.Kind.ENHET)
    for unit, kids in zip(plan.units, children, strict=True):
        unit.numchild = len(kids)


def _person(i: int, rng: random.Random, title: str, password_hash: str) -> User:
    first, last = rng.choice(FIRST_NAMES), rng.choice(SURNAMES)
    return User(
        username=f"{_ascii(first)[:4]}{_ascii(last)[:4]}{i:05d}",
        name=f"{first} {last}",
        email=f"{_ascii(first)}.{_ascii(last)}{i}@region.example",
        title=title,
        password=password_hash,
    )


def _plan_people(n: int, rng: random.Random, plan: Plan, password_hash: str) -> None:
    """Managers first (one per unit), then staff spread over the enheter, then extra roles."""
    homes = plan.homes
    enheter = [i for i, u in enumerate(plan.units) if u.kind == Unit.Kind.ENHET] or list(
        range(len(plan.units))
    )
    titles = [t for t, _w in STAFF_TITLES]
    weights = [w for _t, w in STAFF_TITLES]
    for i in range(n):
        if i < len(plan.units):
            home, title = i, MANAGER_TITLES[Unit.Kind(plan.units[i].kind)]
            plan.managers[home] = i
        else:
            home, title = rng.choice(enheter), rng.choices(titles, weights)[0]
        plan.users.append(_person(i + 1, rng, title, password_hash))
        homes.append(home)
    for i, home in enumerate(homes):
        plan.memberships.append((i, home, Role.READER if rng.random() < 0.15 else Role.REPORTER))
    for unit_index, user_index in plan.managers.items():
        plan.memberships.append((user_index, unit_index, Role.MANAGER))
        if plan.units[unit_index].kind != Unit.Kind.ENHET:
            plan.memberships.append((user_index, unit_index, Role.APPROVER))
    staff = list(range(len(plan.managers), n))
    for i in staff:
        if rng.random() < 0.04:
            plan.memberships.append((i, homes[i], Role.EDITOR))
    _plan_coordinators(rng, plan, staff)


def _plan_coordinators(rng: random.Random, plan: Plan, staff: list[int]) -> None:
    """Quality coordinators on förvaltningar and centra; a few administrators on the region."""
    if not staff:
        return
    picked = rng.sample(staff, len(staff))
    for unit_index, unit in enumerate(plan.units):
        wanted = {Unit.Kind.FORVALTNING: 3, Unit.Kind.CENTRUM: 1}.get(Unit.Kind(unit.kind), 0)
        for _slot in range(wanted):
            if not picked:
                return
            user_index = picked.pop()
            plan.users[user_index].title = "Kvalitetssamordnare"
            plan.memberships.append((user_index, unit_index, Role.QUALITY))
    for _slot in range(3):
        if not picked:
            return
        user_index = picked.pop()
        plan.users[user_index].title = "Systemförvaltare"
        plan.memberships.append((user_index, 0, Role.ADMIN))


def _write_history(plan: Plan, memberships: list[Membership], count: int, progress: Progress | None) -> int:
    """Unit creations and role grants by the administrators, as a real region's log holds them."""
    admins: list[User | None] = [plan.users[u] for u, _unit, role in plan.memberships if role == Role.ADMIN]
    admins = admins or [None]
    units = plan.units[:count]
    step = max(1, len(memberships) // max(1, count - len(units)))
    grants = memberships[::step][: count - len(units)]
    for i, unit in enumerate(units, 1):
        _tick(progress, i)
        audit.record(
            actor=admins[i % len(admins)],
            action=AuditAction.CREATE,
            obj=unit,
            unit=unit,
            changes={"name": [None, unit.name], "code": [None, unit.code], "kind": [None, unit.kind]},
        )
    for i, membership in enumerate(grants, len(units) + 1):
        _tick(progress, i)
        user, unit = membership.user, membership.unit
        audit.record(
            actor=admins[i % len(admins)],
            action=AuditAction.GRANT,
            obj=membership,
            unit=unit,
            changes={"user": [None, user.pk], "unit": [None, unit.pk], "role": [None, membership.role]},
            label=f"{user} – {Role(membership.role).label} – {unit.code}",
        )
    return len(units) + len(grants)


def _tick(progress: Progress | None, done: int, every: int = 500) -> None:
    if progress is not None and done % every == 0:
        progress.update(every)


def _bulk(model: type[models.Model], rows: list[Any], progress: Progress | None) -> None:
    """Insert in batches, ids set on the objects (SQLite and PostgreSQL both return them)."""
    for start in range(0, len(rows), BATCH):
        batch = rows[start : start + BATCH]
        model._default_manager.bulk_create(batch)
        if progress is not None:
            progress.update(len(batch))


@transaction.atomic
def generate(
    *,
    units: int,
    users: int,
    seed: int = 1,
    audit_entries: int = 20000,
    documents: int = 0,
    progress: Progress | None = None,
) -> Generated:
    """Write a region of ``units`` units and ``users`` people into an empty organisation tree.

    The same seed gives the same names, codes and roles. An existing tree is
    never touched: generating into it would mix benchmark data with real data.
    """
    if units < 1 or users < 0 or audit_entries < 0:
        raise ValidationError(_("Ask for at least one unit and no negative counts."))
    if Unit.objects.exists():
        raise ValidationError(_("The database already has units; generate into an empty data directory."))
    rng = random.Random(seed)  # noqa: S311 - benchmark data, not secrets
    plan = Plan()
    _plan_units(units, rng, plan)
    password = password_for(seed)
    _plan_people(users, rng, plan, make_password(password))
    _bulk(Unit, plan.units, progress)
    for user, home in zip(plan.users, plan.homes, strict=True):
        user.home_unit = plan.units[home]
    _bulk(User, plan.users, progress)
    for unit_index, user_index in plan.managers.items():
        plan.units[unit_index].manager = plan.users[user_index]
    Unit.objects.bulk_update([plan.units[i] for i in plan.managers], ["manager"], batch_size=BATCH)
    memberships = [
        Membership(user=plan.users[u], unit=plan.units[unit], role=role) for u, unit, role in plan.memberships
    ]
    _bulk(Membership, memberships, progress)
    region = plan.units[0]
    if not Organisation.objects.exists():
        org.update_organisation(by=SYSTEM, name=region.name, vision="Benchmarkdata", profile="generate")
    written = _write_history(plan, memberships, audit_entries, progress)
    generate_documents(documents, seed=seed, progress=progress)
    audit.record(
        actor=SYSTEM,
        action=AuditAction.GENERATE,
        obj=region,
        unit=region,
        changes={
            "seed": [None, seed],
            "units": [None, len(plan.units)],
            "users": [None, len(plan.users)],
            "memberships": [None, len(memberships)],
            "audit_entries": [None, written],
            "documents": [None, documents],
        },
        label=_("Generated benchmark organisation"),
    )
    return Generated(region, len(plan.units), len(plan.users), len(memberships), written + 1, password)


TOPICS = (
    ("handhygien", "Basala hygienrutiner och handdesinfektion följs vid varje patientkontakt."),
    ("läkemedel", "Läkemedel förvaras inlåsta och administreras enligt ordination med signering."),
    ("fallprevention", "Patienter riskbedöms för fall och får åtgärder enligt vårdplanen."),
    ("avvikelser", "Avvikelser rapporteras samma dag och följs upp med åtgärder och lärande."),
    ("förbättringsarbete", "Förbättringar prövas i små steg och resultaten följs upp varje månad."),
    ("informationssäkerhet", "Information klassas och behörigheter följs upp två gånger per år."),
    ("nutrition", "Risk för undernäring bedöms och nutritionsplaner upprättas vid behov."),
    ("trycksår", "Risken för trycksår bedöms vid inskrivning och förebyggs med tryckavlastning."),
    ("avfall", "Avfall sorteras vid källan och farligt avfall hanteras enligt föreskrifterna."),
    ("krisberedskap", "Vid allvarlig händelse leds arbetet enligt planen och övas två gånger per år."),
    ("journalföring", "Journalen förs fortlöpande och granskas i egenkontroller varje kvartal."),
    ("smärta", "Smärta skattas före och efter behandling och dokumenteras i journalen."),
)
FILLER = (
    "Chefen ansvarar för att rutinen är känd och tillämpas på enheten.",
    "Medarbetarna deltar i uppföljningen och föreslår förbättringar.",
    "Resultaten redovisas på arbetsplatsträffen och i verksamhetsberättelsen.",
    "Rutinen revideras när arbetssättet ändras eller nya krav tillkommer.",
    "Avvikelser från rutinen rapporteras i avvikelsesystemet.",
)


def generate_documents(n: int, *, seed: int = 1, progress: Progress | None = None) -> int:
    """``n`` documents with three versions each and their search index rows, in bulk.

    Most are published (versions 1–2 superseded, 3 published); the rest have a draft third
    version. Scopes, types, classifications and review dates are spread as in a real region.
    """
    from rodtrad.documents.models import (
        Document,
        DocumentType,
        DocumentVersion,
        SearchEntry,
    )
    from rodtrad.documents.search import entry_for
    from rodtrad.documents.services import ensure_default_types

    rng = random.Random(seed + 7)  # noqa: S311 - benchmark data, not secrets
    types = list(DocumentType.objects.all()) or ensure_default_types(by=SYSTEM)
    units = list(Unit.objects.filter(depth__gte=2).values_list("pk", "name", "manager_id"))
    if not units or n <= 0:
        return 0
    year = timezone.localdate().year
    today = timezone.localdate()
    docs: list[Document] = []
    texts: list[str] = []
    for i in range(n):
        doc_type = rng.choice(types)
        unit_id, unit_name, manager = rng.choice(units)
        topic, sentence = rng.choice(TOPICS)
        k = rng.choices((0, 1, 2, 3, 4), (10, 40, 40, 8, 2))[0]
        published = rng.random() < 0.85
        valid_from = today - dt.timedelta(days=rng.randint(150, 1500))
        docs.append(
            Document(
                number=f"GEN-{year}-{i + 1:06d}",
                title=f"{doc_type.name} för {topic} – {unit_name}",
                type=doc_type,
                unit_id=unit_id,
                owner_id=manager,
                approver_body="Verksamhetschef",
                author_body=unit_name[:200],
                valid_from=valid_from,
                review_by=today + dt.timedelta(days=rng.randint(-120, 700)),
                classification_k=k,
                keywords=[topic],
                status=Document.Status.PUBLISHED if published else Document.Status.DRAFT,
            )
        )
        texts.append(" ".join([sentence, *rng.sample(FILLER, 3)]))
    _bulk(Document, docs, progress)
    versions: list[DocumentVersion] = []
    for doc, text in zip(docs, texts, strict=True):
        for number in (1, 2, 3):
            state: str = DocumentVersion.State.SUPERSEDED
            if number == 3:
                state = doc.status
            elif number == 2 and doc.status != "published":
                state = DocumentVersion.State.PUBLISHED  # a revision under way

            versions.append(
                DocumentVersion(
                    document=doc,
                    number=number,
                    state=state,
                    content=f"# {doc.title}\n\n{text}\n",
                    html=f"<h1>{escape(doc.title)}</h1>\n<p>{escape(text)}</p>\n",
                    change_note=f"Version {number}",
                )
            )
    _bulk(DocumentVersion, versions, progress)
    for doc, second, third in zip(docs, versions[1::3], versions[2::3], strict=True):
        doc.published_version = third if doc.status == "published" else second
    Document.objects.bulk_update(docs, ["published_version"], batch_size=BATCH)
    entries = [
        entry_for(doc, text, [], name)
        for doc, text, name in zip(docs, texts, (d.author_body for d in docs), strict=True)
    ]
    _bulk(SearchEntry, entries, progress)
    return n
