"""``rodtrad audit verify``: check the hash chain of the audit log."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from rodtrad.core.models import AuditEntry
from rodtrad.core.services import audit


class Command(BaseCommand):
    help = "Audit-log tools. 'verify' exits non-zero, naming the first broken entry."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("subcommand", choices=["verify"])
        parser.add_argument("--quiet", action="store_true", help="No progress bar.")

    def handle(self, *args: Any, quiet: bool, **options: Any) -> None:
        total = AuditEntry.objects.count()
        with tqdm(total=total, unit="entries", disable=quiet) as bar:
            verdict = audit.verify(progress=bar)
        if not verdict.ok:
            raise CommandError(
                f"Audit chain broken at entry {verdict.broken_seq}: {verdict.reason} "
                f"({verdict.checked} entries before it are intact)."
            )
        self.stdout.write(f"Audit chain intact: {verdict.checked} entries.")
