"""Crash points for the chaos suite: SIGKILL this process at a named moment, when armed.

A crash point is a named line in the code between a side effect and the commit that records it
(``payments.charged``: the provider charged, the payment row is not committed). It does nothing
unless ``FAULT_INJECTION_DIR`` names a directory, which only ``ENVIRONMENT=test`` accepts; a
test arms a point by creating the file ``<dir>/<point>`` and the first process to reach the
point removes that file (so exactly one process dies, once) and kills itself with SIGKILL: no
``finally``, no rollback, no offset commit, as when the machine loses power.
"""

from __future__ import annotations

import os
import signal
from functools import cache
from pathlib import Path
from typing import Literal, Self

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["FaultSettings", "arm", "crash_point", "fault_settings"]


class FaultSettings(BaseSettings):
    """Read from ``FAULT_INJECTION_DIR`` and ``ENVIRONMENT``; refused outside tests."""

    model_config = SettingsConfigDict(extra="ignore")

    environment: Literal["dev", "test", "production"] = Field(
        "dev", description="Crash points may be enabled only when this is `test`."
    )
    fault_injection_dir: Path | None = Field(
        None, description="Directory whose files arm crash points (tests only); unset = off."
    )

    @model_validator(mode="after")
    def _tests_only(self) -> Self:
        if self.fault_injection_dir is not None and self.environment != "test":
            raise ValueError("FAULT_INJECTION_DIR is a test setting: needs ENVIRONMENT=test")
        return self


@cache
def fault_settings() -> FaultSettings:
    """The process's fault settings, read once (a refused setting fails at first use)."""
    return FaultSettings()


def crash_point(name: str) -> None:
    """SIGKILL this process if ``name`` is armed (see the module docstring); else nothing."""
    directory = fault_settings().fault_injection_dir
    if directory is None:
        return
    try:
        (directory / name).unlink()  # only one process wins the unlink: one crash per arming
    except FileNotFoundError:
        return
    os.kill(os.getpid(), signal.SIGKILL)


def arm(directory: Path, name: str) -> Path:
    """Arm crash point ``name`` for processes whose ``FAULT_INJECTION_DIR`` is ``directory``."""
    path = directory / name
    path.touch()
    return path
