"""A real Rödtråd installation for system tests: its own database, `rodtrad serve` (gunicorn).

On SQLite it lives in a temporary data directory; when DATABASE_URL points at
PostgreSQL, a fresh database is created beside the test database and dropped after.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import httpx

RODTRAD = str(Path(sys.executable).parent / "rodtrad")


@dataclass
class Installation:
    env: dict[str, str]

    def run(
        self, *args: str, stdin: str | None = None, check: bool = True
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(  # noqa: S603
            [RODTRAD, *args],
            env=self.env,
            input=stdin,
            capture_output=True,
            text=True,
            check=check,
            timeout=300,
        )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def _postgres_database(url: str) -> Iterator[str]:
    import psycopg

    name = f"rodtrad_sys_{uuid.uuid4().hex[:10]}"
    parts = urlsplit(url)
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urlunsplit(parts._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def installation(data_dir: Path) -> Iterator[Installation]:
    """A migrated installation with the demo organisation loaded."""
    env = {**os.environ, "RODTRAD_DATA_DIR": str(data_dir), "RODTRAD_TESTING": "0"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        with _postgres_database(url) as db_url:
            env["DATABASE_URL"] = db_url
            inst = Installation(env)
            inst.run("demo")
            yield inst
    else:
        env.pop("DATABASE_URL", None)
        inst = Installation(env)
        inst.run("demo")
        yield inst


@contextmanager
def serving(inst: Installation, workers: int = 3) -> Iterator[str]:
    """Run `rodtrad serve` and yield its base URL once it answers."""
    port = free_port()
    proc = subprocess.Popen(  # noqa: S603
        [RODTRAD, "serve", "--port", str(port), "--workers", str(workers)],
        env=inst.env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"rodtrad serve exited: {proc.stderr.read() if proc.stderr else ''}")
            try:
                if httpx.get(f"{base}/api/v1/openapi.json", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("rodtrad serve did not answer within 60 s")
            time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
