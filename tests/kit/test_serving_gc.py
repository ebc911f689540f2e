"""A subgraph serves with the collector tuned: the young threshold from its settings, and what
start-up built (the app, its schema) frozen out of collection before the server starts."""

from __future__ import annotations

import argparse
import gc

from subgraphs.kit import cli
from subgraphs.kit.settings import ServiceSettings


def _serve_recording(monkeypatch, env: dict[str, str]) -> dict[str, object]:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    seen: dict[str, object] = {}

    def run(app, **options):  # stands in for uvicorn.run: what the collector looks like then
        seen["threshold"] = gc.get_threshold()[0]
        seen["frozen"] = gc.get_freeze_count()
        seen["app"] = app

    monkeypatch.setattr("uvicorn.run", run)
    app = {"built": [object() for _ in range(500)]}
    spec = cli.ServiceSpec(name="gcprobe", port=5999, settings_cls=ServiceSettings,
                           migrations_dir=None, build_app=lambda settings: app,
                           schema=lambda: None)
    cli._serve(spec, argparse.Namespace(port=None, host=None))
    assert seen["app"] is app
    return seen


def test_serving_raises_the_young_threshold_and_freezes_the_built_app(monkeypatch, restored_gc):
    seen = _serve_recording(monkeypatch, {})
    assert seen["threshold"] == 50_000
    assert seen["frozen"] >= 500


def test_the_threshold_is_a_per_service_setting(monkeypatch, restored_gc):
    before = gc.get_threshold()[0]
    seen = _serve_recording(monkeypatch, {"GCPROBE_GC_YOUNG_THRESHOLD": "0"})
    assert seen["threshold"] == before
