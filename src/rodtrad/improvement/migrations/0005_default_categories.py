"""The event categories every installation starts with, so no page or request has to create them."""

from django.db import migrations

from rodtrad.improvement.defaults import add_default_categories


def add(apps, schema_editor):
    add_default_categories(apps.get_model("improvement", "Category"))


class Migration(migrations.Migration):
    dependencies = [("improvement", "0004_event_unit_trend_index")]

    operations = [migrations.RunPython(add, migrations.RunPython.noop)]
