"""Library instrumentation for the subgraphs: SQLAlchemy, Redis and outgoing httpx requests."""

from __future__ import annotations

import os

__all__ = ["instrument_libraries"]


def instrument_libraries() -> None:
    """Patch the libraries once, when tracing is on (the instrumentors guard repeats).

    SQLAlchemy's instrumentor wraps ``create_async_engine`` from now on: engines must be made
    after this call, through the module attribute (subgraphs/kit/database.py does).
    """
    # httpx's CLIENT spans with the stable HTTP attribute names (http.request.method, url.full,
    # server.address, http.response.status_code), as the kit's own client spans and the
    # gateway's (common/telemetry/client_span.py); read once, by the first instrumentor.
    os.environ.setdefault("OTEL_SEMCONV_STABILITY_OPT_IN", "http")
    from opentelemetry.instrumentation.httpx import HTTPXClientInstrumentor
    from opentelemetry.instrumentation.redis import RedisInstrumentor
    from opentelemetry.instrumentation.sqlalchemy import SQLAlchemyInstrumentor

    for instrumentor in (SQLAlchemyInstrumentor(), RedisInstrumentor(), HTTPXClientInstrumentor()):
        if not instrumentor.is_instrumented_by_opentelemetry:
            # The SQLAlchemy instrumentation declares "< 2.1" and would refuse to run on the
            # 2.1 we use, whose cursor events it relies on are unchanged (the e2e trace test
            # checks that database spans arrive).
            instrumentor.instrument(skip_dep_check=True)
