"""The one log format: every field an operator searches by, ids of the current span and
request, no credentials; a coloured line instead on a terminal."""

from __future__ import annotations

import io
import json
import logging
from datetime import datetime

import pytest
from opentelemetry.sdk.trace import TracerProvider

from common.telemetry.context import correlation_id, request_id
from common.telemetry.logs import ConsoleFormatter, JsonFormatter, configure_logging
from common.telemetry.settings import TelemetrySettings

JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1MSJ9.c2lnbmF0dXJlLXBhcnQ"


def _record(message: str, *args: object, **extra: object) -> logging.LogRecord:
    record = logging.getLogger("orders.service").makeRecord(
        "orders.service", logging.WARNING, __file__, 1, message, args, None)
    record.__dict__.update(extra)
    return record


def test_a_json_line_has_every_field_with_the_current_span_and_request_ids() -> None:
    # given a request being served inside a span
    tracer = TracerProvider().get_tracer("test")
    tokens = request_id.set("req-1"), correlation_id.set("saga-9")
    try:
        with tracer.start_as_current_span("work") as span:
            # when a record is formatted
            line = JsonFormatter("orders").format(_record("stock low for %s", "p1"))
    finally:
        request_id.reset(tokens[0])
        correlation_id.reset(tokens[1])
    entry = json.loads(line)
    context = span.get_span_context()
    # then it is one JSON object with the service, level, logger, UTC time and every id
    assert entry == {
        "time": entry["time"], "level": "warning", "service": "orders",
        "logger": "orders.service", "message": "stock low for p1",
        "trace_id": f"{context.trace_id:032x}", "span_id": f"{context.span_id:016x}",
        "request_id": "req-1", "correlation_id": "saga-9",
    }
    assert datetime.fromisoformat(entry["time"]).utcoffset().total_seconds() == 0


def test_outside_a_span_the_ids_are_null_and_an_exception_is_written_out() -> None:
    try:
        raise ValueError("broken")
    except ValueError:
        record = _record("failed")
        import sys

        record.exc_info = sys.exc_info()
    entry = json.loads(JsonFormatter("payments").format(record))
    assert entry["trace_id"] is None and entry["span_id"] is None
    assert entry["request_id"] is None
    assert "ValueError: broken" in entry["exception"]


@pytest.mark.parametrize("message", [f"authorization: Bearer {JWT}", f"token={JWT} refused",
                                     "header Basic dXNlcjpwYXNzd29yZA== dropped"])
def test_credentials_in_a_message_never_reach_the_line(message: str) -> None:
    line = JsonFormatter("gateway").format(_record(message))
    assert JWT not in line and "dXNlcjpwYXNzd29yZA" not in line
    assert "[redacted]" in line


def test_secret_named_fields_are_redacted_and_others_kept() -> None:
    record = _record("login", fields={"password": "hunter2", "api_key": "k", "code": "BAD"})
    entry = json.loads(JsonFormatter("users").format(record))
    assert entry["password"] == entry["api_key"] == "[redacted]"
    assert entry["code"] == "BAD"


def test_the_console_format_is_one_coloured_line_with_the_ids() -> None:
    token = request_id.set("req-2")
    try:
        line = ConsoleFormatter("cart").format(_record("cart %s emptied", "c1"))
    finally:
        request_id.reset(token)
    assert "\n" not in line and "\033[33m" in line  # warning in yellow
    assert "cart orders.service: cart c1 emptied" in line and "request_id=req-2" in line


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(("stream", "chosen", "expected"), [
    (io.StringIO(), "auto", JsonFormatter), (_Terminal(), "auto", ConsoleFormatter),
    (_Terminal(), "json", JsonFormatter), (io.StringIO(), "console", ConsoleFormatter),
])
def test_the_format_follows_the_terminal_unless_chosen(
    stream: io.StringIO, chosen: str, expected: type
) -> None:
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    try:
        handler = configure_logging("gateway", stream=stream,
                                    settings=TelemetrySettings(log_format=chosen))
        assert type(handler.formatter) is expected
    finally:
        root.handlers[:], _ = saved[0], root.setLevel(saved[1])


def test_uvicorns_per_websocket_lines_are_dropped_and_its_other_lines_kept() -> None:
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    server = logging.getLogger("uvicorn.error")
    seen: list[logging.LogRecord] = []
    catch = logging.Handler()
    catch.emit = seen.append  # type: ignore[method-assign]
    level = server.level  # uvicorn.Config elsewhere in the run may have set it
    server.setLevel(logging.INFO)
    server.addHandler(catch)
    try:
        configure_logging("gateway", stream=io.StringIO())
        server.info('%s - "WebSocket %s" [accepted]', "127.0.0.1:5000", "/graphql")
        server.info("connection open")
        server.info("Application startup complete.")
        server.warning("connection open")  # not INFO: kept whatever it says
    finally:
        server.removeHandler(catch)
        server.setLevel(level)
        root.handlers[:], _ = saved[0], root.setLevel(saved[1])
    assert [(r.levelname, r.getMessage()) for r in seen] == [
        ("INFO", "Application startup complete."), ("WARNING", "connection open")]
