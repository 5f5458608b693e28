"""Swedish full-text search over documents: the index the services keep and the queries that read it.

Both databases stem with Snowball's Swedish algorithm and drop the same stop words, so a
query finds the same documents on each. PostgreSQL uses its ``swedish`` configuration over
:class:`SearchEntry` (a stored vector with a GIN index, migration 0007); SQLite stems in Python
(``snowballstemmer``) on index and query and matches in an FTS5 table. Every query starts
from :meth:`DocumentQuerySet.visible_to`, so results and counts never show a document the
caller may not see.

Ranking scores every match (bm25 / ts_rank), which for a common word is most of a search's
time; :func:`ranking` keeps a query's ranking per process for as long as the index is
unchanged (its generation, migration 0004). The ranking holds no one's rights: each search
asks the database which of the ranked documents its caller may see.
"""

from __future__ import annotations

import datetime as dt
import html
import re
import threading
from array import array
from collections import OrderedDict, deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from itertools import islice
from typing import Any, overload

import snowballstemmer
from django.db import connection
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.html import conditional_escape, format_html, strip_tags
from django.utils.safestring import SafeString, mark_safe

from rodtrad.core.models import Unit
from rodtrad.documents.models import (
    Document,
    DocumentQuerySet,
    DocumentVersion,
    SearchEntry,
    SearchGeneration,
)

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

#: The weighted vector PostgreSQL stores per entry and indexes with GIN (migration 0007).
PG_VECTOR = "documents_searchentry.vector"
PG_QUERY = "plainto_tsquery('swedish'::regconfig, %s)"
#: bm25 weights per column (title, metadata, text), as PostgreSQL's A, B and C weights rank them.
SQLITE_RANK = "-bm25(documents_search_fts, 10.0, 4.0, 1.0)"
#: Rankings kept per process (each at most 16 bytes per ranked document).
RANKINGS_KEPT = 32
#: How many of the best matches a first ranking reads; a caller who may see too few asks for more.
TOP = 500
#: Ids a page asks about per query while it walks a ranking; each next query asks 4 times as many.
FIRST_CHUNK = 100
LAST_CHUNK = 4096
#: Search counts exactly up to here and then says "more than", as search engines do: an exact
#: count of a word most documents contain costs a visibility check per match, and nobody pages
#: through a thousand hits.
COUNT_LIMIT = 1000
GENERATION_SQL = "SELECT value FROM documents_searchgeneration WHERE id = 1"
#: Fixed SQL; the match expression (the query's words) is a parameter. Each ranks from the index
#: table alone, whose rows are keyed by document, which spares a join per match.
SQLITE_RANKING = (
    f"SELECT rowid, {SQLITE_RANK} AS rank, ({GENERATION_SQL}) FROM documents_search_fts "  # noqa: S608
    "WHERE documents_search_fts MATCH %s ORDER BY rank DESC, rowid"
)
PG_RANKING = (
    f"SELECT document_id, ts_rank({PG_VECTOR}, {PG_QUERY}) AS rank, ({GENERATION_SQL}) "  # noqa: S608
    f"FROM documents_searchentry WHERE {PG_VECTOR} @@ {PG_QUERY} ORDER BY rank DESC, document_id"
)


@lru_cache(maxsize=100_000)
def stem(word: str) -> str:
    return str(_stemmer.stemWord(word))


def words(text: str) -> list[str]:
    return [w.lower() for w in WORD.findall(text)]


def stems(text: str) -> str:
    """The text as space-separated stems without stop words: what SQLite's FTS5 table indexes.

    PostgreSQL's ``swedish`` configuration drops stop words before stemming, so "för" is not
    indexed there while "förs" is, as "för"; leaving them out here too keeps a search for
    "förs" from finding every document that merely says "för", on either database.
    """
    return " ".join(stem(w) for w in words(text) if w not in STOP_WORDS)


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
    applies_to: Unit | None = None
    status: str | None = None
    classification: int | None = None
    due_for_review: bool | None = None


def apply_filters(qs: DocumentQuerySet, filters: Filters, today: dt.date | None = None) -> DocumentQuerySet:
    if filters.type is not None:
        qs = qs.filter(type_id=filters.type)
    if filters.unit is not None:
        qs = qs.in_subtree(filters.unit)
    if filters.applies_to is not None:
        qs = qs.applying_to(filters.applies_to)
    if filters.status is not None:
        qs = qs.filter(status=filters.status)
    if filters.classification is not None:
        qs = qs.filter(classification_k=filters.classification)
    if filters.due_for_review is not None:
        today = today or timezone.localdate()
        due = Document.objects.due_for_review(today).values("pk")
        qs = qs.due_for_review(today) if filters.due_for_review else qs.exclude(pk__in=due)
    return qs


def _argument(q: str) -> str | None:
    """What the database matches ``q`` with: an FTS5 expression of stems, or PostgreSQL's words."""
    terms = query_terms(q)
    if not terms:
        return None
    if connection.vendor == "postgresql":
        return " ".join(w for w in words(q) if w not in STOP_WORDS)  # split as the index is
    return " ".join(f'"{term}"' for term in terms)  # stems are letters and digits only


def _matching(qs: QuerySet[Document], argument: str | None) -> QuerySet[Document]:
    """``qs`` narrowed to the documents that match ``argument`` (see :func:`_argument`), with ``rank``."""
    if argument is None:
        return qs.none()
    if connection.vendor == "postgresql":
        return qs.extra(  # noqa: S610 - fixed SQL; the query text is a parameter
            select={"rank": f"ts_rank({PG_VECTOR}, {PG_QUERY})"},
            select_params=[argument],
            tables=["documents_searchentry"],
            where=["documents_searchentry.document_id = documents_document.id", f"{PG_VECTOR} @@ {PG_QUERY}"],
            params=[argument],
        )
    return qs.extra(  # noqa: S610 - fixed SQL; the match expression is a parameter
        select={"rank": SQLITE_RANK},
        tables=["documents_search_fts"],
        where=["documents_search_fts.rowid = documents_document.id", "documents_search_fts MATCH %s"],
        params=[argument],
    )


def search(user: Any, q: str, filters: Filters = Filters()) -> QuerySet[Document]:  # noqa: B008
    """Documents ``user`` may see that contain every word of ``q`` (inflected forms too), best first.

    Each row carries ``rank`` (higher is better). A query of stop words only finds nothing.
    """
    argument = _argument(q)
    visible = apply_filters(Document.objects.visible_to(user), filters)
    if argument is None:  # nothing to match (stop words, symbols): no rank to order by either
        return visible.none()
    return _matching(visible, argument).order_by("-rank", "pk")


def snippet(text: str, terms: Iterable[str], size: int = SNIPPET_WORDS) -> SafeString:
    """About ``size`` words around the first hit, hits in ``<mark>``, everything else escaped.

    The text is read only up to the first hit and the words after it, so a long document's
    snippet costs no more than a short one's.
    """
    wanted = set(terms)
    found = WORD.finditer(text[:SNIPPET_SCAN_CHARS])
    before: deque[re.Match[str]] = deque(maxlen=size // 4)  # the words just before the first hit
    opening: list[re.Match[str]] = []  # the first words, for a text without a hit
    earlier = False  # words left out before the window
    for match in found:
        if _is_hit(match.group().lower(), wanted):
            window = [*before, match, *islice(found, size - len(before) - 1)]
            later = next(found, None) is not None
            break
        earlier = earlier or len(before) == before.maxlen
        before.append(match)
        if len(opening) <= size:
            opening.append(match)
    else:
        window, earlier, later = opening[:size], False, len(opening) > size
    if not window:
        return SafeString("")
    pieces: list[str] = ["… " if earlier else ""]
    position = window[0].start()
    for match in window:
        if _is_hit(match.group().lower(), wanted):
            pieces.append(_plain(match.string[position : match.start()]))
            pieces.append(format_html("<mark>{}</mark>", match.group()))
            position = match.end()
    pieces.append(_plain(window[-1].string[position : window[-1].end()]))
    pieces.append(" …" if later else "")
    return mark_safe("".join(pieces))  # noqa: S308 - every piece is escaped above


def _is_hit(word: str, wanted: set[str]) -> bool:
    return word not in STOP_WORDS and stem(word) in wanted


def _plain(text: str) -> str:
    return str(conditional_escape(SPACE.sub(" ", text)))


@dataclass(frozen=True)
class Hit:
    document: Document
    rank: float
    snippet: SafeString


@dataclass(frozen=True)
class Ranking:
    """The best documents for a query, best first: ids and ranks, the same for every caller.

    ``complete`` says whether these are all the matches or only the best of them.
    """

    ids: array[int]
    ranks: array[float]
    complete: bool


_rankings: OrderedDict[tuple[int, str], Ranking] = OrderedDict()
_rankings_lock = threading.Lock()


def generation() -> int | None:
    """The index's current generation (migration 0004); None when its row is missing."""
    value: int | None = SearchGeneration.objects.filter(pk=1).values_list("value", flat=True).first()
    return value


def ranking(q: str, at_least: int | None = None) -> Ranking:
    """The ``at_least`` best matches of ``q`` (all when None), kept per process for the index's generation.

    Ranking costs a bm25 (or ts_rank) score for every match, the bulk of a search of a
    common word; the ranking depends only on the index, so a repeated search reuses it until
    the index changes. Only the best :data:`TOP` (or more when asked) are read and kept, so a
    query matching half the documents does not carry them all into Python. Who may see what is
    never part of it: :class:`Results` decides that afresh on every search.
    """
    argument = _argument(q)
    if argument is None:
        return Ranking(array("q"), array("d"), complete=True)
    with _rankings_lock:  # a query never ranked here needs no look at the generation
        ranked_before = any(key[1] == argument for key in _rankings)
    now = generation() if ranked_before else None
    if now is not None:
        with _rankings_lock:
            kept = _rankings.get((now, argument))
            if kept is not None and (kept.complete or (at_least is not None and len(kept.ids) >= at_least)):
                _rankings.move_to_end((now, argument))
                return kept
    limit = None if at_least is None else max(at_least, TOP)
    # Each row carries the generation it was ranked at: one statement, one state of the index.
    # Read with a plain cursor: the ORM's per-row work would cost as much as the ranking.
    found_rows = _ranked_rows(argument, limit)
    found = Ranking(
        array("q", [row[0] for row in found_rows]),
        array("d", [row[1] for row in found_rows]),
        complete=limit is None or len(found_rows) < limit,
    )
    if found_rows and found_rows[0][2] is not None:
        with _rankings_lock:
            _rankings[(found_rows[0][2], argument)] = found
            while len(_rankings) > RANKINGS_KEPT:
                _rankings.popitem(last=False)
    return found


def _ranked_rows(argument: str, limit: int | None) -> list[tuple[Any, ...]]:
    """Ids, ranks and the index generation of the best ``limit`` matches, in :func:`search`'s order.

    On PostgreSQL the matches come through the GIN index, also for a common word: its planner
    prices ``@@`` as a cheap operator, so for a word in most documents it reads the whole table
    and tests every row (15 ms at 20,000 documents) where the index gives the matches in 3.
    Sequential scans are turned off for this one statement, in the same message: in autocommit
    the three run as one implicit transaction, and in an enclosing transaction the RESET puts
    the setting back (client-side parameter binding, Django's default, allows several statements).
    """
    tail, tail_params = ("", []) if limit is None else (" LIMIT %s", [limit])
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(SQLITE_RANKING + tail, [argument, *tail_params])
        else:
            sql = f"SET LOCAL enable_seqscan = off; {PG_RANKING}{tail}; RESET enable_seqscan"
            cursor.execute(sql, [argument, argument, *tail_params])
            cursor.nextset()  # past the SET, to the ranking's rows
        rows: list[tuple[Any, ...]] = cursor.fetchall()
    return rows


class Results:
    """The hits of :func:`search`, a page at a time: the search page's Paginator and the API slice it.

    A page walks the query's :func:`ranking` and asks the database which of the next ids
    the caller may see (with the filters), until the page is full; when the caller may see
    too few of the best ranked, it asks for a longer ranking and walks again. Then it reads
    only the page's documents and texts. The count is one query without ranking that stops
    past :data:`COUNT_LIMIT`. Pages hold exactly what :func:`search` finds, in its order.
    """

    def __init__(self, user: Any, q: str, filters: Filters = Filters()) -> None:  # noqa: B008
        self.q = q
        self.visible = apply_filters(Document.objects.visible_to(user), filters)
        self._count: int | None = None

    def count(self) -> int:
        """How many hits the caller may see, at most :data:`COUNT_LIMIT` (see :attr:`count_exact`)."""
        if self._count is None:
            matching = _matching(self.visible, _argument(self.q)).order_by().values("pk")
            self._count = matching[: COUNT_LIMIT + 1].count()
        return min(self._count, COUNT_LIMIT)

    @property
    def count_exact(self) -> bool:
        """False when more than :data:`COUNT_LIMIT` documents match: the count then says "more than"."""
        self.count()
        return self._count is not None and self._count <= COUNT_LIMIT

    def __len__(self) -> int:
        return self.count()

    def __iter__(self) -> Iterator[Hit]:
        return iter(self._page(0, None))

    @overload
    def __getitem__(self, index: int) -> Hit: ...

    @overload
    def __getitem__(self, index: slice) -> list[Hit]: ...

    def __getitem__(self, index: int | slice) -> Hit | list[Hit]:
        if isinstance(index, slice):
            return self._page(index.start or 0, index.stop)
        found = self._page(index, index + 1)
        if not found:
            raise IndexError(index)
        return found[0]

    def _page(self, start: int, stop: int | None) -> list[Hit]:
        ranked = ranking(self.q, None if stop is None else 2 * stop)
        chosen = self._walk(ranked, start, stop)
        while stop is not None and len(chosen) < stop - start and not ranked.complete:
            ranked = ranking(self.q, 4 * len(ranked.ids))  # walked anew: the index may have changed
            chosen = self._walk(ranked, start, stop)
        # The page's documents with their texts (for the snippets) in one query.
        related = Document.objects.select_related("type", "unit").annotate(body=F("search_entry__body"))
        docs = related.in_bulk([pk for pk, _rank in chosen])
        terms = query_terms(self.q)
        return [  # a document deleted since the ids were read is left out
            Hit(docs[pk], rank, snippet(getattr(docs[pk], "body", None) or "", terms))
            for pk, rank in chosen
            if pk in docs
        ]

    def _walk(self, ranked: Ranking, start: int, stop: int | None) -> list[tuple[int, float]]:
        """The visible ids from ``start`` to ``stop`` of ``ranked``, asking a growing chunk at a time."""
        wanted = len(ranked.ids) if stop is None else stop - start
        chosen: list[tuple[int, float]] = []
        passed = 0  # visible documents before the page
        position, size = 0, FIRST_CHUNK
        while position < len(ranked.ids) and len(chosen) < wanted:
            chunk = ranked.ids[position : position + size]
            visible = set(self.visible.filter(pk__in=list(chunk)).values_list("pk", flat=True))
            for offset, pk in enumerate(chunk):
                if pk not in visible:
                    continue
                if passed >= start and len(chosen) < wanted:
                    chosen.append((pk, ranked.ranks[position + offset]))
                passed += 1
            position += size
            size = min(size * 4, LAST_CHUNK)
        return chosen


def reindex(documents: DocumentQuerySet | None = None) -> int:
    """Rebuild the index rows of the given documents (all by default); returns how many."""
    count = 0
    for doc in (documents if documents is not None else Document.objects.all()).select_related("type"):
        index_document(doc)
        count += 1
    return count
