"""``rodtrad reindex-documents``: build the search index of every document.

Databases that held documents before the search index existed have no index rows for them; the
services index only what they write. Running it again rebuilds the same rows.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction
from tqdm import tqdm

from rodtrad.documents import search
from rodtrad.documents.models import Document

BATCH = 500


class Command(BaseCommand):
    help = "Rebuild the full-text search index of all documents (title, metadata and current text)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--quiet", action="store_true", help="No progress bar.")

    def handle(self, *args: Any, quiet: bool, **options: Any) -> None:
        ids = list(Document.objects.order_by("pk").values_list("pk", flat=True))
        done = 0
        # In batches: the bar moves, and each batch is one transaction rather than one per row.
        with tqdm(total=len(ids), unit="documents", disable=quiet) as bar:
            for start in range(0, len(ids), BATCH):
                with transaction.atomic():
                    count = search.reindex(Document.objects.filter(pk__in=ids[start : start + BATCH]))
                bar.update(count)
                done += count
        self.stdout.write(f"{done} documents indexed.")
