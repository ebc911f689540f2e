"""Telemetry every process shares: OpenTelemetry set-up, one JSON log format, Prometheus metrics."""
