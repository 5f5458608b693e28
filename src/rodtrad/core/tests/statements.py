"""What tests read from captured SQL."""

from __future__ import annotations

from typing import Any


def in_first_transaction(captured: list[dict[str, Any]]) -> list[str]:
    """The statements inside a request's first service transaction: from its SAVEPOINT (tests run
    inside a transaction of their own) to the RELEASE of that same savepoint."""
    statements = [q["sql"] for q in captured]
    start = next(i for i, sql in enumerate(statements) if sql.startswith("SAVEPOINT"))
    return statements[start : statements.index(f"RELEASE {statements[start]}")]
