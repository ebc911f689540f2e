"""The JS composers (The Guild's and Apollo's) behind one node process, one set per line."""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import IO

from gateway.composition import SubgraphSource

__all__ = ["COMPOSERS", "ComposerProcess", "compose_all"]

COMPOSERS = ("guild", "apollo")
SCRIPT = Path(__file__).parent / "node" / "compose.cjs"


def _request(sources: Iterable[SubgraphSource], composers: tuple[str, ...]) -> str:
    subgraphs = [{"name": s.name, "url": s.url, "sdl": s.sdl} for s in sources]
    return json.dumps({"composers": list(composers), "subgraphs": subgraphs}) + "\n"


def compose_all(node_path: Path, batch: list[list[SubgraphSource]],
                composers: tuple[str, ...] = COMPOSERS) -> list[dict[str, dict]]:
    """Every set of a batch, composed by each composer named, in one node run."""
    done = subprocess.run(["node", str(SCRIPT)], input="".join(_request(s, composers)
                                                              for s in batch),
                          env=os.environ | {"NODE_PATH": str(node_path)}, capture_output=True,
                          text=True, timeout=600, check=True)
    return [json.loads(line) for line in done.stdout.splitlines()]


class ComposerProcess:
    """A long-lived node process: `compose()` sends one set and waits for its answer, so a
    property test can ask per example without paying node's start-up each time."""

    def __init__(self, node_path: Path) -> None:
        self._stderr: IO[str] = tempfile.TemporaryFile("w+")
        self._process = subprocess.Popen(
            ["node", str(SCRIPT)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=self._stderr, text=True, env=os.environ | {"NODE_PATH": str(node_path)})

    def compose(self, sources: list[SubgraphSource],
                composers: tuple[str, ...] = COMPOSERS) -> dict[str, dict]:
        """`{composer: {"supergraph": sdl} | {"errors": [...], "codes": [...]}}`."""
        self.send(sources, composers)
        return self.receive()

    def send(self, sources: list[SubgraphSource],
             composers: tuple[str, ...] = COMPOSERS) -> None:
        """Ask for one set; node composes it while the caller does something else."""
        assert self._process.stdin is not None
        self._process.stdin.write(_request(sources, composers))
        self._process.stdin.flush()

    def receive(self) -> dict[str, dict]:
        """The answer to the oldest set sent and not yet received."""
        assert self._process.stdout is not None
        line = self._process.stdout.readline()
        if not line:
            self._stderr.seek(0)
            raise RuntimeError(f"the composer process died: {self._stderr.read()[-2000:]}")
        return json.loads(line)

    def close(self) -> None:
        if self._process.stdin is not None:
            self._process.stdin.close()
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._process.kill()
        self._stderr.close()
