"""``rodtrad import-documents PATH...``: Markdown, text, DOCX, ODT and PDF files (or folders of them)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from rodtrad.core.access import SYSTEM, Actor
from rodtrad.core.models import User
from rodtrad.documents import services
from rodtrad.documents.extract import SUPPORTED


def files(paths: list[Path]) -> Iterator[Path]:
    """The files named, and the supported files inside the folders named, in a stable order."""
    for path in paths:
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUPPORTED)
        else:
            yield path


def reason(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    if isinstance(exc, PermissionDenied):
        return "not allowed to create documents there"
    return str(exc)


class Command(BaseCommand):
    help = (
        "Import documents, reading the metadata block (Verksamhet, Godkännare, Upprättare, Gäller från, "
        "Informationssäkerhet, Referens). Files already imported are skipped; a failing file does not "
        "stop the others, but the command then exits non-zero."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("paths", nargs="+", type=Path, help="Files or folders.")
        parser.add_argument("--publish", action="store_true", help="Publish at once (documents in force).")
        parser.add_argument("--type", default="Rutin", help="The type when neither block nor title tells.")
        parser.add_argument("--as", dest="username", help="Import as this user (default: the system).")
        parser.add_argument("--quiet", action="store_true", help="No progress bar.")

    def handle(self, *args: Any, paths: list[Path], **o: Any) -> None:
        by: Actor = SYSTEM
        if o["username"]:
            user = User.objects.filter(username=o["username"], is_active=True).first()
            if user is None:
                raise CommandError(f"No active user {o['username']}.")
            by = user
        todo = list(files(paths))
        counts = {"imported": 0, "skipped": 0, "failed": 0}
        with tqdm(todo, unit="files", disable=o["quiet"]) as bar:
            for path in bar:
                try:
                    result = services.import_document(
                        by=by,
                        name=path.name,
                        data=path.read_bytes(),
                        published=o["publish"],
                        default_type=o["type"],
                    )
                except (
                    OSError,
                    ValidationError,
                    PermissionDenied,
                    services.FileTooLarge,
                    services.UnsupportedFile,
                ) as exc:
                    counts["failed"] += 1
                    bar.write(f"failed    {path}: {reason(exc)}")
                    continue
                outcome = "imported" if result.created else "skipped"
                counts[outcome] += 1
                note = "" if result.created else " (already imported)"
                bar.write(f"{outcome:<9} {path} → {result.document.number}{note}")
        summary = ", ".join(f"{n} {k}" for k, n in counts.items())
        if counts["failed"]:
            raise CommandError(summary)
        self.stdout.write(summary)
