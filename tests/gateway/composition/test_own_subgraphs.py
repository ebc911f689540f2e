"""Our own subgraphs compose, identically to @theguild/federation-composition."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from gateway.composition import SubgraphSource, compose
from tests.strict import require

from .harness import normalise, oracle

ROOT = Path(__file__).resolve().parents[3]
DOMAINS = sorted(p.name for p in (ROOT / "subgraphs").iterdir()
                 if (p / "__main__.py").is_file() and p.name != "kit")


def _sdl(name: str) -> str:
    done = subprocess.run([sys.executable, "-m", f"subgraphs.{name}", "sdl"], cwd=ROOT,
                          capture_output=True, text=True, timeout=120, check=True)
    return done.stdout


@pytest.fixture(scope="module")
def own_sources() -> list[SubgraphSource]:
    require(bool(DOMAINS), "no subgraph packages found")
    return [SubgraphSource(n, f"http://127.0.0.1/{n}", _sdl(n)) for n in DOMAINS]


def _as_v29(source: SubgraphSource) -> SubgraphSource:
    # @theguild/federation-composition 0.27 stops at federation v2.9; v2.10 and v2.11 add
    # nothing our subgraphs use, so the oracle composes them linked as v2.9.
    sdl, spec = source.sdl, "https://specs.apollo.dev/federation/"
    for minor in ("v2.10", "v2.11"):
        sdl = sdl.replace(spec + minor, spec + "v2.9")
    return SubgraphSource(source.name, source.url, sdl)


def test_our_subgraphs_compose(own_sources: list[SubgraphSource]) -> None:
    result = compose(own_sources)
    assert result.supergraph is not None, "\n".join(map(str, result.errors))


@pytest.mark.differential
def test_our_subgraphs_compose_like_the_guild(own_sources: list[SubgraphSource],
                                               js_oracle: None) -> None:
    sources = [_as_v29(s) for s in own_sources]
    ours, theirs = compose(sources), oracle(sources)
    assert "errors" not in theirs, theirs
    assert ours.supergraph is not None
    assert normalise(ours.supergraph) == normalise(theirs["supergraph"])
