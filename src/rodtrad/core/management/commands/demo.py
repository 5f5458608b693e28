"""``rodtrad demo [--profile NAME]``: load a demo organisation (idempotent)."""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand

from rodtrad.core.demo.loader import load
from rodtrad.core.demo.profiles import DEFAULT_PROFILE, DEMO_PASSWORD, DEMO_USERS, PROFILES


class Command(BaseCommand):
    help = "Load a demo organisation from one of the seed regions. Running it twice changes nothing."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--profile", default=DEFAULT_PROFILE, choices=sorted(PROFILES))

    def handle(self, *args: Any, profile: str, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        loaded = load(profile)
        self.stdout.write(f"Demo organisation: {loaded.name} (profile {loaded.key}).")
        self.stdout.write("Sign in with one of these demo users (password for all: " + DEMO_PASSWORD + "):")
        for username, name, title, role, _suffix in DEMO_USERS:
            self.stdout.write(f"  {username:<12} {role:<9} {name}, {title}")
