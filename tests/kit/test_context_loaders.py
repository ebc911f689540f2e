"""Per-request DataLoaders: loads in one tick become one batch; requests never share one."""

from __future__ import annotations

import asyncio

from subgraphs.kit.context import RequestContext


async def test_loads_in_one_tick_are_one_batch_in_input_order() -> None:
    # given a context and a batch function that records its calls
    calls: list[list[str]] = []

    async def load(keys: list[str]) -> list[str]:
        calls.append(keys)
        return [key.upper() for key in keys]

    context = RequestContext("s" * 32, {})
    # when three loads (one repeated) happen at once through the named loader
    loader = context.loader("things", load)
    results = await asyncio.gather(loader.load("b"), loader.load("a"), loader.load("b"))
    # then one batch answered, in order, and the same loader is handed out again
    assert results == ["B", "A", "B"]
    assert calls == [["b", "a"]]
    assert context.loader("things", load) is loader


async def test_requests_never_share_a_loader() -> None:
    async def load(keys: list[str]) -> list[str]:
        return keys

    first, second = RequestContext("s" * 32, {}), RequestContext("s" * 32, {})
    assert first.loader("things", load) is not second.loader("things", load)
