"""CPU per service in the shop benchmark (tests/bench/shop): never negative and never shrinking
when processes come and go in a step (PostgreSQL backends, gateway workers, threads)."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import textwrap

import pytest

from tests.bench.shop.cpu import SCALAR, tree_times
from tests.bench.shop.ledger import CpuLedger

pytestmark = pytest.mark.timeout(30)

STEP_START = 1000  # clock ticks since boot


def test_a_backend_that_disconnects_mid_step_keeps_what_it_used() -> None:
    # Summing live backends at the start (15 s) and at the end (12 s) said -3 s.
    ledger = CpuLedger(STEP_START)
    ledger.add({"postgres": {(10, 500): 10.0, (11, 600): 5.0}})
    ledger.add({"postgres": {(10, 500): 11.0, (11, 600): 7.0}})
    ledger.add({"postgres": {(10, 500): 12.0}})
    assert ledger.used() == {"postgres": 4.0}


def test_a_process_started_in_the_step_counts_whole_and_an_older_one_from_first_sight() -> None:
    ledger = CpuLedger(STEP_START)
    ledger.add({"postgres": {}})
    ledger.add({"postgres": {(20, STEP_START + 5): 0.5, (21, 700): 30.0}})
    ledger.add({"postgres": {(20, STEP_START + 5): 2.0, (21, 700): 31.0}})
    assert ledger.used() == {"postgres": 3.0}


def test_a_reused_pid_is_another_process() -> None:
    ledger = CpuLedger(STEP_START)
    ledger.add({"gateway": {(30, 800): 50.0}})
    ledger.add({"gateway": {(30, 800): 52.0}})
    ledger.add({"gateway": {(30, STEP_START + 9): 1.0}})  # the old one exited, its pid reused
    assert ledger.used() == {"gateway": 3.0}


def test_scalar_counters_count_their_growth() -> None:
    ledger = CpuLedger(STEP_START)
    ledger.add({"machine": {SCALAR: 100.0}})
    ledger.add({"machine": {SCALAR: 104.5}})
    assert ledger.used() == {"machine": 4.5}


def test_totals_never_go_negative_or_shrink_whatever_processes_come_and_go() -> None:
    rng = random.Random(7)
    for _ in range(200):
        ledger, alive, spent, last = CpuLedger(STEP_START), {}, {}, 0.0
        for tick in range(12):
            for key in list(alive):
                if rng.random() < 0.2:
                    del alive[key]  # exits
            if rng.random() < 0.4:
                started = rng.choice([STEP_START - 50, STEP_START + tick + 1])
                alive[(rng.randrange(5), started)] = True  # pids get reused
            for key in alive:
                spent[key] = spent.get(key, rng.random() * 9) + rng.random()
            ledger.add({"svc": {key: spent[key] for key in alive}})
            total = ledger.used()["svc"]
            assert total >= last >= 0.0
            last = total


BURN_THEN_REAP = textwrap.dedent("""
    import os, signal, sys, time
    child = os.fork()
    if child == 0:
        start = time.process_time()
        while time.process_time() - start < 0.3:
            pass
        print("burnt", os.getpid(), flush=True)
        time.sleep(600)
        os._exit(0)
    os.waitpid(child, 0)
    print("reaped", flush=True)
    time.sleep(600)
""")


def test_a_tree_keeps_the_seconds_of_a_worker_that_exited() -> None:
    # Live processes alone: the worker's 0.3 s vanished from the gateway's column on its exit.
    parent = subprocess.Popen([sys.executable, "-c", BURN_THEN_REAP], stdout=subprocess.PIPE,
                              text=True)
    try:
        assert parent.stdout is not None
        word, worker = parent.stdout.readline().split()
        assert word == "burnt"
        [before] = tree_times(parent.pid).values()
        os.kill(int(worker), signal.SIGTERM)
        assert parent.stdout.readline().strip() == "reaped"
        [after] = tree_times(parent.pid).values()
    finally:
        parent.kill()
        parent.wait()
    assert before >= 0.25
    assert after >= before
