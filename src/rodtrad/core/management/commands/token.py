"""``rodtrad token USERNAME``: print a new API token and nothing else."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from rodtrad.core.access import SYSTEM
from rodtrad.core.models import User
from rodtrad.core.services import people


class Command(BaseCommand):
    help = "Create an API token for a user and print it on standard output."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, username: str, **options: Any) -> None:
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"No active user named {username!r}.")
        self.stdout.write(people.issue_token(user, by=SYSTEM))
