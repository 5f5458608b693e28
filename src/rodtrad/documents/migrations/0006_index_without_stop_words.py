from django.db import migrations

from rodtrad.documents.search import stems

# SQLite's index now leaves out stop words, as PostgreSQL's swedish configuration does
# (search.stems); rewrite the stems of every row (the FTS5 triggers follow). PostgreSQL
# stems at query time from the plain words and needs nothing.
BATCH = 500


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    entries = apps.get_model("documents", "SearchEntry").objects.using(schema_editor.connection.alias)
    fields = ["title_terms", "metadata_terms", "body_terms"]
    batch = []
    for entry in entries.only("pk", "title", "metadata", "body").iterator(chunk_size=BATCH):
        entry.title_terms, entry.metadata_terms, entry.body_terms = (
            stems(entry.title),
            stems(entry.metadata),
            stems(entry.body),
        )
        batch.append(entry)
        if len(batch) == BATCH:
            entries.bulk_update(batch, fields)
            batch = []
    entries.bulk_update(batch, fields)


class Migration(migrations.Migration):
    dependencies = [
        ("documents", "0005_owner_review_index"),
    ]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
