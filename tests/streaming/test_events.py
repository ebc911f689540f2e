"""Event contracts: envelope round-trip, camelCase wire format, versions, poison messages."""

from __future__ import annotations

import re
from datetime import datetime
from typing import ClassVar

import orjson
import pytest
from pydantic import ValidationError

from streaming.events import (
    Envelope,
    EventPayload,
    MalformedEventError,
    OrderShipped,
    UnknownEventError,
    decode,
    encode,
    register,
    registered,
)
from tests.streaming.samples import every_payload, order_created

REQUIRED = {"OrderCreated", "InventoryReserved", "InventoryReservationFailed", "PaymentProcessed"}
REQUIRED |= {"UserRegistered", "OrderStatusChanged", "OrderShipped", "OrderCancelled"}
REQUIRED |= {"InventoryUpdated", "PasswordResetRequested", "EmailVerificationRequested"}


@register
class SampleV1(EventPayload):
    event_type = "StreamingTestSample"
    topic = "samples"
    key_field = "sample_id"
    sample_id: str
    amount: int


@register
class SampleV2(EventPayload):
    """v2 renamed ``amount`` to ``quantity``: a breaking change, so a new version."""

    event_type = "StreamingTestSample"
    event_version: ClassVar[int] = 2
    topic = "samples"
    key_field = "sample_id"
    sample_id: str
    quantity: int


def test_every_required_event_has_a_contract():
    assert REQUIRED <= {event_type for event_type, _ in registered()}


@pytest.mark.parametrize("payload", every_payload(), ids=lambda p: p.event_type)
def test_envelope_round_trips_through_bytes(payload: EventPayload):
    event = Envelope.wrap(payload)

    decoded = decode(encode(event))

    assert decoded == event
    assert type(decoded.payload) is type(payload)
    assert decoded.key == payload.key and decoded.topic == payload.topic


def test_wire_format_is_camel_case_with_utc_time_and_integer_money():
    raw = orjson.loads(encode(Envelope.wrap(order_created())))

    assert set(raw) == {
        "id",
        "type",
        "version",
        "occurredAt",
        "correlationId",
        "traceparent",
        "payload",
    }
    assert raw["type"] == "OrderCreated" and raw["version"] == 1
    assert datetime.fromisoformat(raw["occurredAt"]).utcoffset().total_seconds() == 0
    assert raw["payload"]["items"][0] == {
        "productId": "p-1",
        "quantity": 2,
        "unitPrice": {"amount": 1999, "currency": "EUR"},
    }
    assert raw["payload"]["paymentMethod"] == "pm_card_visa"
    assert re.fullmatch(r"00-[0-9a-f]{32}-[0-9a-f]{16}-01", raw["traceparent"])


def test_caused_event_keeps_correlation_id_and_trace():
    first = Envelope.wrap(order_created())

    second = Envelope.wrap(order_created(), cause=first)

    assert second.correlation_id == first.correlation_id == str(first.id)
    assert second.traceparent.split("-")[1] == first.traceparent.split("-")[1]
    assert second.traceparent != first.traceparent and second.id != first.id


def test_both_versions_of_a_contract_decode_to_their_own_model():
    v1 = decode(encode(Envelope.wrap(SampleV1(sample_id="s", amount=3))))
    v2 = decode(encode(Envelope.wrap(SampleV2(sample_id="s", quantity=3))))

    assert (v1.version, type(v1.payload)) == (1, SampleV1)
    assert (v2.version, type(v2.payload)) == (2, SampleV2)


def test_unknown_version_is_a_poison_message_naming_known_versions():
    raw = orjson.loads(encode(Envelope.wrap(SampleV1(sample_id="s", amount=3))))
    raw["version"] = 9

    with pytest.raises(UnknownEventError, match=r"version 9 \(known versions: \[1, 2\]\)"):
        decode(orjson.dumps(raw))


def test_unknown_type_is_a_poison_message():
    raw = orjson.loads(encode(Envelope.wrap(order_created())))
    raw["type"] = "OrderTeleported"

    with pytest.raises(UnknownEventError, match="OrderTeleported"):
        decode(orjson.dumps(raw))


@pytest.mark.parametrize(
    "data",
    [
        None,
        b"",
        b"not json",
        b"[1, 2]",
        b'{"type": "OrderCreated"}',
        b'{"version": 1, "payload": {}}',
    ],
)
def test_malformed_bytes_are_a_poison_message(data: bytes | None):
    with pytest.raises(MalformedEventError):
        decode(data)


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("payload", "total", "amount"), 39.98),  # money is never a float
        (("payload", "total", "currency"), "euro"),
        (("payload", "items"), []),
        (("occurredAt",), "2026-01-01T00:00:00"),  # naive time
        (("traceparent",), "not-a-trace"),
        (("id",), "not-a-uuid"),
        (("version",), 0),
    ],
)
def test_payload_violating_its_contract_is_a_poison_message(path: tuple[str, ...], value: object):
    raw = orjson.loads(encode(Envelope.wrap(order_created())))
    target = raw
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value

    with pytest.raises(MalformedEventError):
        decode(orjson.dumps(raw))


def test_fields_added_by_a_newer_producer_are_ignored_when_decoding():
    raw = orjson.loads(encode(Envelope.wrap(order_created())))
    raw["payload"]["giftWrap"] = True
    raw["payload"]["items"][0]["engraving"] = "A"
    raw["newEnvelopeField"] = 1

    assert decode(orjson.dumps(raw)).payload == order_created()


def test_building_a_contract_with_an_unknown_field_fails_instead_of_dropping_it():
    with pytest.raises(ValidationError, match="gift_wrap"):
        OrderShipped(order_id="o", user_id="u", tracking_number="T", gift_wrap=True)


def test_envelope_refuses_a_type_that_does_not_match_its_payload():
    event = Envelope.wrap(order_created())

    with pytest.raises(ValueError, match="payload is"):
        Envelope(**{**event.model_dump(), "type": "OrderShipped", "payload": event.payload})


def test_registering_another_model_under_a_taken_type_and_version_fails():
    with pytest.raises(ValueError, match="already registered"):

        @register
        class Impostor(SampleV1):
            pass


def test_occurred_at_is_converted_to_utc():
    event = Envelope.wrap(order_created())
    raw = orjson.loads(encode(event))
    raw["occurredAt"] = "2026-06-01T12:00:00+02:00"

    assert decode(orjson.dumps(raw)).occurred_at.isoformat() == "2026-06-01T10:00:00+00:00"
