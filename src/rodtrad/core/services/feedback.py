"""Page feedback ("Hade du nytta av innehållet?"): one mechanism for every published page.

A page's footer carries a signed token naming the page, so the one POST endpoint accepts
answers only for pages the server itself rendered a footer for, whatever module owns them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.db.models import Count, Q
from django.utils.translation import gettext as _

from rodtrad.core.models import PageFeedback, Unit, User
from rodtrad.core.services.common import clean_text, field_error

SALT = "rodtrad.feedback"
COMMENT_MAX = 2000
#: Answers one client may give on one page per window; more are refused until it has passed.
RATE_LIMIT = 5
RATE_WINDOW = 3600
COMMENTS_SHOWN = 50


class RateLimited(Exception):
    """Too many answers from one client on one page within the window."""


class UnknownPage(Exception):
    """The token is forged, or the page it names no longer exists."""


@dataclass(frozen=True)
class PageFooter:
    """What a page's footer shows: who answers for it, when it changed, and the feedback form."""

    token: str
    next_url: str
    owner: User | None = None
    contacts: list[User] = field(default_factory=list)
    updated: dt.date | None = None


@dataclass(frozen=True)
class Summary:
    useful: int
    not_useful: int
    comments: list[PageFeedback]


def token(page: models.Model) -> str:
    """A token naming ``page`` for the footer's form; it cannot be forged for another page."""
    return signing.dumps([page._meta.label_lower, page.pk], salt=SALT, compress=True)


def page_footer(
    page: models.Model,
    *,
    next_url: str,
    owner: User | None = None,
    contacts: list[User | None] | None = None,
    updated: dt.date | None = None,
) -> PageFooter:
    people = [c for c in dict.fromkeys(contacts or []) if c is not None]
    return PageFooter(token(page), next_url, owner, people, updated)


def page_for(value: str) -> models.Model:
    """The page a token names (UnknownPage if forged or gone)."""
    try:
        label, pk = signing.loads(value, salt=SALT)
        model = ContentType.objects.get_by_natural_key(*label.split(".", 1)).model_class()
        if model is None:
            raise UnknownPage
        page: models.Model = model._default_manager.get(pk=pk)
    except (signing.BadSignature, ValueError, TypeError, ObjectDoesNotExist) as exc:
        raise UnknownPage from exc
    return page


def _take_slot(page: models.Model, client: str) -> None:
    """Count the answer against the client's allowance on this page (the cache holds the count)."""
    key = f"feedback:{page._meta.label_lower}:{page.pk}:{client}"
    if cache.add(key, 1, RATE_WINDOW):
        return
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, RATE_WINDOW)
        return
    if count > RATE_LIMIT:
        raise RateLimited(_("You have answered many times on this page. Try again in an hour."))


def record(page: models.Model, *, useful: bool, comment: str = "", by: Any, client: str) -> PageFeedback:
    """Store one answer; ``client`` (the user's id, or the IP address of a visitor) is rate-limited.

    Feedback is not a change to the page, so it writes no audit entry.
    """
    try:
        comment = clean_text(comment)
    except ValueError:
        raise field_error("comment", _("The comment contains characters that cannot be stored.")) from None
    if len(comment) > COMMENT_MAX:
        raise field_error(
            "comment", _("The comment is too long (at most %(max)s characters).") % {"max": COMMENT_MAX}
        )
    signed_in = getattr(by, "is_authenticated", False)
    _take_slot(page, f"user:{by.pk}" if signed_in else f"ip:{client}")
    unit = getattr(page, "unit", None)
    return PageFeedback.objects.create(
        content_type=ContentType.objects.get_for_model(page),
        object_id=page.pk,
        unit=unit if isinstance(unit, Unit) else None,
        useful=useful,
        comment=comment,
        user=by if signed_in else None,
    )


def summary(page: models.Model) -> Summary:
    """Yes and no counts and the latest comments, in two queries; the caller decides who may see it."""
    answers = PageFeedback.objects.filter(
        content_type=ContentType.objects.get_for_model(page), object_id=page.pk
    )
    counts = answers.aggregate(yes=Count("pk", filter=Q(useful=True)), no=Count("pk", filter=Q(useful=False)))
    comments = list(answers.exclude(comment="").order_by("-created_at", "-pk")[:COMMENTS_SHOWN])
    return Summary(counts["yes"], counts["no"], comments)
