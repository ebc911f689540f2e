"""The OTLP/HTTP span exporter with our encoder (``common.telemetry.otlp_encode``).

Everything but the encoding is the OpenTelemetry exporter's: endpoint, headers, compression,
timeouts and retries from the ``OTEL_EXPORTER_OTLP_*`` variables, its HTTP client. A batch the
encoder cannot write, or an exporter whose HTTP client is not the one this was written against,
goes through the exporter's own ``export`` unchanged.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export import SpanExportResult

from common.telemetry.otlp_encode import Unsupported, encode_spans

__all__ = ["LeanOTLPSpanExporter"]

log = logging.getLogger(__name__)


class LeanOTLPSpanExporter(OTLPSpanExporter):
    """``OTLPSpanExporter`` whose batches are encoded by ``encode_spans``."""

    def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
        client = getattr(self, "_client", None)
        if getattr(self, "_shutdown", True) or not callable(getattr(client, "export", None)):
            return super().export(spans)
        try:
            data = encode_spans(spans)
        except Unsupported:
            return super().export(spans)
        result = client.export(data)  # type: ignore[union-attr]
        if getattr(result, "success", False):
            return SpanExportResult.SUCCESS
        log.warning("span export failed: %s", getattr(result, "error", "unknown error"))
        return SpanExportResult.FAILURE
