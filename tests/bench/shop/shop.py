"""The shop's virtual users and what they send: the storefront's own operations, by their
persisted-manifest hash (as storefront/src/apollo/persisted.ts does), each user with its own
token, products drawn by Zipf popularity."""

from __future__ import annotations

import asyncio
import json
import random
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from tests.bench.shop.load import MIX, Sample, ZipfSampler, arrival_offsets, weighted

__all__ = ["Manifest", "Shop", "VirtualUser"]

CARD = "pm_card_visa"  # the payments sandbox's succeeding test card
TIMEOUT = 10.0
# within a class, which page or action (the storefront's screens)
CATALOGUE = weighted({"CatalogueProducts": 0.4, "ProductPage": 0.6})
CART = weighted({"CartView": 0.5, "AddCartItem": 0.35, "SetCartItemQuantity": 0.1,
                 "RemoveCartItem": 0.05})
ACCOUNT = weighted({"Viewer": 0.4, "OrderHistory": 0.4, "OrderDetail": 0.2})
SORTS = ["PRICE_ASC", "PRICE_DESC", "NAME_ASC", "NEWEST", None]
SEARCHES = ["wireless", "cotton", "guide", "bench", "lamp"]


class Manifest:
    """Operation name -> persisted id, from schema/persisted-query-manifest.json."""

    def __init__(self, path: Path) -> None:
        operations = json.loads(path.read_text())["operations"]
        self.ids = {op["name"]: op["id"] for op in operations}

    def body(self, name: str, variables: dict[str, Any]) -> dict[str, Any]:
        extensions = {"persistedQuery": {"version": 1, "sha256Hash": self.ids[name]}}
        return {"operationName": name, "variables": variables, "extensions": extensions}


@dataclass
class VirtualUser:
    token: str
    cart: dict[str, int] = field(default_factory=dict)  # product id -> quantity, as last seen
    orders: list[str] = field(default_factory=list)
    busy: bool = False  # one request at a time, like a person on one page


@dataclass
class Shop:
    """Sends the mix at a constant rate to one gateway and collects samples."""

    url: str
    manifest: Manifest
    users: list[VirtualUser]
    products: list[str]  # ordered by popularity (Zipf rank 0 first)
    categories: list[str]
    rng: random.Random = field(default_factory=lambda: random.Random(22))
    samples: list[Sample] = field(default_factory=list)
    lags: list[float] = field(default_factory=list)  # how late each request left (generator)

    def __post_init__(self) -> None:
        self.zipf = ZipfSampler(len(self.products))
        self.mix = weighted(MIX)
        limits = httpx.Limits(max_connections=2000, max_keepalive_connections=2000)
        self.client = httpx.AsyncClient(timeout=TIMEOUT, limits=limits)

    async def close(self) -> None:
        await self.client.aclose()

    async def post(self, name: str, variables: dict[str, Any], token: str | None) -> Any:
        headers = {"authorization": f"Bearer {token}"} if token else {}
        response = await self.client.post(self.url, json=self.manifest.body(name, variables),
                                          headers=headers)
        body = response.json()
        if response.status_code != 200 or body.get("errors"):
            raise RuntimeError(f"{name}: {response.status_code} {str(body)[:300]}")
        return body["data"]

    # -- setup -------------------------------------------------------------------------------

    @staticmethod
    async def register(url: str, manifest: Manifest, count: int, parallel: int = 4
                       ) -> list[VirtualUser]:
        """``count`` new customers through SignUp, each keeping the token it returns."""
        async with httpx.AsyncClient(timeout=60) as client:
            gate = asyncio.Semaphore(parallel)

            async def one() -> VirtualUser:
                email = f"shopper-{uuid.uuid4().hex[:12]}@example.com"
                draft = {"email": email, "password": "shopper-pass-1", "fullName": "Shopper"}
                async with gate:
                    answer = await client.post(url, json=manifest.body("SignUp", {"input": draft}))
                body = answer.json()
                if body.get("errors"):
                    raise RuntimeError(f"SignUp failed: {body['errors']}")
                return VirtualUser(body["data"]["register"]["token"])

            return list(await asyncio.gather(*(one() for _ in range(count))))

    # -- load --------------------------------------------------------------------------------

    async def run(self, rate: float, duration: float) -> tuple[list[Sample], float]:
        """Offer ``rate`` RPS for ``duration`` s; the samples and the achieved RPS (answers
        per second from the first due time until the last answer)."""
        self.samples, self.lags = [], []
        loop = asyncio.get_running_loop()
        start = loop.time() + 0.05
        tasks = []
        for offset in arrival_offsets(rate, duration):
            due = start + offset
            delay = due - loop.time()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(self._one(due)))
        await asyncio.gather(*tasks)
        elapsed = max(loop.time() - start, 1e-9)
        return self.samples, len(self.samples) / elapsed

    async def _one(self, due: float) -> None:
        loop = asyncio.get_running_loop()
        self.lags.append(loop.time() - due)
        kind = self.mix.pick(self.rng)
        user = self._idle_user(needs_cart=kind == "checkout")
        if user is None:  # nobody has anything to buy yet: the shopper fills a cart first
            kind, user = "cart", self._idle_user(needs_cart=False)
        assert user is not None
        name, variables, after = self._action(kind, user)
        user.busy = True
        failed = False
        try:
            after(await self.post(name, variables, user.token))
        except (httpx.HTTPError, RuntimeError, ValueError, KeyError, TypeError):
            failed = True
        finally:
            user.busy = False
        self.samples.append(Sample(kind, name, loop.time() - due, failed))

    def _idle_user(self, *, needs_cart: bool) -> VirtualUser | None:
        for _ in range(64):
            user = self.rng.choice(self.users)
            if not user.busy and (user.cart or not needs_cart):
                return user
        candidates = [u for u in self.users if u.cart or not needs_cart]
        return self.rng.choice(candidates) if candidates else None

    def _product(self) -> str:
        return self.products[self.zipf.sample(self.rng)]

    def _action(self, kind: str, user: VirtualUser) -> tuple[str, dict[str, Any], Any]:
        """(operation, variables, what to remember from the answer)."""
        rng, ignore = self.rng, (lambda data: None)
        if kind == "catalogue":
            if CATALOGUE.pick(rng) == "ProductPage":
                return "ProductPage", {"id": self._product()}, ignore
            variables: dict[str, Any] = {"first": 12, "sort": rng.choice(SORTS)}
            roll = rng.random()
            if roll < 0.3:
                variables["category"] = rng.choice(self.categories)
            elif roll < 0.45:
                variables["search"] = rng.choice(SEARCHES)
            return "CatalogueProducts", variables, ignore
        if kind == "checkout":
            def placed(data: dict[str, Any]) -> None:
                user.cart.clear()
                user.orders.append(data["checkout"]["id"])
            return "PlaceOrder", {"paymentMethod": CARD}, placed
        if kind == "account":
            name = ACCOUNT.pick(rng)
            if name == "OrderDetail" and user.orders:
                return "OrderDetail", {"id": rng.choice(user.orders)}, ignore
            if name == "Viewer":
                return "Viewer", {}, ignore
            return "OrderHistory", {"first": 10}, ignore
        return self._cart_action(user)

    def _cart_action(self, user: VirtualUser) -> tuple[str, dict[str, Any], Any]:
        def seen(data: dict[str, Any]) -> None:
            cart = next(iter(data.values())) or {"items": []}  # no cart yet: null
            user.cart = {i["product"]["id"]: i["quantity"] for i in cart["items"]}

        name = CART.pick(self.rng)
        if name == "AddCartItem" or (name != "CartView" and not user.cart):
            return "AddCartItem", {"productId": self._product(), "quantity": 1}, seen
        if name == "SetCartItemQuantity":
            product = self.rng.choice(list(user.cart))
            return name, {"productId": product, "quantity": self.rng.randint(1, 3)}, seen
        if name == "RemoveCartItem":
            return name, {"productId": self.rng.choice(list(user.cart))}, seen
        return "CartView", {}, seen

