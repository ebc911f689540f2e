"""The chaos suite's platform: every service on a PostgreSQL and a Redis of its own, the
SendGrid and Twilio fakes, crash points armed through a directory, and the shop's data."""

from __future__ import annotations

import asyncio
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

import asyncpg
import httpx

from common.faults import arm
from tests.chaos.servers import OwnPostgres, OwnRedis
from tests.chaos.truth import Databases
from tests.e2e.conftest import ADMIN, Client
from tests.e2e.platform import Platform
from tests.e2e.saga import new_customer, new_product
from tests.subgraphs.notifications.fake_providers import FakeSendGrid, FakeTwilio

__all__ = ["ChaosStack"]

FROM_NUMBER = "+15005550006"


@dataclass
class ChaosStack:
    """Start with :meth:`start`; ``platform``, ``customers``, ``products`` once started."""

    directory: Path
    customers_wanted: int = 6
    postgres: OwnPostgres = field(init=False)
    redis: OwnRedis = field(init=False)
    sendgrid: FakeSendGrid = field(default_factory=FakeSendGrid)
    twilio: FakeTwilio = field(default_factory=FakeTwilio)
    platform: Platform = field(init=False)
    customers: list[Client] = field(default_factory=list)
    products: list[str] = field(default_factory=list)
    initial_stock: dict[str, int] = field(default_factory=dict)
    _exit: ExitStack = field(default_factory=ExitStack)

    @property
    def faults(self) -> Path:
        return self.directory / "faults"

    def start(self) -> ChaosStack:
        for name in ("redis", "logs", "faults"):
            (self.directory / name).mkdir()
        self.postgres = OwnPostgres().start()
        self._exit.callback(self.postgres.stop)
        self.redis = OwnRedis(self.directory / "redis").start()
        self._exit.callback(self.redis.stop)
        self._exit.enter_context(self.sendgrid)
        self._exit.enter_context(self.twilio)
        self.platform = Platform(logs=self.directory / "logs", admin_dsn=self.postgres.dsn,
                                 redis_url=self.redis.url, extra_env=self._env(),
                                 healthy_within=120)
        self.platform.start()  # stops what it started if it fails
        self._exit.callback(self.platform.stop)
        self._shop()
        return self

    def stop(self) -> None:
        self._exit.close()

    def anonymous(self) -> Client:
        return Client(self.platform.gateway_url)

    def databases(self) -> Databases:
        dsn = self.platform.database_dsn
        return Databases(dsn("orders"), dsn("payments"), dsn("products"), dsn("notifications"))

    def revive(self) -> None:
        """Start again any service a failed scenario left dead, so the next starts whole."""
        for name, child in list(self.platform.children.items()):
            if child.poll() is not None:
                self.platform.restart(name, within=120)

    def scarce_product(self, stock: int = 3) -> str:
        """A new product with little stock, for the workers to race for."""
        product = new_product(self.anonymous().login(*ADMIN), stock=stock)
        self.initial_stock[product] = stock
        return product

    def notifications(self, order_ids: list[str]) -> tuple[int, int]:
        """(messages queued or sending, orders whose final message is not recorded on both
        channels): the barrier is (0, 0), after which no provider call can happen."""
        return asyncio.run(_notifications(self.platform.database_dsn("notifications"), order_ids))

    def arm(self, point: str) -> None:
        arm(self.faults, point)

    def messages(self) -> list[tuple[str, str]]:
        """(channel, key) of every message the fakes were handed: SendGrid's notification id,
        Twilio's recipient and text (which names the order)."""
        emails = [("email", r.json()["personalizations"][0]["dynamic_template_data"]
                   ["notification_id"]) for r in list(self.sendgrid.requests)]
        sms = [("sms", f"{f['To']}|{f['Body']}")
               for f in (r.form() for r in list(self.twilio.requests))]
        return emails + sms

    def consumers_idle(self) -> bool:
        """Every service's consumers report no lag (its /ready counters)."""
        for name in ("orders", "payments", "products", "notifications"):
            try:
                ready = httpx.get(f"http://127.0.0.1:{self.platform.ports[name]}/ready",
                                  timeout=2).json()
            except (httpx.HTTPError, ValueError):
                return False
            consumers = (ready.get("messaging") or {}).get("consumers") or []
            if any(c.get("total_lag", 0) for c in consumers):
                return False
        return True

    def _env(self) -> dict[str, str]:
        return {
            "FAULT_INJECTION_DIR": str(self.faults),
            "USERS_BCRYPT_ROUNDS": "4",
            # An order whose events died with the embedded broker (it forgets acknowledged
            # messages on restart) is cancelled by the payment timeout: short, so it is seen.
            "ORDERS_PAYMENT_TIMEOUT_SECONDS": "60",
            "ORDERS_EXPIRY_INTERVAL_SECONDS": "2",
            "PRODUCTS_RESERVATION_TTL_SECONDS": "90",
            "PRODUCTS_RESERVATION_SWEEP_SECONDS": "2",
            "NOTIFICATIONS_SENDGRID_API_KEY": self.sendgrid.api_key,
            "NOTIFICATIONS_SENDGRID_BASE_URL": self.sendgrid.url,
            "NOTIFICATIONS_TWILIO_ACCOUNT_SID": self.twilio.account_sid,
            "NOTIFICATIONS_TWILIO_AUTH_TOKEN": self.twilio.auth_token,
            "NOTIFICATIONS_TWILIO_FROM_NUMBER": FROM_NUMBER,
            "NOTIFICATIONS_TWILIO_BASE_URL": self.twilio.url,
            "NOTIFICATIONS_DELIVERY_INTERVAL_SECONDS": "0.2",
            "NOTIFICATIONS_DELIVERY_BACKOFF_SECONDS": "0.2",
            "NOTIFICATIONS_DELIVERY_TIMEOUT_SECONDS": "2",
            "NOTIFICATIONS_DELIVERY_LEASE_SECONDS": "4",
        }

    def _shop(self) -> None:
        anonymous = self.anonymous()
        admin = anonymous.login(*ADMIN)
        # the first product is scarce: the workers race for its 3 units
        self.products = [new_product(admin, stock=stock) for stock in (3, 400, 400)]
        self.customers = [new_customer(anonymous, phone=f"+1415555{i:04d}")
                          for i in range(self.customers_wanted)]
        rows = asyncio.run(_stock(self.platform.database_dsn("products")))
        self.initial_stock = {row["id"]: row["stock"] for row in rows}


async def _stock(dsn: str) -> list[asyncpg.Record]:
    connection = await asyncpg.connect(dsn)
    try:
        return list(await connection.fetch("SELECT id, stock FROM products"))
    finally:
        await connection.close()


FINAL = ("order_paid", "payment_failed", "order_cancelled")


async def _notifications(dsn: str, order_ids: list[str]) -> tuple[int, int]:
    connection = await asyncpg.connect(dsn)
    try:
        busy = await connection.fetchval(
            "SELECT count(*) FROM notifications WHERE status IN ('queued', 'sending')")
        final = await connection.fetch(
            "SELECT order_id, count(DISTINCT channel) AS channels FROM notifications "
            "WHERE template = ANY($1::text[]) GROUP BY order_id", list(FINAL))
    finally:
        await connection.close()
    told = {row["order_id"] for row in final if row["channels"] == 2}
    return busy, len(set(order_ids) - told)
