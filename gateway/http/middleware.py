"""HTTP middleware around the whole app: request ids, CORS, gzip (outermost first)."""

from __future__ import annotations

from typing import Any

from starlette.applications import Starlette
from starlette.middleware.cors import CORSMiddleware
from starlette.middleware.gzip import DEFAULT_EXCLUDED_CONTENT_TYPES, GZipMiddleware

from gateway.http.request_id import RequestIdMiddleware

__all__ = ["install_middleware"]


def install_middleware(app: Starlette, cors: Any, compression: bool) -> None:
    """Add the middleware; the last added runs first (Starlette builds the stack outwards).

    ``cors`` is a ``gateway.config.CorsConfig`` (read by attribute: http does not import config).
    """
    if compression:
        # Streams stay uncompressed: each event must leave at once (SSE is excluded already).
        app.add_middleware(GZipMiddleware, minimum_size=1000, exclude_content_types=(
            *DEFAULT_EXCLUDED_CONTENT_TYPES, "multipart/mixed"))
    if cors.allow_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=cors.allow_origins,
            allow_credentials=cors.allow_credentials,
            allow_methods=["GET", "POST", "OPTIONS"],
            allow_headers=cors.allow_headers,
            expose_headers=["x-request-id", "retry-after"],
            max_age=cors.max_age_seconds,
        )
    app.add_middleware(RequestIdMiddleware)
