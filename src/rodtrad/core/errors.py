"""Errors the services raise; the API and views turn them into 409 responses or messages."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _


class StaleWrite(Exception):
    """The write was based on an old version of the object; nothing was changed."""

    def __init__(self, current_version: int) -> None:
        self.current_version = current_version
        super().__init__(
            _("The object was changed by someone else (now version %(version)s). Reload and try again.")
            % {"version": current_version}
        )


class IllegalTransition(Exception):
    """The object's state does not allow this change."""
