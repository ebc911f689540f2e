"""Telemetry options, read from the standard OpenTelemetry variables and a few of our own."""

from __future__ import annotations

from typing import Literal

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["SAMPLERS", "TelemetrySettings"]

# OpenTelemetry SDK environment variables specification, "General SDK Configuration".
SAMPLERS = ("always_on", "always_off", "traceidratio", "parentbased_always_on",
            "parentbased_always_off", "parentbased_traceidratio")


class TelemetrySettings(BaseSettings):
    """Where traces go, how many are kept and how logs look; the same for every process."""

    model_config = SettingsConfigDict(extra="ignore", populate_by_name=True,
                                      hide_input_in_errors=True)

    sdk_disabled: bool = Field(False, validation_alias="OTEL_SDK_DISABLED",
                               description="true: no tracing at all, whatever else is set.")
    otlp_endpoint: str = Field(
        "", validation_alias=AliasChoices("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
                                          "OTEL_EXPORTER_OTLP_ENDPOINT"),
        description="OTLP/HTTP collector base URL (e.g. http://localhost:4318); empty: no OTLP.")
    traces_exporter: str = Field(
        "otlp", validation_alias="OTEL_TRACES_EXPORTER",
        description="Comma-separated: otlp (needs the endpoint), console (dev), none.")
    sampler: Literal[SAMPLERS] = Field(  # type: ignore[valid-type]
        "parentbased_traceidratio", validation_alias="OTEL_TRACES_SAMPLER",
        description="Which traces are kept; parent-based ones follow the caller's decision.")
    sampler_arg: float = Field(1.0, ge=0.0, le=1.0, validation_alias="OTEL_TRACES_SAMPLER_ARG",
                               description="The ratio of new traces kept by *traceidratio.")
    environment: str = Field("dev", validation_alias="ENVIRONMENT",
                             description="deployment.environment.name of every span.")
    log_format: Literal["auto", "json", "console"] = Field(
        "auto", validation_alias="LOG_FORMAT",
        description="auto: coloured lines on a terminal, JSON otherwise.")

    def exporters(self) -> list[str]:
        """The exporters to install: otlp only with an endpoint, nothing when disabled."""
        if self.sdk_disabled:
            return []
        names = {n.strip().lower() for n in self.traces_exporter.split(",") if n.strip()}
        chosen = [n for n in ("otlp", "console") if n in names and "none" not in names]
        return [n for n in chosen if n != "otlp" or self.otlp_endpoint]
