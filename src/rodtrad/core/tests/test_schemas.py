"""The API's shared field types."""

from __future__ import annotations

import pytest
from pydantic import TypeAdapter, ValidationError

from rodtrad.core.schemas import text


def test_text_longer_than_its_schema_allows_is_refused_even_with_spaces_around_it() -> None:
    """maxLength speaks of the text as sent: trimming must not let a longer text through."""
    field: TypeAdapter[str] = TypeAdapter(text(5))
    assert field.validate_python("abcd ") == "abcd"
    with pytest.raises(ValidationError):
        field.validate_python("   abcde")
