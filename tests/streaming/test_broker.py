"""The embedded broker launcher, and the broker behaviour the rest of the package relies on."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from aiokafka.admin import AIOKafkaAdminClient

from streaming.broker import BrokerError, EmbeddedBroker, _parse, free_port, kafka_metadata_ok
from streaming.settings import KafkaSettings
from streaming.topics import dlq_topic, ensure_topics
from tests.streaming.harness import settings_for, unique_name

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[2]


async def describe(settings: KafkaSettings, topic: str) -> list[dict]:
    admin = AIOKafkaAdminClient(bootstrap_servers=settings.bootstrap_servers)
    await admin.start()
    try:
        return await admin.describe_topics([topic])
    finally:
        await admin.close()


async def topic_names(settings: KafkaSettings) -> list[str]:
    admin = AIOKafkaAdminClient(bootstrap_servers=settings.bootstrap_servers)
    await admin.start()
    try:
        return await admin.list_topics()
    finally:
        await admin.close()


def test_broker_answers_metadata_while_running_and_frees_its_port_when_stopped():
    broker = EmbeddedBroker().start()
    assert broker.running and kafka_metadata_ok(broker.host, broker.port)

    broker.stop()

    assert not broker.running and not kafka_metadata_ok(broker.host, broker.port)


def test_starting_on_a_port_in_use_fails_instead_of_sharing_it(embedded_broker):
    with pytest.raises(BrokerError, match="already in use"):
        EmbeddedBroker(embedded_broker.port).start()


async def test_ensure_topics_creates_with_configured_partitions_and_tolerates_existing(
    kafka_settings,
):
    topic = unique_name("orders")

    await ensure_topics(kafka_settings, [topic, dlq_topic(topic, "g")])
    await ensure_topics(kafka_settings, [topic])  # already there: no error

    [info] = await describe(kafka_settings, topic)
    assert len(info["partitions"]) == kafka_settings.topic_partitions
    assert dlq_topic(topic, "g") in await topic_names(kafka_settings)


async def test_restart_keeps_the_port_and_forgets_every_topic(fresh_broker):
    settings = settings_for(fresh_broker)
    await ensure_topics(settings, ["users"])

    fresh_broker.restart()

    assert fresh_broker.running and "users" not in await topic_names(settings)


def test_module_runs_the_broker_in_the_foreground_and_exits_cleanly_on_sigterm():
    port = free_port()
    command = [sys.executable, "-m", "streaming.broker", "--port", str(port)]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        assert f"ready on 127.0.0.1:{port}" in _line_containing(process, "ready on")
        assert kafka_metadata_ok("127.0.0.1", port)
        started = time.monotonic()
        process.send_signal(signal.SIGTERM)
        assert process.wait(10) == 0 and time.monotonic() - started < 3
        assert not kafka_metadata_ok("127.0.0.1", port)
    finally:
        process.kill()


def test_module_takes_its_default_address_from_kafka_bootstrap_servers(monkeypatch):
    monkeypatch.setitem(os.environ, "KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:19999,other:9092")

    args = _parse([])

    assert (args.host, args.port) == ("127.0.0.1", 19999)


def _line_containing(process: subprocess.Popen, text: str) -> str:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if text in line:
            return line
    raise AssertionError(f"{text!r} never printed")
