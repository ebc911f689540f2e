"""`workers: N`: the serving process supervises its forked workers.

Real processes: the gateway is started with `python -m gateway serve`, its workers are found
through /proc (Linux) and killed the way the kernel's OOM killer or an operator would.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import httpx
import pytest

from tests.gateway.http.test_cli import ROOT, _free_port, _gateway, _wait_for
from tests.gateway.pipeline.shop import shop_supergraph
from tests.strict import require


@pytest.fixture(autouse=True)
def linux_proc() -> None:
    """Child processes are counted through Linux /proc (skipped elsewhere, failed in CI)."""
    require(Path("/proc/self/task").exists(), "needs Linux /proc")


def _children(pid: int) -> set[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except FileNotFoundError:
        return set()
    return {int(child) for child in text.split()}


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state != "Z"  # a zombie has exited; only its parent's wait is missing


def _wait_until(condition, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError(f"not within {seconds} s: {what}")


def _serve(tmp_path: Path, port: int, workers: int) -> subprocess.Popen[bytes]:
    supergraph = tmp_path / "supergraph.graphql"
    supergraph.write_text(shop_supergraph())
    return subprocess.Popen(
        _gateway("serve", "--supergraph", str(supergraph), "--port", str(port)),
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        env={**os.environ, "GATEWAY_MODE": "production", "GATEWAY_WORKERS": str(workers)},
    )


def _wait_for_two_workers(process: subprocess.Popen[bytes], port: int) -> set[int]:
    _wait_for(f"http://127.0.0.1:{port}/health", deadline=time.monotonic() + 30)
    _wait_until(lambda: len(_children(process.pid)) == 2, 30, "two workers")
    return _children(process.pid)


def _query(port: int) -> dict:
    # a new connection each time, so the kernel may hand it to any worker
    with httpx.Client(timeout=5) as client:
        return client.post(f"http://127.0.0.1:{port}/graphql",
                           json={"query": "{ __typename }"}).json()


def _stop(process: subprocess.Popen[bytes]) -> tuple[int, str]:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
    try:
        code = process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        code = process.wait()
    output = process.stdout.read().decode() if process.stdout else ""
    return code, output


def test_a_killed_worker_is_replaced_and_the_new_one_serves(tmp_path: Path):
    # given a gateway with two workers, both serving
    port = _free_port()
    process = _serve(tmp_path, port, workers=2)
    try:
        originals = _wait_for_two_workers(process, port)
        # when each original worker is killed with SIGKILL, one after the other
        for victim in sorted(originals):
            before = _children(process.pid)
            os.kill(victim, signal.SIGKILL)
            _wait_until(lambda b=before, v=victim: len(_children(process.pid) - b) == 1
                        and v not in _children(process.pid), 30, f"a replacement for {victim}")
        replacements = _children(process.pid)
        # then new worker processes answer every request (none of the originals is left)
        _wait_for(f"http://127.0.0.1:{port}/health", deadline=time.monotonic() + 30)
        answers = [_query(port) for _ in range(6)]
        assert process.poll() is None
    finally:
        code, output = _stop(process)
    assert len(replacements) == 2 and not replacements & originals
    assert answers == [{"data": {"__typename": "Query"}}] * 6
    assert output.count("restarted a gateway worker") == 2, output
    assert "signal SIGKILL" in output
    # and SIGTERM still stops the supervisor and its replacement workers gracefully
    assert code == 0, output
    assert not any(_alive(pid) for pid in replacements)


def test_sigterm_stops_every_worker_gracefully_without_restarting_them(tmp_path: Path):
    port = _free_port()
    process = _serve(tmp_path, port, workers=2)
    try:
        workers = _wait_for_two_workers(process, port)
    finally:
        code, output = _stop(process)
    assert code == 0, output
    assert "restarted a gateway worker" not in output
    assert not any(_alive(pid) for pid in workers)


def test_workers_exit_when_the_supervisor_is_killed(tmp_path: Path):
    # given a serving gateway with two workers
    port = _free_port()
    process = _serve(tmp_path, port, workers=2)
    workers: set[int] = set()
    try:
        workers = _wait_for_two_workers(process, port)
        # when the supervisor is killed with SIGKILL (no chance to forward anything)
        process.kill()
        process.wait(timeout=10)
        # then the workers exit by themselves and the port stops answering
        _wait_until(lambda: not any(_alive(pid) for pid in workers), 10, "workers gone")
    finally:
        for pid in workers:  # never leave a stray server behind a failed assertion
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)
        _stop(process)
    with pytest.raises(httpx.TransportError):
        httpx.get(f"http://127.0.0.1:{port}/health", timeout=2)


_FAILING_WORKERS = textwrap.dedent("""
    import sys, types
    import gateway.__main__ as cli
    from common.telemetry.logs import configure_logging

    configure_logging("gateway")  # as `serve` does before it starts the workers
    cli._BACKOFF_SECONDS = 0.01
    cli._MAX_FAILURES = 4

    class NeverStarts:  # a server that fails at start-up, like a worker that cannot load
        started = False

        def __init__(self, config):
            pass

        def run(self, sockets=None):
            pass

    config = types.SimpleNamespace(workers=2, host="127.0.0.1", port=int(sys.argv[1]),
                                   gc_young_threshold=0, listen_backlog=64)
    sys.exit(cli._run_workers(NeverStarts, lambda: object(), config))
""")


def test_workers_that_keep_failing_at_start_up_end_the_gateway_with_an_error():
    done = subprocess.run([sys.executable, "-c", _FAILING_WORKERS, str(_free_port())],
                          cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert done.stdout.count("restarting it in") == 3, done.stdout
    assert "4 workers exited within 60 s: giving up" in done.stdout
