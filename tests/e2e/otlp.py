"""A small OTLP/HTTP trace receiver for tests: decodes ``ExportTraceServiceRequest`` bodies
(protobuf, as the processes' exporters send them) into plain span records."""

from __future__ import annotations

import gzip
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (
    ExportTraceServiceRequest,
    ExportTraceServiceResponse,
)

__all__ = ["OtlpReceiver", "ReceivedSpan"]

# opentelemetry/proto/trace/v1/trace.proto, Span.SpanKind
KINDS = {1: "INTERNAL", 2: "SERVER", 3: "CLIENT", 4: "PRODUCER", 5: "CONSUMER"}


@dataclass(frozen=True)
class ReceivedSpan:
    """One exported span, ids in hex as in a traceparent."""

    service: str
    name: str
    kind: str
    trace_id: str
    span_id: str
    parent_id: str
    attributes: dict[str, Any] = field(default_factory=dict)


class OtlpReceiver:
    """Listens on 127.0.0.1 (a free port) for ``POST /v1/traces``; keeps every span."""

    def __init__(self) -> None:
        self.spans: list[ReceivedSpan] = []
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self._received))
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def start(self) -> OtlpReceiver:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def wait_for(self, wanted: Callable[[list[ReceivedSpan]], Any], within: float) -> Any:
        """Poll until ``wanted(spans)`` is truthy (returned) or ``within`` seconds pass (None)."""
        deadline = time.monotonic() + within
        while True:
            with self._lock:
                found = wanted(list(self.spans))
            if found or time.monotonic() > deadline:
                return found
            time.sleep(0.1)

    def _received(self, request: ExportTraceServiceRequest) -> None:
        spans = [span for resource in request.resource_spans for span in _spans(resource)]
        with self._lock:
            self.spans.extend(spans)


def _spans(resource: Any) -> list[ReceivedSpan]:
    attributes = _attributes(resource.resource.attributes)
    service = str(attributes.get("service.name", ""))
    return [
        ReceivedSpan(service, span.name, KINDS.get(span.kind, "UNSPECIFIED"),
                     span.trace_id.hex(), span.span_id.hex(), span.parent_span_id.hex(),
                     _attributes(span.attributes))
        for scope in resource.scope_spans for span in scope.spans
    ]


def _attributes(pairs: Any) -> dict[str, Any]:
    values = {}
    for pair in pairs:
        kind = pair.value.WhichOneof("value")
        values[pair.key] = getattr(pair.value, kind) if kind else None
    return values


def _handler(received: Callable[[ExportTraceServiceRequest], None]) -> type:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("content-length", "0")))
            if self.headers.get("content-encoding") == "gzip":
                body = gzip.decompress(body)
            received(ExportTraceServiceRequest.FromString(body))
            answer = ExportTraceServiceResponse().SerializeToString()
            self.send_response(200)
            self.send_header("content-type", "application/x-protobuf")
            self.send_header("content-length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, *args: Any) -> None:  # quiet: one line per export otherwise
            return

    return Handler
