"""Kafka SASL and TLS settings reach every aiokafka client; production refuses PLAINTEXT.

The embedded broker speaks no SASL, so these tests stop each real aiokafka client right after
it is constructed (its ``start``) and read what its connection layer was configured with.
"""

from __future__ import annotations

from typing import Any

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient
from pydantic import ValidationError

from streaming import consumer as consumer_module
from streaming import producer as producer_module
from streaming import topics as topics_module
from streaming.consumer import EventConsumer
from streaming.producer import EventProducer
from streaming.settings import KafkaSettings
from streaming.topics import ensure_topics

SASL = {"security_protocol": "SASL_SSL", "sasl_mechanism": "SCRAM-SHA-256",
        "sasl_username": "payments", "sasl_password": "s3cret-sasl-password"}


class Stop(Exception):
    """Raised by a client's start: it was built, that is all the test needs."""


def stopping(cls: type, built: list[Any]) -> type:
    class Stopping(cls):  # type: ignore[misc, valid-type]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            built.append(self)

        async def start(self) -> None:
            raise Stop

        async def stop(self) -> None:  # release what the constructor made, like a real stop
            await super().stop()

        async def close(self) -> None:
            await super().close()

    return Stopping


def connection(client: Any) -> Any:
    return client.client if isinstance(client, AIOKafkaProducer) else client._client


def assert_secured(client: Any) -> None:
    conn = connection(client)
    assert conn._security_protocol == "SASL_SSL"
    assert conn._sasl_mechanism == "SCRAM-SHA-256"
    assert conn._sasl_plain_username == "payments"
    assert conn._sasl_plain_password == "s3cret-sasl-password"
    assert conn._ssl_context is not None


async def test_the_producer_connects_with_sasl_over_tls(monkeypatch: pytest.MonkeyPatch) -> None:
    built: list[Any] = []
    monkeypatch.setattr(producer_module, "AIOKafkaProducer", stopping(AIOKafkaProducer, built))
    with pytest.raises(Stop):
        await EventProducer(KafkaSettings(**SASL)).start()
    assert_secured(built[0])


async def test_the_topic_admin_connects_with_sasl_over_tls(
    monkeypatch: pytest.MonkeyPatch
) -> None:
    built: list[Any] = []
    admin = stopping(AIOKafkaAdminClient, built)
    monkeypatch.setattr(topics_module, "AIOKafkaAdminClient", admin)
    with pytest.raises(Stop):
        await ensure_topics(KafkaSettings(**SASL), ["payments"])
    assert_secured(built[0])


async def test_a_consumer_connects_with_sasl_over_tls(monkeypatch: pytest.MonkeyPatch) -> None:
    built: list[Any] = []

    async def no_topics(*_: Any) -> None:
        return None

    monkeypatch.setattr(consumer_module, "ensure_topics", no_topics)
    monkeypatch.setattr(consumer_module, "AIOKafkaConsumer", stopping(AIOKafkaConsumer, built))
    consumer = EventConsumer(["orders"], "payments", _handler, settings=KafkaSettings(**SASL))
    monkeypatch.setattr(consumer._dlq, "start", no_topics)  # its producer: tested above
    with pytest.raises(Stop):
        await consumer._start_clients()
    assert_secured(built[0])


async def _handler(*_: Any) -> None:
    return None


def test_production_refuses_plaintext_unless_allowed() -> None:
    with pytest.raises(ValidationError, match="KAFKA_SECURITY_PROTOCOL=PLAINTEXT"):
        KafkaSettings(environment="production")
    allowed = KafkaSettings(environment="production", allow_plaintext_in_production=True)
    assert allowed.client_security() == {"security_protocol": "PLAINTEXT"}
    assert KafkaSettings(environment="production", **SASL).security_protocol == "SASL_SSL"


def test_sasl_needs_a_user_and_never_echoes_the_password() -> None:
    with pytest.raises(ValidationError, match="KAFKA_SASL_USERNAME") as refused:
        KafkaSettings(security_protocol="SASL_SSL", sasl_password="s3cret-sasl-password")
    assert "s3cret-sasl-password" not in str(refused.value)
