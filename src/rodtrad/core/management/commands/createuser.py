"""``rodtrad createuser USERNAME [--name] [--email] [--password-stdin]``."""

from __future__ import annotations

import sys
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from rodtrad.core.access import SYSTEM
from rodtrad.core.models import Unit
from rodtrad.core.services import people


class Command(BaseCommand):
    help = "Add a person. With --password-stdin the password is read from standard input."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", default="")
        parser.add_argument("--email", default="")
        parser.add_argument("--title", default="")
        parser.add_argument("--unit", help="Code of the home unit.")
        parser.add_argument("--password-stdin", action="store_true")
        parser.add_argument("--superuser", action="store_true", help="Full access everywhere.")

    def handle(self, *args: Any, **o: Any) -> None:
        home = None
        if o["unit"]:
            home = Unit.objects.filter(code=o["unit"]).first()
            if home is None:
                raise CommandError(f"No unit with code {o['unit']!r}.")
        password = sys.stdin.readline().rstrip("\n") if o["password_stdin"] else None
        try:
            user = people.create_user(
                by=SYSTEM,
                username=o["username"],
                name=o["name"],
                email=o["email"],
                title=o["title"],
                home_unit=home,
                password=password,
                is_superuser=o["superuser"],
            )
        except ValidationError as exc:
            raise CommandError("; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())) from exc
        self.stdout.write(f"Created user {user.username} (id {user.pk}).")
