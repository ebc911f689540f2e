"""Demo accounts: the admin from ADMIN_EMAIL / ADMIN_PASSWORD plus two customers; idempotent.

Dev defaults (see config.py): admin@shop.local / ShopAdmin-dev-2026, and the customers
alice@shop.local and bob@shop.local, both with password Customer-dev-2026. Accounts whose email
already exists are left untouched (their password is not reset). In production the seed refuses
the default admin password and adds no demo customers (their password is published).
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from subgraphs.kit.database import Database
from subgraphs.users.app import build_users
from subgraphs.users.config import DEV_ADMIN_PASSWORD, UsersSettings
from subgraphs.users.domain.records import Registration, Role
from subgraphs.users.domain.rules import normalise_email
from subgraphs.users.domain.service import UserService

__all__ = ["DEMO_CUSTOMERS", "seed", "seed_accounts"]

DEMO_CUSTOMERS = (
    Registration("alice@shop.local", "Customer-dev-2026", "Alice Example", "+14155550101"),
    Registration("bob@shop.local", "Customer-dev-2026", "Bob Example", None),
)


async def seed_accounts(
    session: AsyncSession, service: UserService, admin: Registration,
    customers: Sequence[Registration] = DEMO_CUSTOMERS,
) -> int:
    """Register every account whose email is absent; returns how many were added."""
    wanted = [(admin, (Role.CUSTOMER, Role.ADMIN))]
    wanted += [(customer, (Role.CUSTOMER,)) for customer in customers]
    present = await service.repository.emails_present(
        session, [normalise_email(draft.email) for draft, _ in wanted]
    )
    added = 0
    for draft, roles in wanted:
        if normalise_email(draft.email) not in present:
            await service.register(session, draft, roles=roles)
            added += 1
    return added


async def seed(settings: UsersSettings) -> None:
    """The CLI's ``seed`` command: load the demo accounts into the configured database."""
    if settings.environment == "production" and settings.admin_password == DEV_ADMIN_PASSWORD:
        raise SystemExit("users seed: set ADMIN_PASSWORD; the dev default is refused in production")
    admin = Registration(settings.admin_email, settings.admin_password, "Shop Admin")
    customers = () if settings.environment == "production" else DEMO_CUSTOMERS
    service = build_users(settings)
    database = Database.of(settings)
    try:
        async with database.transaction() as session:
            added = await seed_accounts(session, service, admin, customers)
        print(f"users: seeded {added} of {1 + len(customers)} accounts")
    finally:
        await database.dispose()
