"""A real HTTP server publishing a JWKS that a test can change, counting the fetches."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from common.auth.keys import SigningKey, jwks_document

__all__ = ["JwksServer"]


class JwksServer:
    """``with JwksServer(keys) as server: server.url``; ``publish`` swaps the key set."""

    def __init__(self, keys: list[SigningKey]) -> None:
        self.document: dict[str, Any] = jwks_document(keys)
        self.fetches = 0
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                owner.fetches += 1
                body = json.dumps(owner.document).encode()
                self.send_response(200)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *_args: object) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_port}/.well-known/jwks.json"

    def publish(self, keys: list[SigningKey]) -> None:
        self.document = jwks_document(keys)

    def __enter__(self) -> JwksServer:
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
