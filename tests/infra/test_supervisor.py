"""The dev runner reports and restarts a crashed service, and stops every child on request."""

from __future__ import annotations

import asyncio
import os
import sys

import pytest

from infra.dev.services import Process
from infra.dev.supervisor import Supervisor


async def test_crashed_service_is_reported_and_restarted(
    capsys: pytest.CaptureFixture[str],
) -> None:
    crashing = Process("crashy", (sys.executable, "-c", "print('up'); raise SystemExit(3)"))
    supervisor = Supervisor([crashing], dict(os.environ))
    runner = asyncio.create_task(supervisor.run())
    await asyncio.sleep(2.5)
    supervisor.stop()
    await asyncio.wait_for(runner, 15)
    out = capsys.readouterr().out
    assert "crashy exited with code 3; restarting" in out
    assert out.count("crashy") >= 3  # at least two runs and one report


async def test_stop_terminates_long_running_children(tmp_path) -> None:
    pidfile = tmp_path / "pid"
    script = f"import os, time; open({str(pidfile)!r}, 'w').write(str(os.getpid())); time.sleep(60)"
    supervisor = Supervisor([Process("sleepy", (sys.executable, "-c", script))], dict(os.environ))
    runner = asyncio.create_task(supervisor.run())
    for _ in range(50):
        if pidfile.exists() and pidfile.read_text():
            break
        await asyncio.sleep(0.1)
    pid = int(pidfile.read_text())
    supervisor.stop()
    await asyncio.wait_for(runner, 15)
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
