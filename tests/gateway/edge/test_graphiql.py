"""GraphiQL served by the gateway, loaded in headless Chromium: screenshot and a query run.

What needs no browser (the page, its assets, on/off by mode) is in test_graphiql_page.py.
"""

from __future__ import annotations

import json
import struct
import zlib

import pytest

from tests.gateway.edge.browser import CHROMIUM, Browser
from tests.gateway.edge.conftest import token
from tests.strict import require


@pytest.fixture(autouse=True)
def chromium() -> None:
    """These tests need a browser: skipped without Chromium, failed in CI (tests/strict.py)."""
    require(CHROMIUM is not None, "chromium is not installed")

QUERY_EDITOR = "document.querySelector('.graphiql-query-editor .CodeMirror').CodeMirror"
HEADERS_EDITOR = ("document.querySelector('.graphiql-editor-tool .graphiql-editor:not(.hidden) "
                  ".CodeMirror').CodeMirror")
RESULT = "document.querySelector('.result-window .CodeMirror').CodeMirror.getValue()"


def distinct_colours(png: bytes) -> int:
    """How many different pixels an 8-bit RGB(A) PNG has (enough to tell a blank page)."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    chunks, offset = {}, 8
    while offset < len(png):
        length, kind = struct.unpack(">I4s", png[offset:offset + 8])
        chunks.setdefault(kind, b"")
        chunks[kind] += png[offset + 8:offset + 8 + length]
        offset += 12 + length
    width, _height, depth, colour = struct.unpack(">IIBB", chunks[b"IHDR"][:10])
    assert depth == 8 and colour in (2, 6)
    raw = zlib.decompress(chunks[b"IDAT"])
    stride = width * (3 if colour == 2 else 4) + 1
    rows = [raw[i + 1:i + stride] for i in range(0, min(len(raw), stride * 200), stride)]
    # Filtered rows still differ wherever the picture does; a blank page is one or two values.
    return len({row[j:j + 3] for row in rows for j in range(0, len(row), 3)})


async def run_in_editor(browser: Browser, query: str, headers: dict[str, str]) -> dict:
    await browser.evaluate(f"{QUERY_EDITOR}.setValue({json.dumps(query)})")
    await browser.evaluate(f"{HEADERS_EDITOR}.setValue({json.dumps(json.dumps(headers))})")
    await browser.evaluate("document.querySelector('.graphiql-execute-button').click()")
    done = "v.includes('data') || v.includes('errors') ? v : ''"
    text = await browser.wait_for(f"(() => {{ const v = {RESULT}; return {done}; }})()")
    return json.loads(text)


async def test_graphiql_loads_in_chromium_and_runs_a_query_from_its_editor(serve, tmp_path):
    async with serve(graphiql=True) as served, Browser(tmp_path / "profile") as browser:
        await browser.goto(f"{served.url}/graphql")
        await browser.wait_for("document.querySelector('.graphiql-container') !== null")
        await browser.wait_for(f"{QUERY_EDITOR} !== undefined")
        png = await browser.screenshot(tmp_path / "graphiql.png")
        anonymous = await run_in_editor(browser, '{ product(id: "p1") { name cost } }', {})
        signed_in = await run_in_editor(browser, '{ product(id: "p1") { name cost } }',
                                        {"Authorization": f"Bearer {token()}"})
    assert (tmp_path / "graphiql.png").stat().st_size > 10_000
    assert distinct_colours(png) > 10
    assert anonymous["data"] == {"product": {"name": "Product p1", "cost": None}}
    assert anonymous["errors"][0]["extensions"]["code"] == "UNAUTHORIZED_FIELD_OR_TYPE"
    assert signed_in == {"data": {"product": {"name": "Product p1", "cost": 60}}}
