"""One log format for every process: a JSON object per line, or a coloured line on a terminal.

Each record carries the service, the trace and span ids of the current OpenTelemetry span, the
request and correlation ids; structured extras come through ``extra={"fields": {...}}``.
Credentials are redacted from messages and from secret-named fields (DESIGN.md: never log
secrets).
"""

from __future__ import annotations

import logging
import sys
from datetime import UTC, datetime
from typing import Any, TextIO

import orjson
from opentelemetry import trace

from common.telemetry.context import correlation_id, request_id
from common.telemetry.propagation import UNSAMPLED
from common.telemetry.redact import redact_fields, redact_text
from common.telemetry.settings import TelemetrySettings

__all__ = ["ConsoleFormatter", "JsonFormatter", "configure_logging", "log_entry"]

# Libraries that log every request at INFO (httpx: 1-2.5% of the gateway's CPU under load).
_NOISY = ("uvicorn.access", "httpx", "httpcore")
# uvicorn's per-WebSocket INFO lines (two per client socket: 6% of the gateway's CPU while ten
# thousand subscribers connect, tests/bench/subscriptions); its other records stay.
_PER_SOCKET = frozenset({"connection open", "connection closed", '%s - "WebSocket %s" [accepted]'})


class _DropPerSocket(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.levelno <= logging.INFO and record.msg in _PER_SOCKET)


def log_entry(record: logging.LogRecord, service: str, formatter: logging.Formatter
              ) -> dict[str, Any]:
    """The fields of one record, in the order they are written."""
    trace_id, span_id = _ids()
    entry: dict[str, Any] = {
        "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
        "level": record.levelname.lower(),
        "service": service,
        "logger": record.name,
        "message": redact_text(record.getMessage()),
        "trace_id": trace_id,
        "span_id": span_id,
        "request_id": request_id.get(),
        "correlation_id": correlation_id.get(),
    }
    fields = getattr(record, "fields", None)
    if isinstance(fields, dict):
        entry.update(redact_fields(fields))
    if record.exc_info:
        entry["exception"] = redact_text(formatter.formatException(record.exc_info))
    return entry


def _ids() -> tuple[str | None, str | None]:
    """The current span's trace and span ids, or those of the unsampled request being served
    (the gateway makes no span for it: common/telemetry/server_span.py)."""
    context = trace.get_current_span().get_span_context()
    if context.is_valid:
        return f"{context.trace_id:032x}", f"{context.span_id:016x}"
    unsampled = UNSAMPLED.get()
    if unsampled is not None:
        return f"{unsampled.trace_id:032x}", f"{unsampled.span_id:016x}"
    return None, None


class JsonFormatter(logging.Formatter):
    """One JSON object per line (what the log store ingests)."""

    def __init__(self, service: str) -> None:
        super().__init__()
        self.service = service

    def format(self, record: logging.LogRecord) -> str:
        return orjson.dumps(log_entry(record, self.service, self), default=str).decode()


class ConsoleFormatter(logging.Formatter):
    """A readable line per record for people: time, coloured level, logger, message, ids."""

    _COLOURS = {"debug": "\033[2m", "info": "\033[32m", "warning": "\033[33m",
                "error": "\033[31m", "critical": "\033[1;31m"}
    _FIXED = ("time", "level", "service", "logger", "message", "exception")

    def __init__(self, service: str) -> None:
        super().__init__()
        self.service = service

    def format(self, record: logging.LogRecord) -> str:
        entry = log_entry(record, self.service, self)
        level = entry["level"]
        colour = self._COLOURS.get(level, "")
        ids = " ".join(f"{k}={v}" for k, v in entry.items() if k not in self._FIXED and v)
        line = (f"{entry['time'][11:23]} {colour}{level.upper():<7}\033[0m "
                f"{self.service} {entry['logger']}: {entry['message']}"
                + (f" \033[2m{ids}\033[0m" if ids else ""))
        return line + (f"\n{entry['exception']}" if "exception" in entry else "")


def configure_logging(service: str, level: str = "INFO", *, stream: TextIO | None = None,
                      settings: TelemetrySettings | None = None) -> logging.Handler:
    """Route every logger to ``stream`` (stdout) in the chosen format; returns the handler."""
    stream = stream or sys.stdout
    fmt = (settings or TelemetrySettings()).log_format
    console = fmt == "console" or (fmt == "auto" and stream.isatty())
    handler = logging.StreamHandler(stream)
    handler.setFormatter(ConsoleFormatter(service) if console else JsonFormatter(service))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for noisy in _NOISY:
        logging.getLogger(noisy).setLevel(logging.WARNING)
    uvicorn = logging.getLogger("uvicorn.error")
    if not any(isinstance(f, _DropPerSocket) for f in uvicorn.filters):
        uvicorn.addFilter(_DropPerSocket())
    return handler
