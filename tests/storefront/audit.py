"""An accessibility audit of the page a test is on: axe-core (the storefront's npm dev
dependency, from its lock file) injected into Chromium, WCAG 2.x A and AA rules."""

from __future__ import annotations

import json

from infra.dev.storefront import APP
from tests.storefront.page import StorefrontPage

__all__ = ["BLOCKING", "serious_violations"]

AXE = APP / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = ("serious", "critical")
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


async def serious_violations(page: StorefrontPage) -> list[str]:
    """One line per serious or critical violation on the page now (rule, impact, elements)."""
    if not await page.js("typeof window.axe === 'object'"):
        await page.browser.evaluate(AXE.read_text())
    found = await page.browser.evaluate(
        f"axe.run(document, {{runOnly: {{type: 'tag', values: {json.dumps(TAGS)}}},"
        " resultTypes: ['violations']}).then((r) => r.violations.map((v) => ({id: v.id,"
        " impact: v.impact, help: v.help, targets: v.nodes.map((n) => n.target.join(' '))})))")
    return [f"{v['id']} ({v['impact']}): {v['help']} at {', '.join(v['targets'][:5])}"
            for v in found if v["impact"] in BLOCKING]
