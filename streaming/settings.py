"""Kafka client settings read from ``KAFKA_*`` environment variables (12-factor)."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["KafkaSettings"]


class KafkaSettings(BaseSettings):
    """Everything the producer, consumers, relay and topic admin need to reach the brokers."""

    model_config = SettingsConfigDict(env_prefix="KAFKA_", extra="forbid", frozen=True)

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
        description="Longest a fetch waits for data. The embedded broker answers only when it "
        "expires (real Kafka answers as data arrives), so this bounds each hop's latency there.",
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
    handler_timeout_ms: int = Field(
        30_000,
        ge=0,
        description="Longest one attempt of a consumer's handler on one event may run; then it is "
        "cancelled and counts as a failed attempt (retried with backoff, then dead-lettered), so "
        "a hung handler cannot block its partition forever. 0: no limit.",
    )
