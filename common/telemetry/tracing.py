"""The OpenTelemetry tracer provider, set up once per process, or none when nothing exports."""

from __future__ import annotations

import sys
from importlib import metadata

from opentelemetry import trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import (
    BatchSpanProcessor,
    ConsoleSpanExporter,
    SpanExporter,
)

from common.telemetry.sampling import HeadSampler, sampler_for
from common.telemetry.settings import TelemetrySettings

__all__ = ["HashedOnce", "provider_for", "sampler_for", "setup_tracing", "span_exporters",
           "tracer_provider"]

_installed: list[TracerProvider] = []


def tracer_provider() -> TracerProvider | None:
    """The provider ``setup_tracing`` installed in this process; None: tracing is off."""
    return _installed[0] if _installed else None


def setup_tracing(service: str, settings: TelemetrySettings | None = None) -> TracerProvider | None:
    """Install the global provider once (later calls return the first); None when no exporter
    is configured, so un-traced processes pay nothing."""
    if _installed:
        return _installed[0]
    settings = settings or TelemetrySettings()
    exporters = span_exporters(settings)
    if not exporters:
        return None
    provider = provider_for(service, settings, exporters)
    trace.set_tracer_provider(provider)
    _installed.append(provider)
    return provider


def provider_for(service: str, settings: TelemetrySettings, exporters: list[SpanExporter]
                 ) -> TracerProvider:
    """A provider with this process's resource and sampler, exporting through ``exporters``."""
    provider = TracerProvider(resource=_resource(service, settings),
                              sampler=HeadSampler(settings))
    for exporter in exporters:
        # batches, exported by the processor's own thread: a request only queues its spans
        # (OTEL_BSP_* honoured)
        provider.add_span_processor(BatchSpanProcessor(exporter))
    return provider


def span_exporters(settings: TelemetrySettings) -> list[SpanExporter]:
    """OTLP over HTTP/protobuf to the configured endpoint, and/or the console (dev)."""
    exporters: list[SpanExporter] = []
    for name in settings.exporters():
        if name == "otlp":
            # imported only when used; it reads the other OTEL_EXPORTER_OTLP_* variables itself
            from common.telemetry.otlp_exporter import LeanOTLPSpanExporter

            exporters.append(LeanOTLPSpanExporter(endpoint=_traces_url(settings.otlp_endpoint)))
        else:
            exporters.append(ConsoleSpanExporter(out=sys.stderr))
    return exporters


def _traces_url(endpoint: str) -> str:
    # OTLP exporter specification: the signal path is appended to the base endpoint only.
    endpoint = endpoint.rstrip("/")
    return endpoint if endpoint.endswith("/v1/traces") else f"{endpoint}/v1/traces"


def _resource(service: str, settings: TelemetrySettings) -> Resource:
    try:
        version = metadata.version("federated-shop")
    except metadata.PackageNotFoundError:
        version = "unknown"
    return HashedOnce(Resource.create({"service.name": service, "service.version": version,
                                       "deployment.environment.name": settings.environment}))


class HashedOnce(Resource):
    """A resource whose hash is computed once. The OTLP encoder groups each exported span by
    its resource, and ``Resource.__hash__`` dumps the attributes to JSON every time: a third of
    the encoding's cost per span. A resource never changes, so one hash holds."""

    def __init__(self, resource: Resource) -> None:
        super().__init__(resource.attributes, resource.schema_url)
        self._hash = super().__hash__()

    def __hash__(self) -> int:
        return self._hash
