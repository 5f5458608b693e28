"""The value words on a goal's page: the red thread from values to the goal, drawn by the values app
so the goals app needs no knowledge of it."""

from __future__ import annotations

from typing import Any

from django import template

from rodtrad.core import access
from rodtrad.goals.models import Goal
from rodtrad.values.models import ValueWord

register = template.Library()


@register.inclusion_tag("values/includes/goal_words.html", takes_context=True)
def goal_value_words(context: dict[str, Any], goal: Goal) -> dict[str, Any]:
    """The words the goal cites, with links; people who may edit the goal choose them here."""
    user = context["request"].user
    cited = list(goal.value_words.select_related("value_base"))  # type: ignore[attr-defined]
    choices: list[ValueWord] = []
    if access.can(user, "goal.edit", goal):
        words = ValueWord.objects.select_related("value_base")
        choices = list(words.order_by("value_base", "position", "pk"))
    return {"goal": goal, "cited": cited, "cited_ids": {w.pk for w in cited}, "choices": choices}
