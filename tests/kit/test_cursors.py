"""Opaque cursors round-trip their values and refuse anything malformed as a ValueError."""

from __future__ import annotations

import base64
from datetime import UTC, datetime

import pytest

from subgraphs.kit.cursors import instant_of, micros_of, pack_cursor, unpack_cursor


def test_a_cursor_round_trips_its_values_without_padding() -> None:
    cursor = pack_cursor([1, "NEWEST", 1_700_000_000_000_000, "p-1"])
    assert "=" not in cursor
    assert unpack_cursor(cursor, 4) == [1, "NEWEST", 1_700_000_000_000_000, "p-1"]


@pytest.mark.parametrize("cursor", [
    "not base64!",
    base64.urlsafe_b64encode(b"{not json").decode(),
    base64.urlsafe_b64encode(b'"abc"').decode(),  # JSON, but not an array
    pack_cursor([1, 2]),  # an array of the wrong length
    "é",
])
def test_a_malformed_cursor_is_a_value_error(cursor: str) -> None:
    with pytest.raises(ValueError):
        unpack_cursor(cursor, 3)


def test_an_instant_round_trips_through_microseconds() -> None:
    moment = datetime(2024, 5, 6, 7, 8, 9, 123456, tzinfo=UTC)
    assert instant_of(micros_of(moment)) == moment
    assert micros_of(datetime(1970, 1, 1, tzinfo=UTC)) == 0
