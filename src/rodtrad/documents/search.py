"""Swedish full-text search over documents: the index the services keep and the queries that read it.

Both databases stem with Snowball's Swedish algorithm and drop the same stop words, so a
query finds the same documents on each. PostgreSQL uses its ``swedish`` configuration over
:class:`SearchEntry` (an expression GIN index, migration 0003); SQLite stems in Python
(``snowballstemmer``) on index and query and matches in an FTS5 table. Every query starts
from :meth:`DocumentQuerySet.visible_to`, so results and counts never show a document the
caller may not see.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import snowballstemmer
from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.html import conditional_escape, format_html, strip_tags
from django.utils.safestring import SafeString, mark_safe

from rodtrad.core.models import Unit
from rodtrad.documents.models import Document, DocumentQuerySet, DocumentVersion, SearchEntry

#: Letters and digits; underscores and punctuation separate words, as PostgreSQL's parser does.
WORD = re.compile(r"[^\W_]+")
SPACE = re.compile(r"\s+")
#: PostgreSQL's Swedish stop words (tsearch_data/swedish.stop, from Snowball): left out of queries.
_STOP = """och det att i en jag hon som han på den med var sig för så till är men ett om hade de av
    icke mig du
    henne då sin nu har inte hans honom skulle hennes där min man ej vid kunde något från ut när efter upp
    vi dem vara vad över än dig kan sina här ha mot alla under någon eller allt mycket sedan ju denna själv
    detta åt utan varit hur ingen mitt ni bli blev oss din dessa några deras blir mina samma vilken er
    sådan vår blivit dess inom mellan sådant varför varje vilka ditt vem vilket sitta sådana vart dina vars
    vårt våra ert era vilkas"""
STOP_WORDS = frozenset(_STOP.split())
SNIPPET_WORDS = 30
#: Snippets look for hits in this much of the text; the rest of a long document is not scanned.
SNIPPET_SCAN_CHARS = 200_000
_stemmer = snowballstemmer.stemmer("swedish")

#: The vector PostgreSQL's GIN index is built on (migration 0003): the same text, so the planner uses it.
_PG_PART = "setweight(to_tsvector('swedish'::regconfig, COALESCE(documents_searchentry.{}_terms, '')), '{}')"
_PG_WEIGHTS = (("title", "A"), ("metadata", "B"), ("body", "C"))
PG_VECTOR = "(" + " || ".join(_PG_PART.format(column, weight) for column, weight in _PG_WEIGHTS) + ")"
PG_QUERY = "plainto_tsquery('swedish'::regconfig, %s)"
#: bm25 weights per column (title, metadata, text), as PostgreSQL's A, B and C weights rank them.
SQLITE_RANK = "-bm25(documents_search_fts, 10.0, 4.0, 1.0)"


@lru_cache(maxsize=100_000)
def stem(word: str) -> str:
    return str(_stemmer.stemWord(word))


def words(text: str) -> list[str]:
    return [w.lower() for w in WORD.findall(text)]


def stems(text: str) -> str:
    """The text as space-separated stems: what SQLite's FTS5 table indexes."""
    return " ".join(stem(w) for w in words(text))


def plain_words(text: str) -> str:
    """The text's words, lower case, split as :func:`words` splits them: what PostgreSQL stems."""
    return " ".join(words(text))


def query_terms(q: str) -> list[str]:
    """The query's stems without stop words, each once: every one must occur in a hit."""
    return list(dict.fromkeys(stem(w) for w in words(q) if w not in STOP_WORDS))


# ---- the index -------------------------------------------------------------------


def version_text(version: DocumentVersion) -> str:
    """What a reader sees of a version as plain text: the rendered Markdown and the file's text."""
    text = html.unescape(strip_tags(version.html))
    return "\n\n".join(part for part in (text.strip(), version.file_text.strip()) if part)


def current_version(doc: Document) -> DocumentVersion | None:
    """The version search shows: the published one, else the working (latest) one."""
    if doc.published_version_id is not None:
        return DocumentVersion.objects.filter(pk=doc.published_version_id).first()
    return DocumentVersion.objects.filter(document=doc).order_by("-number").first()


def metadata_text(doc: Document, references: Iterable[Any], unit_name: str = "") -> str:
    """Number, type, scope, bodies, keywords and requirement references as one searchable line."""
    parts = [doc.number, doc.type.name, unit_name, doc.author_body, doc.approver_body]
    parts += [str(k) for k in doc.keywords or []]
    parts += [str(r) for r in references]
    return " ".join(p for p in parts if p)


def entry_for(doc: Document, body: str, references: Iterable[Any], unit_name: str) -> SearchEntry:
    """The index row of ``doc``: Snowball stems for SQLite's FTS5, plain words for PostgreSQL to stem."""
    entry = SearchEntry(document=doc, title=doc.title, metadata=metadata_text(doc, references, unit_name))
    entry.body = body
    terms = stems if connection.vendor == "sqlite" else plain_words
    entry.title_terms = terms(entry.title)
    entry.metadata_terms = terms(entry.metadata)
    entry.body_terms = terms(body)
    return entry


def index_document(doc: Document) -> None:
    """Bring the document's index row up to date; services call it in their transaction."""
    version = current_version(doc)
    body = version_text(version) if version is not None else ""
    unit_name = Unit.objects.filter(pk=doc.unit_id).values_list("name", flat=True).first() or ""
    entry = entry_for(doc, body, doc.references.all(), unit_name)
    fields = ["title", "metadata", "body", "title_terms", "metadata_terms", "body_terms"]
    SearchEntry.objects.update_or_create(
        document=doc, defaults={name: getattr(entry, name) for name in fields}
    )


# ---- filters and queries ---------------------------------------------------------------


@dataclass(frozen=True)
class Filters:
    """The filters of the document list and of search; None leaves a filter out."""

    type: int | None = None
    unit: Unit | None = None
    status: str | None = None
    classification: int | None = None
    due_for_review: bool | None = None


def apply_filters(qs: DocumentQuerySet, filters: Filters, today: dt.date | None = None) -> DocumentQuerySet:
    if filters.type is not None:
        qs = qs.filter(type_id=filters.type)
    if filters.unit is not None:
        qs = qs.in_subtree(filters.unit)
    if filters.status is not None:
        qs = qs.filter(status=filters.status)
    if filters.classification is not None:
        qs = qs.filter(classification_k=filters.classification)
    if filters.due_for_review is not None:
        due = Document.objects.due_for_review(today or timezone.localdate()).values("pk")
        qs = qs.filter(pk__in=due) if filters.due_for_review else qs.exclude(pk__in=due)
    return qs


def search(user: Any, q: str, filters: Filters = Filters()) -> QuerySet[Document]:  # noqa: B008
    """Documents ``user`` may see that contain every word of ``q`` (inflected forms too), best first.

    Each row carries ``rank`` (higher is better). A query of stop words only finds nothing.
    """
    terms = query_terms(q)
    qs = apply_filters(Document.objects.visible_to(user), filters)
    if not terms:
        return qs.none()
    found: QuerySet[Document]
    if connection.vendor == "postgresql":
        text = " ".join(w for w in words(q) if w not in STOP_WORDS)  # split as the index is
        found = qs.extra(  # noqa: S610 - fixed SQL; the query text is a parameter
            select={"rank": f"ts_rank({PG_VECTOR}, {PG_QUERY})"},
            select_params=[text],
            tables=["documents_searchentry"],
            where=["documents_searchentry.document_id = documents_document.id", f"{PG_VECTOR} @@ {PG_QUERY}"],
            params=[text],
        )
    else:
        match = " ".join(f'"{term}"' for term in terms)  # stems are letters and digits only
        found = qs.extra(  # noqa: S610 - fixed SQL; the match expression is a parameter
            select={"rank": SQLITE_RANK},
            tables=["documents_search_fts"],
            where=["documents_search_fts.rowid = documents_document.id", "documents_search_fts MATCH %s"],
            params=[match],
        )
    return found.order_by("-rank", "number")


def snippet(text: str, terms: Iterable[str], size: int = SNIPPET_WORDS) -> SafeString:
    """About ``size`` words around the first hit, hits in ``<mark>``, everything else escaped."""
    wanted = set(terms)
    text = text[:SNIPPET_SCAN_CHARS]
    found = list(WORD.finditer(text))
    if not found:
        return SafeString("")
    hits = {i for i, m in enumerate(found) if stem(m.group().lower()) in wanted}
    first = min(hits) if hits else 0
    start = max(0, first - size // 4)
    end = min(len(found), start + size)
    pieces: list[str] = ["… " if start > 0 else ""]
    position = found[start].start()
    for i in range(start, end):
        if i in hits:
            match = found[i]
            pieces.append(_plain(text[position : match.start()]))
            pieces.append(format_html("<mark>{}</mark>", match.group()))
            position = match.end()
    pieces.append(_plain(text[position : found[end - 1].end()]))
    pieces.append(" …" if end < len(found) else "")
    return mark_safe("".join(pieces))  # noqa: S308 - every piece is escaped above


def _plain(text: str) -> str:
    return str(conditional_escape(SPACE.sub(" ", text)))


@dataclass(frozen=True)
class Hit:
    document: Document
    rank: float
    snippet: SafeString


def hits(documents: Iterable[Document], q: str) -> list[Hit]:
    """Search results with their snippets, reading the page's texts in one query."""
    docs = list(documents)
    terms = query_terms(q)
    texts = dict(
        SearchEntry.objects.filter(document_id__in=[d.pk for d in docs]).values_list("document_id", "body")
    )
    return [
        Hit(doc, float(getattr(doc, "rank", 0.0) or 0.0), snippet(texts.get(doc.pk, ""), terms))
        for doc in docs
    ]


def reindex(documents: DocumentQuerySet | None = None) -> int:
    """Rebuild the index rows of the given documents (all by default); returns how many."""
    count = 0
    for doc in (documents if documents is not None else Document.objects.all()).select_related("type"):
        index_document(doc)
        count += 1
    return count
