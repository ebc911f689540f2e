"""Structured JSON logs on stdout with service, trace and correlation ids."""

from __future__ import annotations

import logging
import sys
from contextvars import ContextVar
from datetime import UTC, datetime

import orjson

__all__ = ["configure_logging", "correlation_id", "trace_id"]

correlation_id: ContextVar[str | None] = ContextVar("correlation_id", default=None)
trace_id: ContextVar[str | None] = ContextVar("trace_id", default=None)
_SECRET_KEYS = ("password", "token", "authorization", "card", "secret")


class JsonFormatter(logging.Formatter):
    """One JSON object per line; known secret-bearing extras are redacted."""

    def __init__(self, service: str) -> None:
        super().__init__()
        self.service = service

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname,
            "service": self.service,
            "logger": record.name,
            "msg": record.getMessage(),
            "traceId": trace_id.get(),
            "correlationId": correlation_id.get(),
        }
        for key, value in getattr(record, "fields", {}).items():
            redact = any(word in key.lower() for word in _SECRET_KEYS)
            entry[key] = "[redacted]" if redact else value
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return orjson.dumps(entry, default=str).decode()


def configure_logging(service: str, level: str = "INFO") -> None:
    """Route every logger to stdout as JSON."""
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(JsonFormatter(service))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for noisy in ("uvicorn.access", "httpx", "httpcore"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
