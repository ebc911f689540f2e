"""HTTP middleware around the whole app: request ids, CORS, gzip (outermost first)."""

from __future__ import annotations

from typing import Any

from gateway.http.asgi import GatewayApp, cors_options

__all__ = ["install_middleware"]


def install_middleware(app: GatewayApp, cors: Any, compression: bool) -> None:
    """Request ids always; CORS when origins are allowed; gzip when ``compression``.

    ``cors`` is a ``gateway.config.CorsConfig`` (read by attribute: http does not import config).
    Both the direct ``POST /graphql`` path and the Starlette stack apply them (``asgi``).
    """
    policy = None
    if cors.allow_origins:
        policy = cors_options(cors.allow_origins, cors.allow_credentials, cors.allow_headers,
                              cors.max_age_seconds)
    app.install_edge(policy, compression)
