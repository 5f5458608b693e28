"""Personal identity numbers in free text are found by their check digit and masked."""

from __future__ import annotations

import pytest

from rodtrad.core import pnr


@pytest.mark.parametrize(
    ("written", "stored"),
    [
        ("Patient 19121212-1212 föll", "Patient 19121212-**** föll"),
        ("Patient 191212121212 föll", "Patient 19121212-**** föll"),
        ("pnr 121212-1212.", "pnr 121212-****."),
        ("pnr 1212121212", "pnr 121212-****"),
        ("hundraåring 121212+1212", "hundraåring 121212+****"),
        ("samordningsnummer 701063-2391", "samordningsnummer 701063-****"),
        ("två: 19121212-1212 och 811218-9876", "två: 19121212-**** och 811218-****"),
    ],
)
def test_numbers_with_a_valid_check_digit_are_masked(written, stored):
    assert pnr.contains(written)
    assert pnr.mask(written) == stored


@pytest.mark.parametrize(
    "text",
    [
        "19121212-1213",  # wrong check digit
        "Telefon 070-123 45 67",
        "Rum 12, 2026-03-14 kl 12:30",
        "201399-1234",  # month 13
        "Order 12345678901234",  # too long
        "Ingen siffra alls",
    ],
)
def test_other_numbers_are_left_as_written(text):
    assert not pnr.contains(text)
    assert pnr.mask(text) == text
