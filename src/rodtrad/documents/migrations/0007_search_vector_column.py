"""PostgreSQL keeps the weighted search vector in a stored column instead of an expression index.

Ranking (ts_rank) needs each match's vector; from an expression index PostgreSQL had to
parse and stem every matching text again, which made a common word cost about 200 ms at
20,000 documents. A generated column is computed once per write. SQLite needs nothing (FTS5).
"""

from django.db import migrations

VECTOR = (
    "setweight(to_tsvector('swedish'::regconfig, COALESCE(title_terms, '')), 'A') || "
    "setweight(to_tsvector('swedish'::regconfig, COALESCE(metadata_terms, '')), 'B') || "
    "setweight(to_tsvector('swedish'::regconfig, COALESCE(body_terms, '')), 'C')"
)
FORWARD = [
    f"ALTER TABLE documents_searchentry ADD COLUMN vector tsvector GENERATED ALWAYS AS ({VECTOR}) STORED",
    "CREATE INDEX documents_search_vector_column ON documents_searchentry USING GIN (vector)",
    "DROP INDEX IF EXISTS documents_search_vector",
]
BACKWARD = [
    f"CREATE INDEX documents_search_vector ON documents_searchentry USING GIN (({VECTOR}))",
    "DROP INDEX IF EXISTS documents_search_vector_column",
    "ALTER TABLE documents_searchentry DROP COLUMN IF EXISTS vector",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for sql in statements:
                schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("documents", "0006_index_without_stop_words")]

    operations = [migrations.RunPython(_run(FORWARD), _run(BACKWARD))]
