"""Demo goals for a profile (filled in below)."""

from __future__ import annotations

from rodtrad.core.demo.profiles import Profile


def load_goals(profile: Profile) -> None:
    """Placeholder until the demo lands."""
