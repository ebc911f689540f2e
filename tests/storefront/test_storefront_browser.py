"""The storefront in Debian's Chromium against the real platform, its gateway in safelist mode:
a guest browses, searches, scrolls, fills a cart, registers (the cart comes along), pays, and
watches the order turn PAID on the page by itself, then SHIPPED when staff ship it from a second
browser; a declined card shows its failure."""

from __future__ import annotations

import asyncio
import time
import uuid

import pytest

from tests.e2e.conftest import ADMIN
from tests.storefront.conftest import Shop
from tests.storefront.page import StorefrontPage, open_tab

pytestmark = [pytest.mark.slow, pytest.mark.timeout(600)]

CARDS = "document.querySelectorAll('.products > li').length"


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
        first = await page.js("performance.getEntriesByName('catalogue:first-render')[0].startTime")
        print(f"catalogue first render {first:.0f} ms after navigation start")
        await page.shot("catalogue")
        await page.js("window.scrollTo(0, document.body.scrollHeight)")
        assert await page.until(f"{CARDS} > 12 && {CARDS}") > 12
        # When a guest searches and adds the one result to the cart.
        await add_first_result(page, "Aurora", "Aurora Wireless Headphones")
        await page.shot("search-and-add")
        assert await page.text("cart-count") == "1"
        assert await page.js("localStorage.getItem('storefront.guestCartId')")
        # And registers: the guest cart is merged into the new account's.
        await register(page, "Ada Storefront")
        await page.until("localStorage.getItem('storefront.guestCartId') === null")
        await page.until("testid('cart-count') === '1'")
        await page.click("Cart (1)")
        await page.until("document.querySelector('[data-testid=cart-line]')?.textContent"
                         ".includes('Aurora Wireless Headphones')")
        await page.shot("merged-cart")
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
        # When staff ship it from a second browser, the customer's page shows SHIPPED by itself.
        order_id = (await page.js("location.pathname")).rsplit("/", 1)[1]
        await ship_as_admin(shop, tmp_path, order_id)
        await page.until("testid('order-status') === 'SHIPPED'")
        assert await page.js("window.sameDocument === true")
        await page.shot("order-shipped")
        # And the order is in the history.
        await page.click("Orders")
        await page.until("document.querySelector('.orders')?.textContent.includes('SHIPPED')")


async def test_a_declined_card_shows_the_payment_failure_and_preferences_stick(
    shop: Shop, tmp_path
) -> None:
    async with open_tab(shop.url, shop.artefacts, tmp_path / "profile") as page:
        # Given a customer with a speaker in the cart
        await register(page, "Bo Declined")
        await add_first_result(page, "Pulse", "Pulse Bluetooth Speaker")
        # When they pay with the sandbox's declined card
        await page.click("Cart (1)")
        await place_order(page, "Test card that is declined")
        # Then the order page shows the failure and its reason
        await page.until("testid('order-status') === 'PAYMENT FAILED'", seconds=90)
        assert "declined" in (await page.until("testid('payment-failure')")).lower()
        await page.shot("declined")
        # And a changed notification preference is kept (the page reopened from the server).
        await page.click("Notifications")
        email = "field('Email').checked"
        before = await page.until(f"field('Email') && ({email} ? 'on' : 'off')")
        await page.choose("Email")
        after = "off" if before == "on" else "on"
        await page.until(f"({email} ? 'on' : 'off') === {after!r}")
        await page.open("/notifications")
        assert await page.until(f"field('Email') && ({email} ? 'on' : 'off')") == after
        await page.shot("notifications")
