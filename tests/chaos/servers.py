"""PostgreSQL and Redis servers of the chaos suite's own, on spare ports, so it may restart them.

The machine's servers are never touched: PostgreSQL is a fresh cluster made with Debian's
binaries (``initdb``/``pg_ctl``) in a temporary directory, Redis a ``redis-server`` without
persistence (a restart forgets every key, as a cache may).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import redis

from streaming.broker import free_port
from tests.strict import require

__all__ = ["PG_BIN", "OwnPostgres", "OwnRedis"]

PG_BIN = Path("/usr/lib/postgresql/15/bin")


@dataclass
class OwnPostgres:
    """A throw-away PostgreSQL cluster in a temporary directory (trust auth, user postgres).

    PostgreSQL refuses to run as root, so as root (CI containers) the cluster is made and run
    by the ``postgres`` system user, in a directory of its own under the system's temp dir.
    """

    directory: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="chaos-pg-")))
    port: int = 0

    @property
    def dsn(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def start(self) -> OwnPostgres:
        require((PG_BIN / "initdb").exists(), f"PostgreSQL binaries missing in {PG_BIN}")
        self.port = free_port()
        self._run("initdb", "-D", str(self.directory / "data"), "-U", "postgres",
                  "--auth=trust", "--no-sync", "-E", "UTF8")
        self._pg_ctl("start", "-w", "-o", self._options())
        return self

    def restart(self) -> None:
        """Fast shutdown (every connection dropped) and start again on the same port."""
        self._pg_ctl("restart", "-w", "-m", "fast", "-o", self._options())

    def stop(self) -> None:
        self._pg_ctl("stop", "-w", "-m", "immediate")
        shutil.rmtree(self.directory, ignore_errors=True)

    def _options(self) -> str:
        return (f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1 "
                "-c fsync=off -c max_connections=300")

    def _pg_ctl(self, *args: str) -> None:
        self._run("pg_ctl", "-D", str(self.directory / "data"),
                  "-l", str(self.directory / "postgres.log"), *args)

    def _run(self, tool: str, *args: str) -> None:
        command = [str(PG_BIN / tool), *args]
        if os.geteuid() == 0:
            shutil.chown(self.directory, "postgres", "postgres")
            command = ["runuser", "-u", "postgres", "--", *command]
        done = subprocess.run(command, capture_output=True, text=True, timeout=60)
        if done.returncode != 0:
            raise RuntimeError(f"{tool} failed: {done.stderr[-2000:]}")


@dataclass
class OwnRedis:
    """A ``redis-server`` on a spare port, without persistence."""

    directory: Path
    port: int = 0
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> OwnRedis:
        binary = shutil.which("redis-server")
        require(binary is not None, "redis-server not found")
        self.port = self.port or free_port()
        log = (self.directory / "redis.log").open("ab")
        self.process = subprocess.Popen(
            [str(binary), "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.directory)], stdout=log, stderr=log)
        self._wait()
        return self

    def restart(self) -> None:
        self.stop()
        self.start()

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(10)
            self.process = None

    def _wait(self) -> None:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                if redis.Redis.from_url(self.url).ping():
                    return
            except redis.ConnectionError:
                time.sleep(0.05)
        raise RuntimeError(f"redis-server on {self.port} did not answer")
