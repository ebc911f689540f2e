"""Fixtures of the kit suite: the session's embedded broker for the event metrics tests."""

from streaming.testing import embedded_broker, kafka_settings  # noqa: F401
