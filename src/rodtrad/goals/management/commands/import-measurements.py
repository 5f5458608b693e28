"""``rodtrad import-measurements FILE [--as USERNAME]``: measurements from CSV or XLSX, all or nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from rodtrad.core.access import SYSTEM
from rodtrad.core.models import User
from rodtrad.goals import importer, services


class Command(BaseCommand):
    help = (
        "Import indicator values from a CSV or XLSX file with the columns enhet, indikator, period, värde "
        "and optionally kön, kommentar, vikt. Any error imports nothing; every error is listed by row."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--as", dest="username", help="Import as this person (their rights apply).")

    def handle(self, *args: Any, file: Path, username: str | None, **options: Any) -> None:
        by: Any = SYSTEM
        if username:
            by = User.objects.filter(username=username).first()
            if by is None:
                raise CommandError(f"No user {username}.")
        try:
            done = importer.import_file(file.name, file.read_bytes(), by=by)
        except OSError as exc:
            raise CommandError(str(exc)) from exc
        except importer.UnreadableFile as exc:
            raise CommandError(str(exc)) from exc
        except services.InvalidRows as exc:
            for error in exc.errors:
                self.stderr.write(str(error))
            raise CommandError(f"{len(exc.errors)} errors; nothing was imported.") from exc
        self.stdout.write(
            f"Imported {done.rows} values of {done.indicators} indicators ({', '.join(done.periods)})."
        )
