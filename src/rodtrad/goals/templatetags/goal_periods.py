"""``{{ code|period_label }}``: stored period codes in words on the goal pages and reports."""

from __future__ import annotations

from django import template

from rodtrad.goals import periods

register = template.Library()


@register.filter
def period_label(code: str | None) -> str:
    """2026-T2 → T2 2026 (maj–aug); nothing stays nothing."""
    return periods.label(code) if code else ""
