"""The storefront's nginx configuration run by Debian's nginx: compose's load balancer
(gateway.conf) and the Kubernetes pods' (storefront.conf) serve the built files with a year of
caching for hashed assets, index.html for the app's routes, and /graphql from the gateway.
The upstream names and paths of the images are pointed at this test's own files and servers."""

from __future__ import annotations

import http.client
import json
import os
import shutil
import subprocess
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from infra.dev.services import ROOT
from streaming.broker import free_port
from tests.strict import require

pytestmark = pytest.mark.timeout(60)

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
CONFIGS = ROOT / "infra" / "nginx"
YEAR = "public, max-age=31536000, immutable"


class _Upstream(BaseHTTPRequestHandler):
    """Stands for the gateway or payments: answers with its name and the path asked."""

    name = ""

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("content-length", 0)))
        body = json.dumps({"upstream": self.name, "path": self.path}).encode()
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST

    def log_message(self, *_: object) -> None:
        return


def _upstream(name: str) -> ThreadingHTTPServer:
    handler = type("Upstream", (_Upstream,), {"name": name})
    server = ThreadingHTTPServer(("127.0.0.1", free_port()), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def _dist(root: Path) -> Path:
    dist = root / "html"
    (dist / "assets").mkdir(parents=True)
    (dist / "index.html").write_text("<!doctype html><main>storefront</main>")
    (dist / "assets" / "index-Bx7f3a.js").write_text("console.log('app')")
    return dist


@pytest.fixture
def nginx(tmp_path: Path) -> Iterator[callable]:
    require(Path(NGINX).exists(), "nginx not installed (Debian: apt-get install nginx)")
    dist = _dist(tmp_path)
    # As root, nginx's workers switch to an unprivileged user that cannot read pytest's
    # private temp dirs: keep them as this user (as any user other than root does anyway).
    user = "user root;" if os.geteuid() == 0 else ""
    static = (CONFIGS / "storefront-static.conf").read_text().replace(
        "root /usr/share/nginx/html;", f"root {dist};")
    (tmp_path / "storefront-static.conf").write_text(static)
    gateway, payments = _upstream("gateway"), _upstream("payments")
    started: list[subprocess.Popen] = []

    def run(name: str, listen: str) -> int:
        port = free_port()
        server = (CONFIGS / name).read_text()
        server = (server.replace(f"listen {listen};", f"listen 127.0.0.1:{port};")
                  .replace("server gateway:8080;", f"server 127.0.0.1:{gateway.server_port};")
                  .replace("server payments:5005;", f"server 127.0.0.1:{payments.server_port};")
                  .replace("/etc/nginx/storefront-static.conf",
                           str(tmp_path / "storefront-static.conf")))
        temp = tmp_path / f"temp-{port}"
        temp.mkdir()
        main = tmp_path / f"nginx-{port}.conf"
        main.write_text(f"""{user} daemon off; pid {temp}/nginx.pid; error_log {temp}/error.log;
events {{}}
http {{
  include /etc/nginx/mime.types; access_log off;
  client_body_temp_path {temp}/body; proxy_temp_path {temp}/proxy;
  fastcgi_temp_path {temp}/fastcgi; uwsgi_temp_path {temp}/uwsgi; scgi_temp_path {temp}/scgi;
  {server}
}}
""")
        process = subprocess.Popen([NGINX, "-c", str(main), "-e", f"{temp}/error.log"],
                                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        started.append(process)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if process.poll() is not None:
                pytest.fail(f"nginx refused {name}: {process.stdout.read().decode()}"
                            f"{(temp / 'error.log').read_text()}")
            try:
                http.client.HTTPConnection("127.0.0.1", port, timeout=1).connect()
                return port
            except OSError:
                time.sleep(0.1)
        pytest.fail(f"nginx with {name} did not listen")

    yield run
    for process in started:
        process.terminate()
        process.wait(10)
    gateway.shutdown()
    payments.shutdown()


def request(port: int, method: str, path: str, body: str | None = None
            ) -> tuple[int, dict[str, str], str]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    headers = {"content-type": "application/json"} if body is not None else {}
    connection.request(method, path, body=body, headers=headers)
    response = connection.getresponse()
    return (response.status, {k.lower(): v for k, v in response.getheaders()},
            response.read().decode())


def test_the_load_balancer_serves_the_app_and_sends_graphql_to_the_gateway(nginx) -> None:
    port = nginx("gateway.conf", "80")
    status, headers, body = request(port, "GET", "/assets/index-Bx7f3a.js")
    assert (status, body) == (200, "console.log('app')")
    assert headers["cache-control"] == YEAR
    assert "javascript" in headers["content-type"]
    # an app route is index.html, revalidated on every visit (a release shows at once)
    status, headers, body = request(port, "GET", "/orders/42?x=1")
    assert (status, body) == (200, "<!doctype html><main>storefront</main>")
    assert headers["cache-control"] == "no-cache" and headers["content-type"] == "text/html"
    assert request(port, "GET", "/")[2] == body
    # a missing hashed asset is a 404, never index.html cached for a year
    status, headers, _ = request(port, "GET", "/assets/index-gone.js")
    assert status == 404 and headers.get("cache-control") != YEAR
    status, headers, body = request(port, "GET", "/config.js")
    assert status == 200 and "window.__STOREFRONT__" in body
    assert "javascript" in headers["content-type"]
    # the API on the same origin, and nothing else of the gateway
    answer = request(port, "POST", "/graphql", '{"query": "{ __typename }"}')
    assert json.loads(answer[2]) == {"upstream": "gateway", "path": "/graphql"}
    assert request(port, "GET", "/metrics")[0] == 404
    assert "upstream" not in request(port, "GET", "/health")[2]
    hook = request(port, "POST", "/webhooks/stripe", "{}")
    assert json.loads(hook[2])["upstream"] == "payments"


def test_the_kubernetes_pods_serve_the_app_and_a_health_check(nginx) -> None:
    port = nginx("storefront.conf", "8080")
    assert request(port, "GET", "/healthz")[:1] == (200,)
    status, headers, _ = request(port, "GET", "/assets/index-Bx7f3a.js")
    assert status == 200 and headers["cache-control"] == YEAR
    assert request(port, "GET", "/account/orders")[2] == "<!doctype html><main>storefront</main>"
