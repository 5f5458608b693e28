"""The ``rodtrad`` command: Django's management commands under one name.

``rodtrad serve``, ``rodtrad demo``, ``rodtrad worker`` and the rest are
management commands in ``rodtrad.core.management.commands``.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rodtrad.settings")
    from django.core.management import execute_from_command_line

    args = list(sys.argv[1:] if argv is None else argv)
    execute_from_command_line(["rodtrad", *args])
