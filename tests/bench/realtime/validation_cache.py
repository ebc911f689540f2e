"""CPU per request of the payments subgraph's entity fetch (the gateway's `payment { status }`
join on every order event) with and without the kit's parse and validation caches (issue 17).

In-process, no I/O: ``.venv/bin/python tests/bench/realtime/validation_cache.py [--requests N]``.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))

from strawberry.extensions import ParserCache, ValidationCache

from subgraphs.payments.graphql.schema import schema

FETCH = """query($representations: [_Any!]!) { _entities(representations: $representations) {
    ... on Order { payment { status } } } }"""


async def cpu_ms(requests: int) -> float:
    await schema.execute(FETCH, variable_values={"representations": []})  # warm
    began = time.process_time()
    for _ in range(requests):
        result = await schema.execute(FETCH, variable_values={"representations": []})
        assert result.errors is None, result.errors
    return (time.process_time() - began) * 1000 / requests


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=500)
    requests = parser.parse_args().requests
    cached = schema.extensions
    caches = (ParserCache, ValidationCache)
    schema.extensions = [e for e in cached if isinstance(e, type) or not isinstance(e(), caches)]
    print(f"without caches: {asyncio.run(cpu_ms(requests)):.3f} ms CPU per request")
    schema.extensions = cached
    print(f"with caches:    {asyncio.run(cpu_ms(requests)):.3f} ms CPU per request")


if __name__ == "__main__":
    main()
