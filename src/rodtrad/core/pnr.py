"""Swedish personal identity numbers (personnummer) and coordination numbers (samordningsnummer)
in free text: find them and mask them before anything is stored.

Patient data does not belong in deviation reports, complaints, proposals or stories. A number
counts when it has 10 or 12 digits, with or without a separator ("-" or "+"), a possible date
(coordination numbers add 60 to the day) and a valid Luhn check digit; anything else is left as
written. The browser runs the same test as the user types (``static/rodtrad/pnr.js``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_CANDIDATE = re.compile(r"(?<![\d-])(?P<century>\d{2})?(?P<date>\d{6})(?P<sep>[-+]?)(?P<tail>\d{4})(?![\d])")


@dataclass(frozen=True)
class Match:
    start: int
    end: int
    masked: str


def _luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(digits):
        n = int(ch) * (2 if i % 2 == 0 else 1)
        total += n - 9 if n > 9 else n
    return total % 10 == 0


def _date_ok(yymmdd: str) -> bool:
    month, day = int(yymmdd[2:4]), int(yymmdd[4:6])
    if day > 60:  # a coordination number
        day -= 60
    return 1 <= month <= 12 and 1 <= day <= 31


def find(text: str) -> list[Match]:
    """Every personal identity or coordination number in ``text``, with its masked form."""
    found = []
    for m in _CANDIDATE.finditer(text):
        date, tail = m.group("date"), m.group("tail")
        if _date_ok(date) and _luhn_ok(date + tail):
            masked = f"{m.group('century') or ''}{date}{m.group('sep') or '-'}****"
            found.append(Match(m.start(), m.end(), masked))
    return found


def mask(text: str) -> str:
    """``text`` with each number's last four digits replaced, e.g. ``19121212-****``."""
    matches = find(text)
    if not matches:
        return text
    parts, last = [], 0
    for m in matches:
        parts += [text[last : m.start], m.masked]
        last = m.end
    parts.append(text[last:])
    return "".join(parts)


def contains(text: str) -> bool:
    return bool(find(text))
