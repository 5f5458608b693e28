"""Demo documents for a profile: a published routine with reading required, a draft and a public report.

The region's policy and the larger library come through the importer (:mod:`.library`).
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from rodtrad.core.access import SYSTEM
from rodtrad.core.demo.profiles import Profile
from rodtrad.core.models import Role, Unit, User
from rodtrad.documents import services
from rodtrad.documents.demo.library import load_library
from rodtrad.documents.models import Document, DocumentType

ROUTINE = """# Rutin för händelseanalys

## Syfte
Rutinen beskriver hur en händelseanalys genomförs efter en allvarlig händelse, så att vi lär oss
och förhindrar att den inträffar igen.

## Ansvar
- **Verksamhetschef** beslutar om analys och utser analysledare.
- **Analysgruppen** samlar fakta, beskriver händelseförloppet och identifierar orsaker.

## Arbetsgång
1. Samla fakta och intervjua berörda.
2. Beskriv händelseförloppet.
3. Identifiera bakomliggande orsaker.
4. Föreslå åtgärder och hur de ska följas upp.
"""

DRAFT = """# Riktlinje för läkemedelshantering på avdelningen

Läkemedel förvaras inlåsta. Iordningställande sker enligt ordination, med dubbelkontroll
av narkotiska preparat.
"""

REPORT = """# Patientsäkerhetsberättelse

Berättelsen redovisar hur patientsäkerhetsarbetet har bedrivits under året, vilka åtgärder som
vidtagits och vilka resultat som uppnåtts.
"""


def _user(username: str) -> User | None:
    user: User | None = User.objects.filter(username=username).first()
    return user


def load_documents(profile: Profile) -> None:
    """Add the demo documents once; a second run finds them by title and changes nothing."""
    quality, approver, editor = _user("kvalitet"), _user("godkannare"), _user("redaktor")
    hsv = Unit.objects.filter(code=f"{profile.code}-HSV").first()
    ward = Unit.objects.filter(code=f"{profile.code}-MAVD1").first()
    if not (quality and approver and editor and hsv and ward):
        return
    services.ensure_default_types(by=SYSTEM)
    today = timezone.localdate()
    if not Document.objects.filter(title="Rutin för händelseanalys").exists():
        doc = services.create_document(
            by=quality,
            title="Rutin för händelseanalys",
            type=DocumentType.objects.get(name="Rutin"),
            unit=hsv,
            content=ROUTINE,
            approver=approver,
            author=quality,
            contact=quality,
            valid_from=today - dt.timedelta(days=700),
            review_by=today + dt.timedelta(days=20),
            keywords=["händelseanalys", "patientsäkerhet"],
            references=[("SOSFS 2011:9", ""), ("ISO 9001", "10.2")],
        )
        doc = services.submit(doc.pk, by=quality, version=doc.version, reviewers=[editor])
        services.review(doc.pk, by=editor, comment="Tydlig och bra.", done=True)
        doc = services.approve(doc.pk, by=approver, version=None, comment="Godkänd.")
        services.publish(doc.pk, by=quality, version=None, read_units=[ward], read_roles=[Role.READER])
    if not Document.objects.filter(title="Riktlinje för läkemedelshantering").exists():
        services.create_document(
            by=editor,
            title="Riktlinje för läkemedelshantering",
            type=DocumentType.objects.get(name="Riktlinje"),
            unit=ward,
            content=DRAFT,
            approver_body="Verksamhetschef",
            author=editor,
        )
    title = f"Patientsäkerhetsberättelse {today.year - 1}"
    if not Document.objects.filter(title=title).exists():
        doc = services.create_document(
            by=quality,
            title=title,
            type=DocumentType.objects.get(name="Patientsäkerhetsberättelse"),
            unit=None if quality.is_superuser else hsv,
            content=REPORT,
            author_body=profile.name,
            approver_body="Hälso- och sjukvårdsnämnden",
            classification_k=0,
            valid_from=dt.date(today.year, 3, 1),
        )
        doc = services.submit(doc.pk, by=quality, version=doc.version)
        doc = services.approve(doc.pk, by=approver, version=doc.version)
        services.publish(doc.pk, by=quality, version=doc.version)
    load_library(profile)
