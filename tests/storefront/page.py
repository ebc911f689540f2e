"""The storefront as a user sees it: fields by label, buttons by name, text by test id."""

from __future__ import annotations

import contextlib
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from tests.gateway.edge.browser import Browser

__all__ = ["StorefrontPage", "open_tab"]

# DOM helpers: React listens for the native input event, so values go through the setter.
_PRELUDE = """
const field = (label) => [...document.querySelectorAll('label')]
  .find((l) => l.textContent.trim().startsWith(label))?.querySelector('input, select');
const control = (name) => [...document.querySelectorAll('button, a')]
  .find((b) => b.getAttribute('aria-label') === name || b.textContent.trim() === name);
const testid = (id) => document.querySelector(`[data-testid="${id}"]`)?.textContent.trim() ?? null;
const fill = (el, value) => {
  const proto = el instanceof HTMLSelectElement ? HTMLSelectElement : HTMLInputElement;
  Object.getOwnPropertyDescriptor(proto.prototype, 'value').set.call(el, value);
  const kind = el instanceof HTMLSelectElement ? 'change' : 'input';
  el.dispatchEvent(new Event(kind, {bubbles: true}));
};
"""


class StorefrontPage:
    """One browser tab on the storefront; every wait polls the DOM until a deadline."""

    def __init__(self, browser: Browser, base: str, artefacts: Path) -> None:
        self.browser, self.base, self.artefacts = browser, base, artefacts
        self.shots = 0

    async def js(self, expression: str) -> Any:
        return await self.browser.evaluate(f"(() => {{ {_PRELUDE} return ({expression}); }})()")

    async def until(self, expression: str, seconds: float = 60) -> Any:
        return await self.browser.wait_for(
            f"(() => {{ {_PRELUDE} try {{ return ({expression}); }} catch {{ return null; }} }})()",
            seconds)

    async def open(self, path: str = "/") -> None:
        await self.browser.goto(self.base + path)
        await self.until("document.readyState === 'complete' && !!document.querySelector('main')")

    async def fill(self, label: str, value: str) -> None:
        await self.until(f"!!field({json.dumps(label)})")
        await self.js(f"fill(field({json.dumps(label)}), {json.dumps(value)})")

    async def choose(self, label: str) -> None:
        """Click the checkbox or radio button labelled ``label`` once it is on the page."""
        await self.until(f"!!field({json.dumps(label)})")
        await self.js(f"field({json.dumps(label)}).click()")

    async def click(self, name: str) -> None:
        await self.until(f"!!control({json.dumps(name)}) && !control({json.dumps(name)}).disabled")
        await self.js(f"control({json.dumps(name)}).click()")

    async def text(self, testid: str) -> str | None:
        return await self.js(f"testid({json.dumps(testid)})")

    async def shot(self, name: str) -> Path:
        self.shots += 1
        path = self.artefacts / f"{self.shots:02d}-{name}.png"
        await self.browser.screenshot(path)
        return path


@contextlib.asynccontextmanager
async def open_tab(base: str, artefacts: Path, profile: Path,
                   path: str = "/") -> AsyncIterator[StorefrontPage]:
    """A fresh Chromium (its own profile: a second browser context) showing ``path``."""
    async with Browser(profile) as browser:
        page = StorefrontPage(browser, base, artefacts)
        await page.open(path)
        yield page
