"""Every values endpoint tried as anonymous, without the needed role, with it, and with it on another unit."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rodtrad.values.tests.factories import make_story, publish

ANON = "anon"


def _cases(
    orgtree: Any, people: Any, values: Any
) -> list[tuple[str, str, Callable[[], str], Any, dict[str, int]]]:
    """(label, method, path maker, body, {who: expected status}); a path maker makes a fresh object."""
    word = values.engaged.pk

    def submitted() -> str:
        return f"/stories/{make_story(people.writer_a1, orgtree.a1, [values.engaged]).pk}"

    def published() -> str:
        return f"/stories/{publish(make_story(people.writer_a1, orgtree.a1, [values.engaged])).pk}"

    story = {
        "unit": orgtree.a1.pk,
        "title": "T",
        "text": "Text",
        "value_words": [word],
        "consent": True,
    }
    dialogue = {
        "unit": orgtree.a1.pk,
        "held_on": "2026-01-20",
        "participants": 5,
        "value_words": [word],
        "conclusions": "Vi lyssnar.",
    }
    everyone = {ANON: 401, "nobody": 200, "colleague_b1": 200}
    return [
        ("list value bases", "get", lambda: "/value-bases", None, everyone),
        ("list value words", "get", lambda: "/value-words", None, everyone),
        (
            "add value base",
            "post",
            lambda: "/value-bases",
            {"name": "Ny värdegrund"},
            {ANON: 401, "nobody": 403, "editor_a1": 403, "quality_a": 403, "quality_r": 201},
        ),
        (
            "add value word",
            "post",
            lambda: "/value-words",
            {"value_base": values.base.pk, "word": "Modigt"},
            {ANON: 401, "manager_a1": 403, "quality_a": 403, "quality_r": 201},
        ),
        (
            "record dialogue",
            "post",
            lambda: "/dialogues",
            dialogue,
            {
                ANON: 401,
                "writer_a1": 403,
                "editor_a1": 403,
                "editor_b": 403,
                "manager_a1": 201,
                "quality_a": 201,
            },
        ),
        ("list dialogues", "get", lambda: "/dialogues", None, everyone),
        (
            "coverage",
            "get",
            lambda: f"/dialogues/coverage?year=2026&unit={orgtree.a.pk}",
            None,
            {ANON: 401, "nobody": 403, "editor_b": 403, "quality_a": 200, "quality_r": 200},
        ),
        ("list stories", "get", lambda: "/stories", None, everyone),
        ("write story", "post", lambda: "/stories", story, {ANON: 401, "nobody": 201, "colleague_b1": 201}),
        (
            "read unpublished story",
            "get",
            submitted,
            None,
            {
                ANON: 401,
                "nobody": 404,
                "editor_b": 404,
                "manager_a1": 404,
                "writer_a1": 200,
                "editor_a1": 200,
            },
        ),
        ("read published story", "get", published, None, {ANON: 401, "nobody": 200, "editor_b": 200}),
        (
            "publish story",
            "post",
            lambda: f"{submitted()}/publish",
            {"version": 1},
            {ANON: 401, "editor_b": 404, "writer_a1": 403, "editor_a1": 200, "quality_r": 200},
        ),
        (
            "return story",
            "post",
            lambda: f"{published()}/return",
            {"version": 2, "comment": "Nej"},
            {ANON: 401, "nobody": 403, "editor_b": 403, "writer_a1": 403, "quality_a": 200},
        ),
        (
            "lift story",
            "post",
            lambda: f"{published()}/lift",
            None,
            {ANON: 401, "nobody": 200, "editor_b": 200},
        ),
        ("public values", "get", lambda: "/public/values", None, {ANON: 200, "nobody": 200}),
    ]


def test_every_values_endpoint_allows_and_denies_by_role_and_subtree(orgtree, people, values, api_as):
    failures = []
    for label, method, path, body, expected in _cases(orgtree, people, values):
        for who, status in expected.items():
            client = api_as(None if who == ANON else getattr(people, who))
            call = getattr(client, method)
            target = path()
            response = call(target, body) if method == "post" else call(target)
            if response.status_code != status:
                failures.append(
                    f"{label} as {who}: {response.status_code} (expected {status}) {response.content[:120]!r}"
                )
    assert not failures, "\n".join(failures)
