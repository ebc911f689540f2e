"""The load generator: customers placing checkouts and a visitor browsing, through the gateway.

Each worker thread is one customer (its own cart) looping clear cart -> add -> checkout; a
quarter of the checkouts use a declined card and some buy the scarce product the workers fight
over. A failed call (a service down) is counted and the loop goes on: what matters is what the
databases say afterwards, not what each call answered.
"""

from __future__ import annotations

import random
import threading
import time
from collections import Counter
from dataclasses import dataclass, field

from tests.e2e.conftest import Client

__all__ = ["CARDS", "Load", "Placed"]

CARDS = ("pm_card_visa", "pm_card_visa", "pm_card_visa", "pm_card_chargeDeclined")
_CHECKOUT = "mutation($m: String!) { checkout(paymentMethod: $m) { id } }"
_ADD = "mutation($p: ID!, $q: Int!) { addToCart(productId: $p, quantity: $q) { id } }"
_BROWSE = "{ products(first: 10) { edges { node { id name stock price { amount } } } } }"


@dataclass(frozen=True)
class Placed:
    """An order the API acknowledged: its id and the card it was placed with."""

    order_id: str
    card: str


@dataclass
class Load:
    """Runs ``customers`` checkout loops and one browsing loop until ``stop`` or ``limit``."""

    customers: list[Client]
    products: list[str]  # the first one is scarce
    browser: Client
    limit: int
    placed: list[Placed] = field(default_factory=list)
    calls: Counter[str] = field(default_factory=Counter)
    seed: int = 16
    _stopping: threading.Event = field(default_factory=threading.Event)
    _threads: list[threading.Thread] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def start(self) -> Load:
        self._stopping.clear()
        loops = [(self._shop, (c, random.Random(self.seed + i)))
                 for i, c in enumerate(self.customers)]
        for target, args in [*loops, (self._browse, ())]:
            thread = threading.Thread(target=target, args=args, daemon=True)
            thread.start()
            self._threads.append(thread)
        return self

    def stop(self) -> None:
        self._stopping.set()
        for thread in self._threads:
            thread.join(60)
        self._threads.clear()

    def wait_for(self, count: int, timeout: float) -> None:
        """Block until ``count`` orders were placed in all (or the limit, or ``timeout``)."""
        deadline = time.monotonic() + timeout
        while len(self.placed) < min(count, self.limit) and time.monotonic() < deadline:
            time.sleep(0.1)

    def _shop(self, customer: Client, rng: random.Random) -> None:
        while not self._stopping.is_set() and len(self.placed) < self.limit:
            product = self.products[0] if rng.random() < 0.3 else rng.choice(self.products)
            card = rng.choice(CARDS)
            order_id = self._checkout(customer, product, card)
            if order_id is not None:
                with self._lock:
                    self.placed.append(Placed(order_id, card))

    def _checkout(self, customer: Client, product: str, card: str) -> str | None:
        for name, query, variables in (("clear", "mutation { clearCart { id } }", {}),
                                       ("add", _ADD, {"p": product, "q": 1}),
                                       ("checkout", _CHECKOUT, {"m": card})):
            body = self._call(customer, query, variables)
            if body is None or body.get("errors") or not body.get("data"):
                self.calls[f"{name} failed"] += 1
                return None
        self.calls["checkout ok"] += 1
        return body["data"]["checkout"]["id"]

    def _browse(self) -> None:
        while not self._stopping.wait(0.05):
            body = self._call(self.browser, _BROWSE, {})
            ok = body is not None and not body.get("errors") and body.get("data")
            self.calls["browse ok" if ok else "browse failed"] += 1

    @staticmethod
    def _call(client: Client, query: str, variables: dict) -> dict | None:
        try:
            return client(query, **variables)
        except Exception:  # a refused connection, a non-JSON 502: a failed call
            return None
