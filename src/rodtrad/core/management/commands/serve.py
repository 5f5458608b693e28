"""``rodtrad serve``: migrate, collect static files, then serve with gunicorn."""

from __future__ import annotations

import os
import sys
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Migrate the database and serve Rödtråd with the production server (gunicorn)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        # Sync workers (one thread each) by default: with threads, kept-alive connections
        # pile up in one process and leave the other cores idle.
        default_workers = 2 * (os.cpu_count() or 1)
        parser.add_argument(
            "--workers", type=int, default=int(os.environ.get("RODTRAD_WORKERS", default_workers))
        )
        parser.add_argument("--threads", type=int, default=int(os.environ.get("RODTRAD_THREADS", "1")))

    def handle(self, *args: Any, host: str, port: int, workers: int, threads: int, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        from django.conf import settings

        argv = [
            sys.executable,
            "-m",
            "gunicorn",
            "rodtrad.wsgi:application",
            "--bind",
            f"{host}:{port}",
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--access-logfile",
            str(settings.DATA_DIR / "logs" / "access.log"),
            "--error-logfile",
            "-",
            # The application checks each parameter's length itself and answers 422 naming it.
            "--limit-request-line",
            "0",
            "--graceful-timeout",
            "10",
        ]
        self.stdout.write(f"Rödtråd serves on http://{host}:{port} ({workers} workers)")
        self.stdout.flush()
        os.execv(sys.executable, argv)  # noqa: S606
