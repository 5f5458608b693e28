"""``rodtrad worker``: run background tasks and start the daily jobs once a day."""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Callable
from typing import Any

from django.core.management.base import BaseCommand
from django.db import close_old_connections, connection
from django_tasks_db.management.commands.db_worker import Worker

from rodtrad.core.tasks import CHECKPOINT_EVERY, checkpoint_wal, claim_daily_jobs, import_all_tasks

log = logging.getLogger(__name__)


def _loop(job: Callable[[], Any], what: str, stop: threading.Event, every: float) -> None:
    while not stop.is_set():
        try:
            close_old_connections()
            job()
        except Exception:  # retried on the next round
            log.exception("%s failed", what)
        finally:
            connection.close()
        stop.wait(every)


class Command(BaseCommand):
    help = "Run the task queue and enqueue the daily jobs (safe to run several workers)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--interval", type=float, default=1.0, help="Seconds between polls.")
        parser.add_argument("--batch", action="store_true", help="Exit once the queue is empty.")
        parser.add_argument(
            "--daily-every", type=float, default=300.0, help="Seconds between daily-job checks."
        )

    def handle(self, *args: Any, interval: float, batch: bool, daily_every: float, **options: Any) -> None:
        import_all_tasks()
        worker_id = f"{socket.gethostname()}-{os.getpid()}"
        stop = threading.Event()
        if batch:
            claim_daily_jobs(worker_id)
        else:
            daily = (lambda: claim_daily_jobs(worker_id), "claiming daily jobs", stop, daily_every)
            threading.Thread(target=_loop, args=daily, daemon=True).start()
            if connection.vendor == "sqlite":
                wal = (checkpoint_wal, "checkpointing the WAL", stop, CHECKPOINT_EVERY)
                threading.Thread(target=_loop, args=wal, daemon=True).start()
        self.stdout.write(f"Worker {worker_id} running.")
        worker = Worker(
            queue_names=["*"],
            interval=interval,
            batch=batch,
            backend_name="default",
            startup_delay=not batch,
            max_tasks=None,
            worker_id=worker_id,
            excluded_queue_names=[],
        )
        worker.configure_signals()
        try:
            worker.run()
        finally:
            stop.set()
