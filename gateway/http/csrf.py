"""CSRF prevention (Apollo's rule): refuse requests a browser sends without a CORS preflight.

A cross-site page can make a browser send a "simple" request (Fetch standard: GET, or POST with
Content-Type text/plain, multipart/form-data or application/x-www-form-urlencoded) with the
user's cookies and no preflight. Requiring a non-simple Content-Type (application/json) or an
``apollo-require-preflight`` / ``x-apollo-operation-name`` header forces the preflight, which the
CORS policy then decides.
"""

from __future__ import annotations

from collections.abc import Mapping

from gateway.http.errors import HttpError

__all__ = ["check_csrf"]

_SIMPLE_TYPES = ("text/plain", "multipart/form-data", "application/x-www-form-urlencoded")
_PREFLIGHT_HEADERS = ("apollo-require-preflight", "x-apollo-operation-name")


def check_csrf(headers: Mapping[str, str]) -> None:
    """HttpError 400 for a request that would not have needed a preflight."""
    if any(headers.get(name, "").strip() for name in _PREFLIGHT_HEADERS):
        return
    content_type = headers.get("content-type")
    if content_type is not None:
        media = content_type.split(";")[0].strip().lower()
        if media and media not in _SIMPLE_TYPES:
            return
    raise HttpError(
        400,
        "This operation has been blocked as a potential Cross-Site Request Forgery (CSRF). "
        "Please either specify a 'content-type' header (with a type that is not one of "
        "application/x-www-form-urlencoded, multipart/form-data, text/plain) or provide a "
        "non-empty value for one of the following headers: apollo-require-preflight, "
        "x-apollo-operation-name.",
        code="CSRF_PREVENTION",
    )
