"""Fixtures of the kit suite: the session's embedded broker for the event metrics tests."""

from tests.streaming.harness import embedded_broker, kafka_settings  # noqa: F401
