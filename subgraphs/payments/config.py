"""Payments settings: the kit's options plus the payment provider and its sandbox ledger."""

from __future__ import annotations

from pathlib import Path
from typing import Literal, Self

from pydantic import Field, model_validator
from sqlalchemy.engine import make_url

from subgraphs.kit.settings import ServiceSettings

__all__ = ["CONSUMER_GROUP", "MIGRATIONS_DIR", "PORT", "SERVICE", "PaymentsSettings"]

SERVICE = "payments"
PORT = 5005
CONSUMER_GROUP = "payments"
MIGRATIONS_DIR = Path(__file__).parent / "migrations"


class PaymentsSettings(ServiceSettings):
    """Read from ``PAYMENTS_<OPTION>`` then ``<OPTION>``."""

    payment_provider: Literal["sandbox"] = Field(
        "sandbox", description="Who charges cards; the Stripe provider arrives with its own issue."
    )
    sandbox_ledger_url: str = Field(
        "",
        description="Database of the sandbox provider's ledger (what it charged and refunded). "
        "Empty: the payments database on PostgreSQL; a sibling file `<name>-sandbox.db` beside "
        "a SQLite one, because SQLite has one writer and the ledger commits apart from "
        "payments' own transactions, as a real provider would.",
    )
    sandbox_fail_refunds: bool = Field(
        False, description="Make every sandbox refund fail (to exercise the dead-letter path)."
    )

    subscription_poll_seconds: float = Field(
        0.5, gt=0, le=60, description="How often a paymentStatusChanged subscription looks."
    )

    @model_validator(mode="after")
    def _ledger_default(self) -> Self:
        if not self.sandbox_ledger_url:
            self.sandbox_ledger_url = sandbox_ledger_default(self.database_url)
        return self


def sandbox_ledger_default(database_url: str) -> str:
    """The payments database itself, or a sibling SQLite file (see ``sandbox_ledger_url``)."""
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite" or not url.database:
        return database_url
    path = Path(url.database)
    sibling = path.with_name(f"{path.stem}-sandbox{path.suffix}")
    return url.set(database=str(sibling)).render_as_string(hide_password=False)
