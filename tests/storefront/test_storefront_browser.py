"""The storefront in Debian's Chromium against the real platform, its gateway in safelist mode:
a guest browses, searches, scrolls, fills a cart, registers (the cart comes along), pays, and
watches the order turn PAID on the page by itself, then SHIPPED when staff ship it from a second
browser; a declined card shows its failure and the stock comes back. Every page passes an axe-core
audit (no serious or critical WCAG A/AA violation); the session survives a reload through the
refresh token, and signing out revokes it."""

from __future__ import annotations

import asyncio
import json
import statistics
import time
import uuid

import pytest

from infra.dev import storefront
from infra.dev.services import ROOT
from tests.e2e.conftest import ADMIN
from tests.storefront.audit import serious_violations
from tests.storefront.conftest import ACCESS_TOKEN_TTL, Shop
from tests.storefront.page import StorefrontPage, open_tab

pytestmark = [pytest.mark.slow, pytest.mark.timeout(600)]

CARDS = "document.querySelectorAll('.products > li').length"
STORED_SESSION = "JSON.parse(sessionStorage.getItem('storefront.session') || 'null')"
MANIFEST = json.loads((ROOT / "schema" / "persisted-query-manifest.json").read_text())
OPERATION_IDS = {op["name"]: op["id"] for op in MANIFEST["operations"]}


FOCUS_RING = "getComputedStyle(document.activeElement).outlineStyle"


def units(stock: str) -> int:
    """The number of '12 in stock' (0 for 'Out of stock')."""
    return int(stock.split()[0]) if stock[0].isdigit() else 0


async def press_tab(page: StorefrontPage) -> None:
    for kind in ("keyDown", "keyUp"):
        await page.browser.send("Input.dispatchKeyEvent", type=kind, key="Tab", code="Tab",
                                windowsVirtualKeyCode=9)


async def assert_accessible(page: StorefrontPage, name: str) -> None:
    violations = await serious_violations(page)
    assert not violations, f"{name} page:\n" + "\n".join(violations)


async def refresh_with(page: StorefrontPage, refresh_token: str) -> dict:
    """The gateway's answer to RefreshSession (the app's persisted operation) for a token."""
    request = {"operationName": "RefreshSession", "variables": {"refreshToken": refresh_token},
               "extensions": {"persistedQuery": {"version": 1,
                                                 "sha256Hash": OPERATION_IDS["RefreshSession"]}}}
    return await page.js(
        "fetch(window.__STOREFRONT__.graphqlUrl, {method: 'POST', headers: {'content-type':"
        f" 'application/json'}}, body: JSON.stringify({json.dumps(request)})}})"
        ".then((r) => r.json())")


async def register(page: StorefrontPage, name: str) -> None:
    await page.click("Register")
    await page.fill("Full name", name)
    await page.fill("Email", f"{uuid.uuid4().hex[:10]}@shop.test")
    await page.fill("Password", "correct-horse-42")
    await page.click("Create account")
    await page.until(f"document.querySelector('.who')?.textContent.includes({name!r})")


async def add_first_result(page: StorefrontPage, search: str, product: str) -> None:
    await page.open("/")
    await page.fill("Search products", search)
    await page.until(f"{CARDS} === 1 && document.querySelector('.products').textContent"
                     f".includes({product!r})")
    await page.click(f"Add {product} to cart")
    await page.until("document.body.textContent.includes('Added to cart')")


async def place_order(page: StorefrontPage, card: str = "Visa test card (succeeds)") -> None:
    await page.click("Checkout")
    await page.choose(card)
    await assert_accessible(page, "checkout")
    await page.click("Place order")


async def ship_as_admin(shop: Shop, tmp_path, order_id: str) -> None:
    tab = open_tab(shop.url, shop.artefacts, tmp_path / "admin-profile", "/login?next=/admin")
    async with tab as admin:
        form = {"Email": ADMIN[0], "Password": ADMIN[1]}
        for label, value in form.items():
            await admin.fill(label, value)
        await admin.js("document.querySelector('form.account button[type=submit]').click()")
        form = {"Order id": order_id, "Tracking number": "TRACK-STOREFRONT-1"}
        for label, value in form.items():
            await admin.fill(label, value)
        await admin.click("Ship order")
        assert await admin.until("testid('shipped-status')") == "SHIPPED"
        await admin.shot("admin-shipped")


async def test_a_guest_buys_and_watches_the_order_turn_paid_then_shipped_without_reload(
    shop: Shop, tmp_path
) -> None:
    async with open_tab(shop.url, shop.artefacts, tmp_path / "profile") as page:
        # Given the catalogue, first page of the Relay connection, then more on scrolling.
        await page.until(f"{CARDS} === 12")
        renders = []
        for _ in range(5):  # a fresh document each time: navigation start to first card row
            await page.open("/")
            await page.until(f"{CARDS} === 12")
            renders.append(await page.js(
                "performance.getEntriesByName('catalogue:first-render')[0].startTime"))
        print(f"catalogue first render: median {statistics.median(renders):.0f} ms after "
              f"navigation start (of {', '.join(f'{r:.0f}' for r in renders)} ms)")
        print("production bundle: " + ", ".join(
            f"{name} {raw / 1000:.1f} kB ({gz / 1000:.1f} kB gzipped)"
            for name, (raw, gz) in storefront.bundle_sizes().items()))
        await page.shot("catalogue")
        await assert_accessible(page, "catalogue")
        # (the audit does see a violation: an unlabelled field added for a moment)
        await page.js("document.querySelector('main').insertAdjacentHTML('beforeend',"
                      " '<input id=\"unlabelled\">')")
        assert any(v.startswith("label ") for v in await serious_violations(page))
        await page.js("document.getElementById('unlabelled').remove()")
        # A keyboard user: the first Tab reaches the skip link, visibly focused, which leads to
        # the page's content; Tab then walks the controls, each with a visible focus ring.
        await page.js("document.activeElement?.blur(), window.scrollTo(0, 0)")
        await press_tab(page)
        assert await page.js("document.activeElement.textContent") == "Skip to content"
        assert await page.js(FOCUS_RING) != "none"
        await page.browser.send("Input.dispatchKeyEvent", type="keyDown", key="Enter",
                                code="Enter", windowsVirtualKeyCode=13)
        await page.browser.send("Input.dispatchKeyEvent", type="keyUp", key="Enter",
                                code="Enter", windowsVirtualKeyCode=13)
        assert await page.until("location.hash === '#main' && document.activeElement.id")
        for _ in range(3):
            await press_tab(page)
            assert await page.js(FOCUS_RING) != "none", await page.js(
                "document.activeElement.outerHTML.slice(0, 120)")
        await page.js("window.scrollTo(0, document.body.scrollHeight)")
        assert await page.until(f"{CARDS} > 12 && {CARDS}") > 12
        # The category filter offers the catalogue's own categories (from the API) and narrows
        # the list to the chosen one.
        options = await page.until("field('Category').options.length > 2 && "
                                   "[...field('Category').options].slice(1).map((o) => o.value)")
        assert options == sorted(options, key=str.lower) and "Electronics" in options
        await page.fill("Category", "Electronics")
        await page.until("[...document.querySelectorAll('.products .card .muted')].length > 0 && "
                         "[...document.querySelectorAll('.products .card .muted')]"
                         ".every((c) => c.textContent === 'Electronics')")
        await page.fill("Category", "")
        # When a guest searches and adds the one result to the cart.
        await add_first_result(page, "Aurora", "Aurora Wireless Headphones")
        await page.shot("search-and-add")
        assert await page.text("cart-count") == "1"
        aurora = await page.js("document.querySelector('.products h2 a').getAttribute('href')")
        await page.open(aurora)
        stock_before = units(await page.until("testid('stock')"))
        assert await page.until("testid('cart-count') === '1'")
        assert await page.js("localStorage.getItem('storefront.guestCartId')")
        # And registers: the guest cart is merged into the new account's.
        await register(page, "Ada Storefront")
        signed_in = time.monotonic()
        await page.until("localStorage.getItem('storefront.guestCartId') === null")
        await page.until("testid('cart-count') === '1'")
        await page.click("Cart (1)")
        await page.until("document.querySelector('[data-testid=cart-line]')?.textContent"
                         ".includes('Aurora Wireless Headphones')")
        await page.shot("merged-cart")
        await assert_accessible(page, "cart")
        # The session: the access token in memory only, the refresh token in sessionStorage.
        stored = await page.js(STORED_SESSION)
        assert stored["refreshToken"] and "token" not in stored
        assert await page.js("localStorage.getItem('storefront.session')") is None
        # And checks out with pm_card_visa while payments is down, so PENDING must show first.
        await asyncio.to_thread(shop.platform.kill, "payments")
        await place_order(page)
        assert await page.until("document.querySelector('[data-testid=order-status]')"
                                "?.textContent") == "PENDING"
        await page.js("window.sameDocument = true")
        await page.shot("order-pending")
        # Then, payments back, PAID arrives through the subscription: same document, no reload.
        started = time.monotonic()
        await asyncio.to_thread(shop.platform.restart, "payments")
        await page.until("testid('order-status') === 'PAID'", seconds=90)
        print(f"PAID on the page {time.monotonic() - started:.1f}s after payments restarted")
        await page.until("testid('payment-status') === 'SUCCEEDED'", seconds=30)
        assert await page.js("window.sameDocument === true")
        await page.shot("order-paid")
        await assert_accessible(page, "order")
        # When staff ship it from a second browser, the customer's page shows SHIPPED by itself.
        order_id = (await page.js("location.pathname")).rsplit("/", 1)[1]
        await ship_as_admin(shop, tmp_path, order_id)
        await page.until("testid('order-status') === 'SHIPPED'")
        assert await page.js("window.sameDocument === true")
        await page.shot("order-shipped")
        # And the order is in the history.
        # And once the access token (60 s here) is within 30 s of its end, the next request
        # refreshes it first, in the same document: the refresh token has rotated.
        registered = (await page.js(STORED_SESSION))["refreshToken"]
        await asyncio.sleep(max(0.0, ACCESS_TOKEN_TTL - 30 + 1 - (time.monotonic() - signed_in)))
        await page.click("Orders")
        await page.until("document.querySelector('.orders')?.textContent.includes('SHIPPED')")
        assert await page.until(f"{STORED_SESSION}.refreshToken !== {registered!r}")
        assert await page.js("window.sameDocument === true")
        await assert_accessible(page, "order history")
        # And the product page shows the unit sold (so a decline's unit coming back is visible).
        await page.open(aurora)
        assert units(await page.until("testid('stock')")) == stock_before - 1


async def test_a_declined_card_gives_the_stock_back_and_the_session_outlives_a_reload(
    shop: Shop, tmp_path
) -> None:
    async with open_tab(shop.url, shop.artefacts, tmp_path / "profile") as page:
        # Given a customer with a speaker in the cart, and the speaker's stock on its page
        await register(page, "Bo Declined")
        await add_first_result(page, "Pulse", "Pulse Bluetooth Speaker")
        product = await page.js("document.querySelector('.products h2 a').getAttribute('href')")
        await page.open(product)
        before = await page.until("testid('stock')")
        await assert_accessible(page, "product")
        # When they pay with the sandbox's declined card
        await page.click("Cart (1)")
        await place_order(page, "Test card that is declined")
        # Then the order page shows the failure and its reason
        await page.until("testid('order-status') === 'PAYMENT FAILED'", seconds=90)
        assert "declined" in (await page.until("testid('payment-failure')")).lower()
        await page.shot("declined")
        await assert_accessible(page, "failed order")
        # And the reserved unit is back in stock, read on the product page (a new document).
        await page.open(product)
        stock = await page.until(f"testid('stock') === {before!r} && testid('stock')", seconds=60)
        assert stock == before, f"stock {stock!r} after the decline, {before!r} before"
        await page.shot("stock-back")
        # And a changed notification preference is kept (the page reopened from the server):
        # the reload lost the in-memory access token, the refresh token (rotated) renewed it.
        await page.click("Notifications")
        email = "field('Email').checked"
        before = await page.until(f"field('Email') && ({email} ? 'on' : 'off')")
        await page.choose("Email")
        after = "off" if before == "on" else "on"
        await page.until(f"({email} ? 'on' : 'off') === {after!r}")
        spent = (await page.js(STORED_SESSION))["refreshToken"]
        await page.open("/notifications")
        assert await page.until(f"field('Email') && ({email} ? 'on' : 'off')") == after
        assert await page.until(f"{STORED_SESSION}?.refreshToken !== {spent!r}")
        await page.shot("notifications")
        # When they sign out, the refresh token they held is revoked on the server.
        held = (await page.js(STORED_SESSION))["refreshToken"]
        await page.click("Sign out")
        # (signed out on the page at once; the app goes to / once users answered the logout)
        await page.until(f"{STORED_SESSION} === null && !!control('Sign in')"
                         " && location.pathname === '/'")
        answer = await refresh_with(page, held)
        assert answer.get("data") is None, answer
        assert answer["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED", answer
