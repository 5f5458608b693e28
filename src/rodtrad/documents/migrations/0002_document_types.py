"""The document types every installation starts with (the regions' own names)."""

from django.db import migrations

TYPES = [
    ("governing", "Policy", 48),
    ("governing", "Strategi", 48),
    ("governing", "Program", 36),
    ("governing", "Plan", 12),
    ("governing", "Riktlinje", 24),
    ("governing", "Rutin", 24),
    ("governing", "Instruktion", 24),
    ("governing", "Vårdprogram", 36),
    ("reporting", "Årsredovisning", 12),
    ("reporting", "Patientsäkerhetsberättelse", 12),
    ("reporting", "Miljöredovisning", 12),
]


def add_types(apps, schema_editor):
    DocumentType = apps.get_model("documents", "DocumentType")
    for kind, name, months in TYPES:
        DocumentType.objects.get_or_create(name=name, defaults={"kind": kind, "review_months": months})


class Migration(migrations.Migration):
    dependencies = [("documents", "0001_initial")]

    operations = [migrations.RunPython(add_types, migrations.RunPython.noop)]
