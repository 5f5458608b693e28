"""``rodtrad grant USERNAME UNIT_CODE ROLE``."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from rodtrad.core.access import SYSTEM
from rodtrad.core.models import Role, Unit, User
from rodtrad.core.services import people


class Command(BaseCommand):
    help = "Give a person a role on a unit and its whole subtree."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("username")
        parser.add_argument("unit_code")
        parser.add_argument("role", help="One of: " + ", ".join(Role.values))

    def handle(self, *args: Any, username: str, unit_code: str, role: str, **options: Any) -> None:
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user named {username!r}.")
        unit = Unit.objects.filter(code=unit_code).first()
        if unit is None:
            raise CommandError(f"No unit with code {unit_code!r}.")
        if role not in Role.values:
            raise CommandError(f"Unknown role {role!r}; the roles are: {', '.join(Role.values)}.")
        try:
            people.grant_role(by=SYSTEM, user=user, unit=unit, role=role)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(f"{username} is now {role} on {unit.code} and its subtree.")
