"""Kafka client settings read from ``KAFKA_*`` environment variables (12-factor).

Security (issue 15): SASL (PLAIN, SCRAM-SHA-256/512) and TLS reach every aiokafka client
through ``client_security()``; with ``ENVIRONMENT=production`` a PLAINTEXT connection (anyone
on the network could publish ``PaymentProcessed``) is refused unless explicitly allowed.
"""

from __future__ import annotations

import os
from typing import Any, Literal, Self

from aiokafka.helpers import create_ssl_context
from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["KafkaSettings"]


class KafkaSettings(BaseSettings):
    """Everything the producer, consumers, relay and topic admin need to reach the brokers."""

    model_config = SettingsConfigDict(
        env_prefix="KAFKA_", extra="forbid", frozen=True, hide_input_in_errors=True
    )

    bootstrap_servers: str = Field("127.0.0.1:9092", description="Comma-separated host:port list.")
    client_id: str = Field("federated-shop", description="Client id shown in broker logs.")
    topic_partitions: int = Field(
        4,
        ge=1,
        description="Partitions of topics created at start-up. 4 is what the embedded broker "
        "gives a topic it re-creates on first mention after a restart; with another count, "
        "consumers keep their old assignment there and never read the extra partitions.",
    )
    replication_factor: int = Field(1, ge=1, description="Replicas of topics created at start-up.")
    request_timeout_ms: int = Field(
        10_000, ge=100, description="How long one produce or admin request may take."
    )
    metadata_max_age_ms: int = Field(
        10_000,
        ge=100,
        description="How often clients re-read topic metadata, so consumers notice new "
        "partitions (and a restarted embedded broker's re-created topics) this soon.",
    )
    fetch_max_wait_ms: int = Field(
        100,
        ge=1,
        description="Longest a fetch waits for data. Real Kafka answers as data arrives; the "
        "embedded broker answers some time after, growing with this wait (measured: 3-13 ms "
        "at 25, median ~70 ms and up to ~220 at 500), so there it sets each hop's latency.",
    )
    background_fetch_max_wait_ms: int = Field(
        500,
        ge=1,
        description="Longest a fetch of a background consumer waits for data: one whose events "
        "no one watches happen (notifications' e-mails and texts). On the embedded broker every "
        "empty fetch costs CPU in the broker and the reader, so these ask less often than the "
        "saga's consumers (fetch_max_wait_ms).",
    )
    feed_quiet_fetch_max_wait_ms: int = Field(
        500,
        ge=1,
        description="Longest a fetch of a subscription feed (streaming.broadcast) waits while "
        "it has nothing to gain from asking often: no event from another replica in the last "
        "10 s, or no subscriber on this replica. Its own relay's events reach it without the "
        "broker, so a one-replica deployment stays at this wait. Trade-off on the embedded "
        "broker (which answers later the longer the wait): the first event from another replica "
        "after such a quiet spell reaches a subscriber up to this much (plus one "
        "fetch_max_wait_ms) later; the feed then waits fetch_max_wait_ms for 10 s after each "
        "such event. Real Kafka answers as data arrives, so there it adds no latency.",
    )
    session_timeout_ms: int = Field(
        10_000,
        ge=100,
        description="Consumer group session timeout. The embedded broker delays a group join by "
        "about half of it, so dev and tests lower it; real Kafka requires >= 6000 by default.",
    )
    heartbeat_interval_ms: int = Field(
        3_000, ge=50, description="Consumer heartbeat interval; under a third of the session."
    )
    consumer_concurrency: int = Field(
        8,
        ge=1,
        description="Records one consumer handles at the same time. Records of one key (one "
        "order, one product) are always handled one after another in partition order; records "
        "of different keys or partitions run concurrently up to this many, and each partition's "
        "offset is committed only up to its first record not yet handled. 1: strictly one "
        "record at a time. Each concurrent handler holds a database connection while it runs; "
        "services on SQLite (one writer per file) handle one at a time whatever this says.",
    )
    commit_interval_ms: int = Field(
        250,
        ge=0,
        description="Longest a consumer waits to commit what it finished: one OffsetCommit per "
        "interval carries every partition's offset, instead of one per handled record (each a "
        "broker request and a round trip). A crash redelivers up to this much more, which the "
        "inbox absorbs; a clean stop or a rebalance commits at once. 0: commit after each record "
        "(once the commit before it returned).",
    )
    handler_timeout_ms: int = Field(
        30_000,
        ge=0,
        description="Longest one attempt of a consumer's handler on one event may run; then it is "
        "cancelled and counts as a failed attempt (retried with backoff, then dead-lettered), so "
        "a hung handler cannot block its partition forever. 0: no limit.",
    )
    security_protocol: Literal["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"] = Field(
        "PLAINTEXT", description="How clients reach the brokers; SASL_SSL in production."
    )
    sasl_mechanism: Literal["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"] = Field(
        "SCRAM-SHA-512", description="SASL mechanism (with a SASL_* security_protocol)."
    )
    sasl_username: str = Field("", description="SASL user of this service.")
    sasl_password: SecretStr = Field(SecretStr(""), description="SASL password of that user.")
    ssl_cafile: str = Field("", description="CA bundle verifying the brokers (empty: system).")
    ssl_certfile: str = Field("", description="Client certificate for mutual TLS (optional).")
    ssl_keyfile: str = Field("", description="Key of that client certificate.")
    environment: str = Field(
        default_factory=lambda: os.environ.get("ENVIRONMENT", "dev"),
        description="Read from ENVIRONMENT; production refuses PLAINTEXT (see below).",
    )
    allow_plaintext_in_production: bool = Field(
        False, description="Let production use PLAINTEXT (a private, trusted network only)."
    )

    @model_validator(mode="after")
    def _secure_in_production(self) -> Self:
        if self.security_protocol.startswith("SASL") and not self.sasl_username:
            raise ValueError("KAFKA_SASL_USERNAME is required with a SASL security protocol")
        if (self.environment == "production" and self.security_protocol == "PLAINTEXT"
                and not self.allow_plaintext_in_production):
            raise ValueError("KAFKA_SECURITY_PROTOCOL=PLAINTEXT is refused in production: set "
                             "SASL_SSL (or KAFKA_ALLOW_PLAINTEXT_IN_PRODUCTION=true)")
        return self

    def client_security(self) -> dict[str, Any]:
        """The keyword arguments every aiokafka client gets (producer, consumers, admin)."""
        options: dict[str, Any] = {"security_protocol": self.security_protocol}
        if self.security_protocol.startswith("SASL"):
            options.update(sasl_mechanism=self.sasl_mechanism,
                           sasl_plain_username=self.sasl_username,
                           sasl_plain_password=self.sasl_password.get_secret_value())
        if self.security_protocol.endswith("SSL"):
            options["ssl_context"] = create_ssl_context(
                cafile=self.ssl_cafile or None, certfile=self.ssl_certfile or None,
                keyfile=self.ssl_keyfile or None)
        return options
