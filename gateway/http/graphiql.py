"""GraphiQL for browsers at ``GET /graphql``, from assets vendored into ``http/static/``.

The page loads only this gateway's own files (``infra/graphiql/vendor.sh`` copies GraphiQL and
React from npm), so no CDN is contacted and a strict Content-Security-Policy holds.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

__all__ = ["ASSET_PATH", "graphiql_asset", "graphiql_page", "wants_graphiql"]

ASSET_PATH = "/graphiql/{name}"
_ASSETS = {
    "graphiql.min.js": "text/javascript",
    "graphiql.min.css": "text/css",
    "react.production.min.js": "text/javascript",
    "react-dom.production.min.js": "text/javascript",
    "graphiql-init.js": "text/javascript",
    "THIRD_PARTY_LICENSES.txt": "text/plain",
}
# GraphiQL's editor styles are inline and it talks to this origin only (HTTP and WebSocket).
_CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data:; font-src 'self' data:; connect-src 'self' ws: wss:; "
        "frame-ancestors 'none'")

_PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>GraphiQL</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="/graphiql/graphiql.min.css">
<style>html, body, #graphiql {{ height: 100%; margin: 0; }}</style>
</head>
<body>
<div id="graphiql" data-endpoint="{endpoint}">Loading GraphiQL...</div>
<script src="/graphiql/react.production.min.js"></script>
<script src="/graphiql/react-dom.production.min.js"></script>
<script src="/graphiql/graphiql.min.js"></script>
<script src="/graphiql/graphiql-init.js"></script>
</body>
</html>
"""


def wants_graphiql(request: Request) -> bool:
    """A browser navigating to the endpoint: GET, HTML accepted, no GraphQL parameters."""
    if request.method != "GET" or "query" in request.query_params:
        return False
    if "extensions" in request.query_params:
        return False
    accept = request.headers.get("accept", "")
    return "text/html" in accept.lower()


def graphiql_page(request: Request) -> Response:
    headers = {"content-security-policy": _CSP, "cache-control": "no-cache"}
    return HTMLResponse(_PAGE.format(endpoint=request.url.path), headers=headers)


def graphiql_asset(request: Request) -> Response:
    name = request.path_params["name"]
    media_type = _ASSETS.get(name)
    if media_type is None:
        return Response("Not found", 404, media_type="text/plain")
    try:
        body = _read(name)
    except FileNotFoundError:
        return Response("GraphiQL assets are not vendored (run infra/graphiql/vendor.sh).",
                        404, media_type="text/plain")
    headers = {"cache-control": "public, max-age=86400"}
    return Response(body, 200, headers, media_type=media_type)


@cache
def _read(name: str) -> bytes:
    return files("gateway.http").joinpath("static", name).read_bytes()
