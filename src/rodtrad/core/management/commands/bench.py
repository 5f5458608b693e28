"""``rodtrad bench [--out FILE]``: latency percentiles and queries per request (see ``make bench``)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from rodtrad.core import bench


class Command(BaseCommand):
    help = (
        "Measure p50/p95 latency with concurrent clients and queries per request, print a table and "
        "write JSON. Without --url it serves the current data directory itself. Exits non-zero when "
        "a target is missed."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--out", type=Path, default=Path("var/bench/results.json"))
        parser.add_argument("--url", help="A running server; by default `rodtrad serve` is started.")
        parser.add_argument("--requests", type=int, default=300, help="Measured requests per endpoint.")
        parser.add_argument("--warmup", type=int, default=30, help="Unmeasured requests per endpoint first.")
        parser.add_argument("--clients", type=int, default=4, help="Concurrent clients.")
        parser.add_argument("--workers", type=int, help="Server processes (default: rodtrad serve's).")
        parser.add_argument(
            "--threads", type=int, help="Threads per server process (default: rodtrad serve's)."
        )
        parser.add_argument(
            "--only",
            help="Measure only the endpoints whose name contains this text (and skip the timed imports).",
        )
        parser.add_argument(
            "--generation-seconds", type=float, help="How long `rodtrad generate` took, to report with it."
        )

    def handle(self, *args: Any, **o: Any) -> None:
        load = os.getloadavg()[0]
        if load > 1.0:
            self.stderr.write(f"The machine is busy (load {load:.1f}): the latencies will be higher.")
        try:
            results = bench.run(
                url=o["url"],
                requests=o["requests"],
                warmup=o["warmup"],
                clients=o["clients"],
                serve_options=[
                    f"--{name}={o[name]}" for name in ("workers", "threads") if o[name] is not None
                ],
                generation_seconds=o["generation_seconds"],
                only=o["only"],
            )
        except bench.BenchError as exc:
            raise CommandError(str(exc)) from exc
        bench.write(results, o["out"])
        self.stdout.write(bench.table(results))
        self.stdout.write(f"Results written to {o['out']}.")
        missed = [r.name for r in results if r.missed]
        if missed:
            raise CommandError("Missed targets: " + "; ".join(missed))
