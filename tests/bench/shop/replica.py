"""A subgraph behind Debian's nginx (round robin), so the shop bench can add a replica of it.

``Replicas(platform, "products").start()`` starts nginx in front of the running service with
that one upstream and points every caller at nginx (the gateway's ``GATEWAY_SUBGRAPH_URLS``
and each service's ``<SERVICE>_<DOMAIN>_URL``; the callers pick it up when restarted);
``add()`` starts a second process of the service (same database, same Kafka consumer group, its
own port) and reloads nginx with both upstreams. The one-replica and two-replica measurements
then differ only by the second process, nginx being in the path of both. nginx joins the
platform's children (``nginx``, its log ``nginx.log``): measured and stopped with them.
"""

from __future__ import annotations

import json
import shutil
import signal
import subprocess
import time
from pathlib import Path

from streaming.broker import free_port
from tests.e2e.platform import Platform

__all__ = ["Replicas"]

NGINX = "/usr/sbin/nginx"

_CONFIG = """\
worker_processes 1;
pid {dir}/nginx.pid;
error_log {dir}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {dir}/body;
    proxy_temp_path {dir}/proxy;
    fastcgi_temp_path {dir}/fastcgi;
    uwsgi_temp_path {dir}/uwsgi;
    scgi_temp_path {dir}/scgi;
    upstream replicas {{
{servers}
        keepalive 64;
    }}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://replicas;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $host;
            proxy_buffering off;
        }}
    }}
}}
"""


class Replicas:
    """nginx round-robin in front of ``domain``'s processes on ``platform``."""

    def __init__(self, platform: Platform, domain: str, directory: Path) -> None:
        if shutil.which(NGINX) is None and not Path(NGINX).exists():
            raise RuntimeError(f"{NGINX} not found (Debian's nginx package)")
        self.platform = platform
        self.domain = domain
        self.dir = directory
        self.port = platform.ports["nginx"] = free_port()
        self.names = [domain]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/graphql"

    def start(self) -> Replicas:
        """nginx with the running process as its only upstream; callers pointed at it."""
        self.dir.mkdir(parents=True, exist_ok=True)
        self._write()
        log = (self.platform.logs / "nginx.log").open("ab")
        self.platform.children["nginx"] = subprocess.Popen(
            [NGINX, "-p", str(self.dir), "-c", str(self.dir / "nginx.conf"),
             "-g", "daemon off;"], stdout=log, stderr=subprocess.STDOUT)
        self.platform._wait_healthy("nginx", 30)  # nginx passes /health on to the service
        env = self.platform.env
        urls = json.loads(env["GATEWAY_SUBGRAPH_URLS"])
        urls[self.domain] = self.url
        env["GATEWAY_SUBGRAPH_URLS"] = json.dumps(urls)
        for name in self.platform.domains:
            env[f"{name.upper()}_{self.domain.upper()}_URL"] = self.url
        return self

    def callers(self) -> list[str]:
        """The services to restart so that they call the domain through nginx."""
        return [name for name in self.platform.domains if name != self.domain]

    def add(self) -> str:
        """Start one more process of the domain and put it in nginx's rotation; its name."""
        name = f"{self.domain}-{len(self.names) + 1}"
        port = self.platform.ports[name] = free_port()
        self.platform._spawn(name, [f"subgraphs.{self.domain}", "serve", "--port", str(port)],
                             self.platform.env)
        self.platform._wait_healthy(name, 120)
        self.names.append(name)
        self._write()
        self.platform.children["nginx"].send_signal(signal.SIGHUP)  # reload the configuration
        time.sleep(2)  # new workers take over; the old ones finish their requests
        return name

    def _write(self) -> None:
        servers = "\n".join(f"        server 127.0.0.1:{self.platform.ports[name]};"
                            for name in self.names)
        (self.dir / "nginx.conf").write_text(
            _CONFIG.format(dir=self.dir, servers=servers, port=self.port))
