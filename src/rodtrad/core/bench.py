"""The benchmark behind ``make bench``: latency under concurrent clients, and queries per request.

Latency is measured over HTTP against the production server (``rodtrad serve``,
started here unless a URL is given), with one keep-alive connection per client
thread from the standard library, so the client adds little CPU of its own on a
small machine. Queries are counted in-process with Django's test client, since
the server's own connections cannot be observed from outside.
"""

from __future__ import annotations

import http.client
import itertools
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, nullcontext
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Literal
from urllib.parse import quote, urlsplit

from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import Resolver404, resolve

from rodtrad.core.access import SYSTEM
from rodtrad.core.models import Membership, Role, Unit, User
from rodtrad.core.services import people
from rodtrad.goals import bench as goals_bench
from rodtrad.improvement import bench as improvement_bench
from rodtrad.values import bench as values_bench

#: The issue's targets for p95 on SQLite and two cores.
TREE_TARGET_MS = 100.0
HOME_TARGET_MS = 50.0
GENERATE_TARGET_MS = 60_000.0
SEARCH_TARGET_MS = 50.0
DOCUMENT_LIST_TARGET_MS = 80.0
DOCUMENT_PAGE_TARGET_MS = 50.0
IMPORT_TARGET_MS = 60_000.0
IMPORT_FILES = 1000
#: A measured request succeeded: read (200) or created (201).
OK = (200, 201)


class BenchError(Exception):
    """The benchmark could not run: no generated data, a failing request, a server that did not start."""


@dataclass(frozen=True)
class Endpoint:
    name: str
    path: str
    persona: Literal["manager", "quality"]
    auth: Literal["token", "session"]
    target_p95_ms: float | None = None
    method: Literal["GET", "POST"] = "GET"
    #: The JSON body a POST sends on every request.
    body: str | None = None
    #: Paths the requests take in turn instead of ``path`` (e.g. a different search each time).
    variants: tuple[str, ...] = ()


@dataclass(frozen=True)
class Result:
    name: str
    p50_ms: float | None
    p95_ms: float | None
    target_p95_ms: float | None
    queries: int | None

    @property
    def missed(self) -> bool:
        return self.target_p95_ms is not None and (self.p95_ms is None or self.p95_ms > self.target_p95_ms)


@dataclass(frozen=True)
class Persona:
    """The headers that sign a generated person in, by token (API) or session (pages), and their unit."""

    unit: Unit
    headers: dict[str, dict[str, str]]


def _persona(role: Role) -> Persona:
    """The holder of ``role`` on the first förvaltning: a few memberships, a whole branch in view."""
    membership = (
        Membership.objects.filter(role=role, unit__depth=2)
        .select_related("user", "unit")
        .order_by("unit__path", "user_id")
        .first()
    )
    if membership is None:
        raise BenchError(f"No {role} on a förvaltning: run `rodtrad generate` first.")
    client = Client()
    client.force_login(membership.user)
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    token = people.issue_token(membership.user, by=SYSTEM)
    return Persona(
        membership.unit,
        {"session": {"Cookie": cookie}, "token": {"Authorization": f"Bearer {token}"}},
    )


def _exists(path: str) -> bool:
    """Pages another part of the product may not have yet are measured once they exist."""
    try:
        resolve(path.split("?")[0])
    except Resolver404:
        return False
    return True


def endpoints(root: Unit, unit: Unit) -> list[Endpoint]:
    """What is measured: the issue's targets first, then the other hot reads and pages."""
    units = Unit.objects.count()
    candidates = [
        Endpoint(
            f"API unit tree ({units} units)",
            f"/api/v1/units/{root.pk}/tree",
            "manager",
            "token",
            TREE_TARGET_MS,
        ),
        Endpoint("Min sida /", "/", "manager", "session", HOME_TARGET_MS),
        Endpoint("API units ?limit=50", "/api/v1/units?limit=50", "manager", "token"),
        Endpoint("API me", "/api/v1/me", "manager", "token"),
        Endpoint("API users ?limit=50 (manager)", "/api/v1/users?limit=50", "manager", "token"),
        Endpoint("API audit ?limit=50 (quality)", "/api/v1/audit?limit=50", "quality", "token"),
        Endpoint("Unit page (förvaltning)", f"/units/{unit.pk}/", "manager", "session"),
        Endpoint("Tree page /units/", "/units/", "manager", "session"),
        *document_endpoints(),
        *goals_bench.endpoints(Endpoint),
        *improvement_bench.endpoints(Endpoint, unit),
        *values_bench.endpoints(Endpoint),
    ]
    return [e for e in candidates if _exists(e.path)]


def document_endpoints() -> list[Endpoint]:
    """Search, the filtered list and a document page, once ``generate --documents`` has written some."""
    from rodtrad.documents.models import Document

    count = Document.objects.count()
    if not count:
        return []
    page = Document.objects.filter(status="published", classification_k=2).order_by("pk").first()
    search = "/api/v1/search?q=f%C3%B6rb%C3%A4ttringar"  # förbättringar, as a client sends it
    found = [
        Endpoint(
            f"API search, one query repeated ({count} documents)",
            search,
            "manager",
            "token",
            SEARCH_TARGET_MS,
        ),
        Endpoint(
            f"API search, a new query each time ({count} documents)",
            search,
            "manager",
            "token",
            SEARCH_TARGET_MS,
            variants=_new_searches(),
        ),
        Endpoint(
            "API documents, filtered",
            "/api/v1/documents?status=published&classification=2&limit=50",
            "manager",
            "token",
            DOCUMENT_LIST_TARGET_MS,
        ),
    ]
    if page is not None:
        path = f"/documents/{page.pk}/"
        found.append(Endpoint("Document page", path, "manager", "session", DOCUMENT_PAGE_TARGET_MS))
    return found


def _new_searches() -> tuple[str, ...]:
    """One- and two-word searches from the generated documents' own words, none asked twice in a run.

    A search kept from an earlier request is cheaper (see ``documents.search.ranking``), so this
    measures what a query costs the first time it is asked after the index changed. A single
    word comes every other request (while they last), a pair of words between.
    """
    from rodtrad.core.services.generate import FILLER, TOPICS
    from rodtrad.documents.search import STOP_WORDS, words

    vocabulary = sorted(
        {w for text in (*FILLER, *(t for pair in TOPICS for t in pair)) for w in words(text.lower())}
        - STOP_WORDS
    )
    pairs = [f"{a} {b}" for i, a in enumerate(vocabulary) for b in vocabulary[i + 1 :]]
    rng = random.Random(7)  # noqa: S311 - a benchmark's sample, not a secret
    rng.shuffle(vocabulary)
    rng.shuffle(pairs)
    mixed = [q for single, pair in zip(vocabulary, pairs, strict=False) for q in (single, pair)]
    mixed += pairs[len(vocabulary) :]
    return tuple(f"/api/v1/search?q={quote(q)}" for q in mixed)


def time_import(files: int) -> float:
    """Seconds to import ``files`` Markdown files with metadata blocks through the importer."""
    from rodtrad.documents import services

    unit = Unit.objects.filter(depth=2).order_by("path").first()
    name = unit.name if unit is not None else "Regionövergripande"
    run = time.time_ns()  # new content each run: identical files are (rightly) not imported again
    start = time.perf_counter()
    for i in range(files):
        text = (
            f"# Rutin för bänkprov {i}\n\nFörbättringar följs upp varje månad på enheten ({i}, {run}).\n\n"
            f"**Verksamhet:** {name}\n**Godkännare:** Verksamhetschef\n**Gäller från:** 2025-01-01\n"
            "**Informationssäkerhet:** K (1) R (2) T (2) S (2)\n**Referens:** ISO 9001 (7.5)\n"
        )
        services.import_document(by=SYSTEM, name=f"bench-{i}.md", data=text.encode())
    return time.perf_counter() - start


def count_queries(endpoint: Endpoint, persona: Persona) -> int:
    """Queries for one request once per-process caches are warm."""
    client = Client(headers=persona.headers[endpoint.auth])

    def request() -> Any:
        if endpoint.method == "POST":
            return client.post(endpoint.path, endpoint.body, content_type="application/json")
        return client.get(endpoint.path)

    request()
    with CaptureQueriesContext(connection) as queries:
        response = request()
    if response.status_code not in OK:
        raise BenchError(f"{endpoint.path} answered {response.status_code} in-process")
    return len(queries.captured_queries)


#: One count for the whole run, so a warm-up never asks what the measured requests will ask.
_TURNS = itertools.count()


def _load(
    base_url: str, endpoint: Endpoint, headers: dict[str, str], total: int, clients: int
) -> list[float]:
    """``total`` requests spread over ``clients`` threads; the latency of each in milliseconds."""
    url = urlsplit(base_url)
    prefix = url.path.rstrip("/")
    body = None if endpoint.body is None else endpoint.body.encode()
    if body is not None:
        headers = {**headers, "Content-Type": "application/json"}

    def client(count: int) -> list[float]:
        conn = http.client.HTTPConnection(url.hostname or "127.0.0.1", url.port or 80, timeout=60)
        times: list[float] = []
        try:
            for _request in range(count):
                path = endpoint.path
                if endpoint.variants:
                    path = endpoint.variants[next(_TURNS) % len(endpoint.variants)]
                start = time.perf_counter()
                conn.request(endpoint.method, prefix + path, body=body, headers=headers)
                response = conn.getresponse()
                response.read()
                times.append((time.perf_counter() - start) * 1000)
                if response.status not in OK:
                    raise BenchError(f"{path} answered {response.status}")
        finally:
            conn.close()
        return times

    shares = [total // clients + (1 if i < total % clients else 0) for i in range(clients)]
    with ThreadPoolExecutor(clients) as pool:
        return [t for times in pool.map(client, shares) for t in times]


def percentiles(times: list[float]) -> tuple[float, float]:
    """p50 and p95, in milliseconds rounded to a tenth."""
    if len(times) == 1:
        return round(times[0], 1), round(times[0], 1)
    cuts = statistics.quantiles(times, n=100, method="inclusive")
    return round(cuts[49], 1), round(cuts[94], 1)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _wait_until_up(url: str, server: subprocess.Popen[bytes], timeout: float = 60) -> None:
    parts = urlsplit(url)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise BenchError(f"The server exited with {server.returncode}; see logs/bench-server.log.")
        try:
            conn = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=2)
            conn.request("GET", "/login/")
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise BenchError(f"The server did not answer within {timeout:.0f} s.")


@contextmanager
def served(options: Sequence[str] = ()) -> Iterator[str]:
    """``rodtrad serve [options]`` on a free port over this data directory, stopped afterwards."""
    port = _free_port()
    env = {**os.environ, "RODTRAD_DATA_DIR": str(settings.DATA_DIR)}
    argv = [sys.executable, "-m", "rodtrad", "serve", "--port", str(port), *options]
    with open(settings.DATA_DIR / "logs" / "bench-server.log", "ab") as log:
        server = subprocess.Popen(argv, env=env, stdout=log, stderr=subprocess.STDOUT)  # noqa: S603
        try:
            url = f"http://127.0.0.1:{port}"
            _wait_until_up(url, server)
            yield url
        finally:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


def run(
    *,
    url: str | None,
    requests: int = 300,
    warmup: int = 30,
    clients: int = 4,
    serve_options: Sequence[str] = (),
    generation_seconds: float | None = None,
    only: str | None = None,
) -> list[Result]:
    """Measure every endpoint (or those named ``only``); the generation time, when given, comes first."""
    root = Unit.objects.filter(depth=1).order_by("path").first()
    if root is None:
        raise BenchError("No organisation: run `rodtrad generate` first.")
    call_command("collectstatic", interactive=False, verbosity=0)  # pages render with the manifest
    personas = {"manager": _persona(Role.MANAGER), "quality": _persona(Role.QUALITY)}
    todo = endpoints(root, personas["manager"].unit)
    if only:
        todo = [e for e in todo if only.lower() in e.name.lower()]
    queries = {e.name: count_queries(e, personas[e.persona]) for e in todo}
    connection.close()  # the server's workers have the database to themselves from here
    results: list[Result] = []
    if generation_seconds is not None:
        ms = round(generation_seconds * 1000, 1)
        name = f"generate {Unit.objects.count()} units, {User.objects.count()} users"
        results.append(Result(name, ms, ms, GENERATE_TARGET_MS, None))
    with served(serve_options) if url is None else nullcontext(url) as base:
        for endpoint in todo:
            headers = personas[endpoint.persona].headers[endpoint.auth]
            _load(base, endpoint, headers, warmup, clients)
            p50, p95 = percentiles(_load(base, endpoint, headers, requests, clients))
            results.append(Result(endpoint.name, p50, p95, endpoint.target_p95_ms, queries[endpoint.name]))
    if only:
        return results
    if any(e.path.startswith("/api/v1/search") for e in todo):  # documents were generated
        ms = round(time_import(IMPORT_FILES) * 1000, 1)
        results.append(Result(f"import {IMPORT_FILES} Markdown files", ms, ms, IMPORT_TARGET_MS, None))
    if any(e.target_p95_ms == goals_bench.OVERVIEW_TARGET_MS for e in todo):  # goals were generated
        ms = round(goals_bench.time_import() * 1000, 1)
        name = f"import {goals_bench.IMPORT_ROWS} measurements from CSV"
        results.append(Result(name, ms, ms, goals_bench.IMPORT_TARGET_MS, None))
    results += values_bench.timed(Result, percentiles)
    return results


def write(results: list[Result], out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps([asdict(r) for r in results], indent=2, ensure_ascii=False) + "\n")


def table(results: list[Result]) -> str:
    def ms(value: float | None) -> str:
        return "" if value is None else f"{value:.1f}"

    width = max(len(r.name) for r in results)
    lines = [f"{'endpoint':<{width}}  {'p50 ms':>9}  {'p95 ms':>9}  {'target':>9}  {'queries':>7}  ok"]
    for r in results:
        queries = "" if r.queries is None else str(r.queries)
        verdict = "MISSED" if r.missed else ("yes" if r.target_p95_ms is not None else "")
        lines.append(
            f"{r.name:<{width}}  {ms(r.p50_ms):>9}  {ms(r.p95_ms):>9}  {ms(r.target_p95_ms):>9}"
            f"  {queries:>7}  {verdict}"
        )
    return "\n".join(lines)
