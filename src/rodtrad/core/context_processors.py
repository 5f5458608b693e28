"""What every page's shell needs: the organisation's name and which menu entries to show."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from rodtrad.core import access
from rodtrad.core.models import Organisation
from rodtrad.core.services.org import get_organisation

#: The main-menu entry each page belongs to, by URL name, for ``aria-current``.
NAV_SECTIONS = {
    "home": "home",
    "units": "units",
    "unit": "units",
    "users": "users",
    "user": "users",
    "user_create": "users",
    "audit": "audit",
}


def organisation(request: HttpRequest) -> Organisation:
    """The organisation, read once per request however many templates and views ask."""
    cached: Organisation | None = getattr(request, "_rodtrad_organisation", None)
    if cached is None:
        cached = get_organisation()
        request._rodtrad_organisation = cached  # type: ignore[attr-defined]
    return cached


def shell(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    match = request.resolver_match
    return {
        "organisation": organisation(request),
        "nav_current": NAV_SECTIONS.get(match.url_name or "") if match else None,
        "nav_users": access.can_anywhere(user, "user.view"),
        "nav_audit": access.can_anywhere(user, "audit.view"),
    }
