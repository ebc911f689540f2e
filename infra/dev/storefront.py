"""Build the storefront (``storefront/``, npm) when its sources change, and serve the build.

``python -m infra.dev.storefront build`` runs ``npm ci`` when the lock file is newer than
``node_modules`` and ``npm run build`` when the sources' fingerprint differs from the one stored
beside the last build (so repeated runs, CI included, build once). ``serve`` answers the built
files, ``/config.js`` (where the gateway is) and, for any other path, ``index.html`` (the app
routes in the browser). The gateway must allow the storefront's origin (CORS, see DEV_ENV).
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import shutil
import subprocess
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from infra.dev.services import ROOT

__all__ = ["DIST", "NpmMissing", "build", "bundle_sizes", "serve", "start_server"]

APP = ROOT / "storefront"
DIST = APP / "dist"
FINGERPRINT = DIST / ".fingerprint"
GENERATED = APP / "src" / "gql"
# Everything the build reads: the app, its locked dependencies, the schema and the manifest.
INPUTS = ("src", "index.html", "package-lock.json", "vite.config.ts", "codegen.ts",
          "tsconfig.json", "../schema/supergraph.graphql",
          "../schema/persisted-query-manifest.json")
HOW_TO_GET_NPM = ("npm not found: install Node.js 20 or newer (Debian: apt-get install nodejs "
                  "npm) to build the storefront; the platform runs without it.")


class NpmMissing(RuntimeError):
    """The storefront cannot be built here: no npm on PATH."""


def fingerprint() -> str:
    """SHA-256 over the build's inputs (paths and contents), generated code and tests excluded."""
    digest = hashlib.sha256()
    for name in INPUTS:
        path = (APP / name).resolve()
        files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for file in files:
            if GENERATED not in file.parents and ".test." not in file.name:
                digest.update(str(file.relative_to(ROOT)).encode() + b"\0" + file.read_bytes())
    return digest.hexdigest()


def build(*, quiet: bool = True) -> Path:
    """The built app's folder, rebuilt only when stale; NpmMissing without npm."""
    npm = shutil.which("npm")
    if npm is None:
        raise NpmMissing(HOW_TO_GET_NPM)
    wanted = fingerprint()
    if FINGERPRINT.exists() and FINGERPRINT.read_text() == wanted:
        return DIST
    installed = APP / "node_modules" / ".package-lock.json"
    lock = APP / "package-lock.json"
    if not installed.exists() or installed.stat().st_mtime < lock.stat().st_mtime:
        _run([npm, "ci", "--no-audit", "--no-fund"], quiet)
    _run([npm, "run", "build"], quiet)
    FINGERPRINT.write_text(wanted)
    return DIST


def bundle_sizes(dist: Path = DIST) -> dict[str, tuple[int, int]]:
    """Bytes of the build's JavaScript and CSS: (raw, gzipped at level 9), each kind summed."""
    sizes: dict[str, tuple[int, int]] = {}
    for kind, suffix in (("JavaScript", ".js"), ("CSS", ".css")):
        files = sorted((dist / "assets").glob(f"*{suffix}"))
        data = [file.read_bytes() for file in files]
        sizes[kind] = (sum(map(len, data)), sum(len(gzip.compress(d, 9)) for d in data))
    return sizes


def _run(command: list[str], quiet: bool) -> None:
    done = subprocess.run(command, cwd=APP, capture_output=quiet, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command[1:])} failed:\n{(done.stdout or '')[-3000:]}"
                           f"{(done.stderr or '')[-3000:]}")


class _Handler(SimpleHTTPRequestHandler):
    """Static files of the build; /config.js; index.html for the app's own routes."""

    config_js = b""

    def do_GET(self) -> None:
        path = self.path.split("?", 1)[0]
        if path == "/config.js":
            self._send(self.config_js, "text/javascript")
        elif path != "/" and (DIST / path.lstrip("/")).is_file():
            super().do_GET()
        else:
            self._send((DIST / "index.html").read_bytes(), "text/html; charset=utf-8")

    def _send(self, body: bytes, media: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", media)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-cache")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        return  # the gateway logs the requests that matter


def _server(port: int, graphql_url: str, host: str) -> ThreadingHTTPServer:
    config = {"graphqlUrl": graphql_url, "websocketUrl": graphql_url.replace("http", "ws", 1)}
    handler = type("Handler", (_Handler,), {
        "config_js": f"window.__STOREFRONT__ = {json.dumps(config)};\n".encode()})
    return ThreadingHTTPServer((host, port), partial(handler, directory=str(DIST)))


def start_server(port: int, graphql_url: str, host: str = "127.0.0.1") -> ThreadingHTTPServer:
    """Serve the build from a daemon thread (tests); ``shutdown()`` stops it."""
    server = _server(port, graphql_url, host)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def serve(port: int, graphql_url: str, host: str = "127.0.0.1") -> None:
    """Serve the build until interrupted (``make dev``)."""
    with _server(port, graphql_url, host) as server:
        print(f"storefront: http://{host}:{port}/ (gateway {graphql_url})", flush=True)
        server.serve_forever()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m infra.dev.storefront", description=__doc__)
    parser.add_argument("command", choices=["build", "serve"])
    parser.add_argument("--port", type=int, default=3000, help="serve: the port")
    parser.add_argument("--gateway", default="http://127.0.0.1:8080/graphql",
                        help="serve: the gateway's GraphQL URL (ws:// is derived from it)")
    args = parser.parse_args(argv)
    try:
        if args.command == "build":
            dist = build(quiet=False)
            sizes = ", ".join(f"{kind} {raw / 1000:.1f} kB ({zipped / 1000:.1f} kB gzipped)"
                              for kind, (raw, zipped) in bundle_sizes(dist).items())
            print(f"storefront: built in {dist.relative_to(ROOT)}: {sizes}")
        else:
            serve(args.port, args.gateway)
    except NpmMissing as missing:
        print(missing)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
