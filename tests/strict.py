"""Skip for a missing tool on a developer's machine, fail for it in CI (``CI=true``).

A differential, browser, contract or chaos test that skips in CI passes without proving
anything, so there a missing tool (node, Chromium, the PostgreSQL binaries...) is an error.
"""

from __future__ import annotations

import importlib
import os
from types import ModuleType

import pytest

__all__ = ["in_ci", "require", "require_module", "skip_or_fail"]


def in_ci() -> bool:
    """True when the ``CI`` environment variable says so (``true`` or ``1``, any case)."""
    return os.environ.get("CI", "").strip().lower() in ("true", "1")


def skip_or_fail(reason: str) -> None:
    """Skip the test, or fail it when running in CI."""
    if in_ci():
        pytest.fail(f"CI=true, so this cannot be skipped: {reason}", pytrace=False)
    pytest.skip(reason, allow_module_level=True)


def require(condition: bool, reason: str) -> None:
    """Carry on when ``condition`` holds; else :func:`skip_or_fail` with ``reason``."""
    if not condition:
        skip_or_fail(reason)


def require_module(name: str, reason: str) -> ModuleType:
    """``pytest.importorskip`` that fails in CI."""
    try:
        return importlib.import_module(name)
    except ImportError as exc:
        skip_or_fail(f"{reason} ({exc})")
        raise  # unreachable: skip_or_fail always raises
