"""``rodtrad generate --units N --users N [--seed S]``: a region-scale organisation for benchmarks."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from rodtrad.core.services import generate


class Command(BaseCommand):
    help = (
        "Generate a deterministic organisation (units, people, roles, audit history) for benchmarks. "
        "Refuses to run when the database already has units: use a fresh RODTRAD_DATA_DIR."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--units", type=int, required=True)
        parser.add_argument("--users", type=int, required=True)
        parser.add_argument("--seed", type=int, default=1, help="The same seed gives the same data.")
        parser.add_argument(
            "--audit",
            type=int,
            default=20000,
            help="At most this many audit entries of history, written through the chain.",
        )
        parser.add_argument(
            "--documents", type=int, default=0, help="Documents, each with three versions and search text."
        )
        parser.add_argument("--quiet", action="store_true", help="No progress bar.")

    def handle(
        self, *args: Any, units: int, users: int, seed: int, audit: int, documents: int, quiet: bool, **o: Any
    ) -> None:
        total = generate.rows_to_write(units, users, audit, documents)
        try:
            with tqdm(total=total, unit="rows", disable=quiet) as bar:
                result = generate.generate(
                    units=units,
                    users=users,
                    seed=seed,
                    audit_entries=audit,
                    documents=documents,
                    progress=bar,
                )
                bar.update(max(0, total - bar.n))
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(
            f"Generated {result.units} units, {result.users} users, {result.memberships} memberships "
            f"and {result.audit_entries} audit entries under {result.region.code} (seed {seed}); "
            f"{documents} documents."
        )
        self.stdout.write(f"Every generated user signs in with the password: {result.password}")
