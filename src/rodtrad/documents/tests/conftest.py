"""People around the test organisation: writers and approvers on A, readers in A1 and B1."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from rodtrad.core.models import Role, User
from rodtrad.core.tests.factories import make_user
from rodtrad.documents import search


@pytest.fixture(autouse=True)
def _no_kept_rankings(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test ranks afresh: a ranking kept by an earlier test would change what a test counts."""
    monkeypatch.setattr(search, "_rankings", type(search._rankings)())


@dataclass
class Staff:
    editor: User
    quality: User
    approver: User
    reader_a1: User
    reader_b1: User
    editor_b: User
    nobody: User


@pytest.fixture
def staff(orgtree: Any) -> Staff:
    return Staff(
        editor=make_user("editor", unit=orgtree.a, role=Role.EDITOR),
        quality=make_user("quality", unit=orgtree.a, role=Role.QUALITY),
        approver=make_user("approver", unit=orgtree.a, role=Role.APPROVER),
        reader_a1=make_user("reader_a1", unit=orgtree.a1, role=Role.READER),
        reader_b1=make_user("reader_b1", unit=orgtree.b1, role=Role.READER),
        editor_b=make_user("editor_b", unit=orgtree.b, role=Role.EDITOR),
        nobody=make_user("nobody", unit=None),
    )
