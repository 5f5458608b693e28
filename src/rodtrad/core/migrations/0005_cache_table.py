from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):  # type: ignore[no-untyped-def]
    """The shared cache (rate limits) lives in the database, so every app process sees the same counts."""
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("core", "0004_page_feedback")]
    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]
