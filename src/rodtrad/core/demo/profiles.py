"""The demo profiles: each seed region's name, vision and motto, and a demo tree.

Later modules add their parts of a profile (value base, goal areas) beside these.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Profile:
    key: str
    name: str
    code: str
    vision: str
    motto: str
    seeds: tuple[str, ...]
    hospital: str
    town: str
    towns: tuple[str, ...] = field(default=())


PROFILES: dict[str, Profile] = {
    "kalmar": Profile(
        key="kalmar",
        name="Landstinget i Kalmar län",
        code="KLL",
        vision="Hälsolänet – för ett friskare, tryggare och rikare liv",
        motto="Varje dag lite bättre – kraften hos många!",
        seeds=("002", "003"),
        hospital="Länssjukhuset i Kalmar",
        town="Kalmar",
        towns=("Västervik", "Oskarshamn", "Nybro", "Vimmerby"),
    ),
    "orebro": Profile(
        key="orebro",
        name="Region Örebro län",
        code="ROL",
        vision=(
            "När vi styr mot samma mål bildar vi en kraft som driver utvecklingen i länet "
            "och skapar livskvalitet för alla människor som lever här."
        ),
        motto="Tillsammans skapar vi ett bättre liv.",
        seeds=("001",),
        hospital="Universitetssjukhuset Örebro",
        town="Örebro",
        towns=("Karlskoga", "Lindesberg", "Kumla", "Askersund"),
    ),
    "jamtland": Profile(
        key="jamtland",
        name="Region Jämtland Härjedalen",
        code="RJH",
        vision="En region att längta till och växa i",
        motto="Respekt för alla människors lika värde",
        seeds=("004",),
        hospital="Östersunds sjukhus",
        town="Östersund",
        towns=("Strömsund", "Sveg", "Järpen", "Hammarstrand"),
    ),
    "kompass": Profile(
        key="kompass",
        name="Regionen med värdegrundskompassen",
        code="RVK",
        vision="Vård i rätt tid och av hög kvalitet",
        motto="Ständigt bättre – Patienten alltid först!",
        seeds=("000",),
        hospital="Centralsjukhuset",
        town="Residensstaden",
        towns=("Norrby", "Söderby", "Västerby", "Österby"),
    ),
}
DEFAULT_PROFILE = "kalmar"


def tree(p: Profile) -> list[tuple[str, str, str, list]]:  # type: ignore[type-arg]
    """(code suffix, name, kind, children) for the demo tree below the region."""
    t1, t2, t3, t4 = p.towns
    return [
        (
            "RLF",
            "Regionledningsförvaltningen",
            "forvaltning",
            [
                (
                    "KANS",
                    "Regionkansliet",
                    "centrum",
                    [
                        ("KVAL", "Kvalitet och patientsäkerhet", "enhet", []),
                        ("EKON", "Ekonomienheten", "enhet", []),
                        ("HR", "HR-enheten", "enhet", []),
                    ],
                ),
            ],
        ),
        (
            "HSV",
            "Hälso- och sjukvårdsförvaltningen",
            "forvaltning",
            [
                (
                    "MED",
                    f"Medicincentrum, {p.hospital}",
                    "centrum",
                    [
                        ("MAVD1", "Medicinavdelning 1", "enhet", []),
                        ("MAVD2", "Medicinavdelning 2", "enhet", []),
                        ("MMOT", "Medicinmottagningen", "enhet", []),
                    ],
                ),
                (
                    "KIR",
                    "Kirurgicentrum",
                    "centrum",
                    [
                        ("KAVD", "Kirurgavdelningen", "enhet", []),
                        ("OP", "Operationsenheten", "enhet", []),
                    ],
                ),
                (
                    "AKUT",
                    "Akut- och ambulanscentrum",
                    "centrum",
                    [
                        ("AKM", f"Akutmottagningen {p.town}", "enhet", []),
                        ("AMB", "Ambulanssjukvården", "enhet", []),
                    ],
                ),
            ],
        ),
        (
            "PV",
            "Primärvårdsförvaltningen",
            "forvaltning",
            [
                (
                    "PVN",
                    "Hälsocentraler norr",
                    "centrum",
                    [
                        ("HC1", f"Hälsocentralen {t1}", "enhet", []),
                        ("HC2", f"Hälsocentralen {t2}", "enhet", []),
                    ],
                ),
                (
                    "PVS",
                    "Hälsocentraler söder",
                    "centrum",
                    [
                        ("HC3", f"Hälsocentralen {t3}", "enhet", []),
                        ("HC4", f"Hälsocentralen {t4}", "enhet", []),
                    ],
                ),
            ],
        ),
        (
            "PSY",
            "Psykiatriförvaltningen",
            "forvaltning",
            [
                (
                    "VPSY",
                    "Vuxenpsykiatri",
                    "centrum",
                    [
                        ("PAKM", "Psykiatrisk akutmottagning", "enhet", []),
                        ("PAVD", "Allmänpsykiatrisk avdelning", "enhet", []),
                    ],
                ),
                (
                    "BUP",
                    "Barn- och ungdomspsykiatri",
                    "centrum",
                    [
                        ("BUP1", f"BUP-mottagningen {p.town}", "enhet", []),
                        ("BUP2", f"BUP-mottagningen {t1}", "enhet", []),
                    ],
                ),
            ],
        ),
        (
            "FTV",
            "Folktandvården",
            "forvaltning",
            [
                (
                    "ATV",
                    "Allmäntandvård",
                    "centrum",
                    [
                        ("TK1", f"Tandkliniken {p.town}", "enhet", []),
                        ("TK2", f"Tandkliniken {t3}", "enhet", []),
                    ],
                ),
                (
                    "STV",
                    "Specialisttandvård",
                    "centrum",
                    [
                        ("KAK", "Käkkirurgi", "enhet", []),
                        ("ORT", "Ortodonti", "enhet", []),
                    ],
                ),
            ],
        ),
        (
            "RU",
            "Regional utveckling",
            "forvaltning",
            [
                (
                    "KT",
                    "Kollektivtrafiken",
                    "centrum",
                    [
                        ("TRPL", "Trafikplanering", "enhet", []),
                        ("KUND", "Kundservice", "enhet", []),
                    ],
                ),
                (
                    "KUB",
                    "Kultur och bildning",
                    "centrum",
                    [
                        ("KULT", "Kulturenheten", "enhet", []),
                        ("FHS", "Folkhögskolan", "enhet", []),
                    ],
                ),
            ],
        ),
    ]


DEMO_PASSWORD = "rodtrad-demo"  # noqa: S105 (printed by `rodtrad demo`; demo data only)

#: (username, name, title, role, unit code suffix); one person per role.
DEMO_USERS: list[tuple[str, str, str, str, str]] = [
    ("admin", "Alva Administratör", "Systemförvaltare", "admin", ""),
    ("kvalitet", "Karin Kvalitet", "Kvalitetssamordnare", "quality", "HSV"),
    ("godkannare", "Gustav Godkännare", "Förvaltningschef", "approver", "HSV"),
    ("chef", "Maria Chef", "Enhetschef", "manager", "MAVD1"),
    ("redaktor", "Erik Redaktör", "Verksamhetsutvecklare", "editor", "MAVD1"),
    ("rapportor", "Rasmus Rapportör", "Undersköterska", "reporter", "MAVD1"),
    ("lasare", "Lena Läsare", "Sjuksköterska", "reader", "MAVD1"),
]
