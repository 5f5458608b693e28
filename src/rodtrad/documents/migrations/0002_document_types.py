"""The document types every installation starts with (the regions' own names)."""

from django.db import migrations

from rodtrad.documents.defaults import DEFAULT_TYPES as TYPES


def add_types(apps, schema_editor):
    DocumentType = apps.get_model("documents", "DocumentType")
    for kind, name, months in TYPES:
        DocumentType.objects.get_or_create(name=name, defaults={"kind": kind, "review_months": months})


class Migration(migrations.Migration):
    dependencies = [("documents", "0001_initial")]

    operations = [migrations.RunPython(add_types, migrations.RunPython.noop)]
