"""Serving tunes the collector: a higher young threshold, start-up objects frozen out of it."""

from __future__ import annotations

import gc

from common.gc_tuning import tune_for_serving
from gateway.config import GatewayConfig


def test_serving_raises_the_young_threshold_and_freezes_what_start_up_built(restored_gc):
    # given the default configuration and objects alive from start-up
    kept = [{"n": i} for i in range(1000)]
    # when the server tunes the collector
    tune_for_serving(GatewayConfig().gc_young_threshold)
    # then young collections are rarer and start-up objects are out of every collection
    assert gc.get_threshold()[0] == 50_000
    assert gc.get_freeze_count() >= len(kept)


def test_zero_keeps_pythons_thresholds(restored_gc):
    before = gc.get_threshold()
    tune_for_serving(0)
    assert gc.get_threshold() == before


def test_the_threshold_is_a_configuration_option(monkeypatch):
    monkeypatch.setenv("GATEWAY_GC_YOUNG_THRESHOLD", "0")
    assert GatewayConfig.load(None).gc_young_threshold == 0
