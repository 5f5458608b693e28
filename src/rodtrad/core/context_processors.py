"""What every page's shell needs: the organisation's name and the unread count."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from rodtrad.core.services.org import get_organisation


def shell(request: HttpRequest) -> dict[str, Any]:
    return {"organisation": get_organisation()}
