from django.db import migrations, models

# Every write to the search index gives the generation row a value it has never had, so
# rodtrad.documents.search can cache a ranking per generation. SQLite's random() is 64 bits;
# PostgreSQL takes the next value of a sequence, which a rollback does not give back.
SQLITE_FORWARD = [
    f"CREATE TRIGGER documents_search_generation_{suffix} AFTER {event} ON documents_searchentry BEGIN "
    "UPDATE documents_searchgeneration SET value = random(); END"
    for suffix, event in (("ai", "INSERT"), ("au", "UPDATE"), ("ad", "DELETE"))
]
SQLITE_BACKWARD = [
    f"DROP TRIGGER IF EXISTS documents_search_generation_{suffix}" for suffix in ("ai", "au", "ad")
]
POSTGRES_FORWARD = [
    "CREATE SEQUENCE documents_search_generation_seq",
    "CREATE FUNCTION documents_search_generation_next() RETURNS trigger LANGUAGE plpgsql AS $$ "
    "BEGIN UPDATE documents_searchgeneration SET value = nextval('documents_search_generation_seq'); "
    "RETURN NULL; END $$",
    "CREATE TRIGGER documents_search_generation AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE "
    "ON documents_searchentry FOR EACH STATEMENT EXECUTE FUNCTION documents_search_generation_next()",
]
POSTGRES_BACKWARD = [
    "DROP TRIGGER IF EXISTS documents_search_generation ON documents_searchentry",
    "DROP FUNCTION IF EXISTS documents_search_generation_next()",
    "DROP SEQUENCE IF EXISTS documents_search_generation_seq",
]


def forward(apps, schema_editor):
    apps.get_model("documents", "SearchGeneration").objects.using(schema_editor.connection.alias).create(
        pk=1, value=0
    )
    vendor = schema_editor.connection.vendor
    for sql in {"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}.get(vendor, []):
        schema_editor.execute(sql)


def backward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for sql in {"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD}.get(vendor, []):
        schema_editor.execute(sql)


class Migration(migrations.Migration):

    dependencies = [
        ('documents', '0003_search'),
    ]

    operations = [
        migrations.CreateModel(
            name='SearchGeneration',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('value', models.BigIntegerField(default=0)),
            ],
        ),
        migrations.RunPython(forward, backward),
    ]
