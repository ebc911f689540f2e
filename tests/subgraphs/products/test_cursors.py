"""Cursor encoding: round trips for its own sort, refuses everything else."""

from __future__ import annotations

import base64
from datetime import UTC, datetime

import pytest

from subgraphs.products.domain.cursors import cursor_instant, decode_cursor, encode_cursor
from subgraphs.products.domain.errors import InvalidCursor
from subgraphs.products.domain.records import ProductRecord, ProductSort

RECORD = ProductRecord(id="id-1", sku="S-1", name="Ünïcode Lamp", description="", price_amount=1234,
                       price_currency="USD", category=None, stock=1,
                       created_at=datetime(2026, 3, 4, 5, 6, 7, 890123, tzinfo=UTC))


@pytest.mark.parametrize("sort", list(ProductSort))
def test_a_cursor_decodes_to_its_sort_key_and_id(sort: ProductSort) -> None:
    cursor = decode_cursor(encode_cursor(sort, RECORD), sort)
    assert (cursor.sort, cursor.id) == (sort, "id-1")


def test_a_newest_cursor_keeps_microseconds() -> None:
    cursor = decode_cursor(encode_cursor(ProductSort.NEWEST, RECORD), ProductSort.NEWEST)
    assert cursor_instant(int(cursor.key)) == RECORD.created_at


def test_a_name_cursor_uses_the_casefolded_name() -> None:
    cursor = decode_cursor(encode_cursor(ProductSort.NAME_ASC, RECORD), ProductSort.NAME_ASC)
    assert cursor.key == "ünïcode lamp"


@pytest.mark.parametrize(
    "payload",
    [b'[2,"PRICE_ASC",1,"id"]', b'[1,"PRICE_ASC",1.5,"id"]', b'[1,"PRICE_ASC",true,"id"]',
     b'[1,"PRICE_ASC",-1,"id"]', b'[1,"PRICE_ASC",1,7]', b'[1,"PRICE_ASC",1]', b"null"],
    ids=["version", "float", "bool", "negative", "int-id", "short", "null"],
)
def test_malformed_cursors_are_refused(payload: bytes) -> None:
    with pytest.raises(InvalidCursor):
        decode_cursor(base64.urlsafe_b64encode(payload).decode(), ProductSort.PRICE_ASC)
