"""Account rules: register, log in (throttled), look users up. Never commits: the request
boundary does."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from subgraphs.users.domain.errors import DuplicateEmail, InvalidCredentials
from subgraphs.users.domain.models import User
from subgraphs.users.domain.outbox import OutboxUserEvents, UserEvents
from subgraphs.users.domain.passwords import PasswordHasher
from subgraphs.users.domain.records import Registration, Role, SignedIn, UserRecord
from subgraphs.users.domain.repository import UserRepository
from subgraphs.users.domain.rules import MAX_EMAIL_LENGTH, normalise_email, validate_registration
from subgraphs.users.domain.sessions import Sessions
from subgraphs.users.domain.throttle import LoginThrottle, MemoryCounters

__all__ = ["UserService"]


class UserService:
    """Opens accounts and signs users in (an access token and a refresh token, ``sessions``)."""

    def __init__(
        self,
        sessions: Sessions,
        passwords: PasswordHasher,
        *,
        events: UserEvents | None = None,
        repository: UserRepository | None = None,
        throttle: LoginThrottle | None = None,
    ) -> None:
        self.sessions = sessions
        self.passwords = passwords
        self.throttle = throttle or LoginThrottle(MemoryCounters())
        self.events = events or OutboxUserEvents()
        self.repository = repository or UserRepository()

    async def register(
        self,
        session: AsyncSession,
        draft: Registration,
        *,
        roles: Sequence[Role] = (Role.CUSTOMER,),
        address: str = "",
    ) -> SignedIn:
        """Validate, hash, insert, enqueue ``UserRegistered``; BAD_USER_INPUT on any bad field.
        A taken email counts as a failure of ``address`` (throttle.py): registering signs in
        at once, so a duplicate cannot look like a success, but probing emails is throttled."""
        await self.throttle.check_address(address)
        valid = validate_registration(draft)
        now = datetime.now(UTC)
        user = User(
            id=str(uuid.uuid4()), email=valid.email, full_name=valid.full_name, phone=valid.phone,
            password_hash=await self.passwords.hash(valid.password),
            roles=[str(role) for role in roles], created_at=now, updated_at=now,
        )
        try:
            await self.repository.add(session, user)
        except DuplicateEmail:
            await self.throttle.failed_address(address)
            raise
        # Outbox seam: the event row joins this transaction (see domain/outbox.py).
        await self.events.user_registered(session, user.to_record())
        return await self.sessions.start(session, user)

    async def login(
        self, session: AsyncSession, email: str, password: str, address: str = ""
    ) -> SignedIn:
        """Tokens for valid credentials; otherwise one message, in about the same time.
        TooManyAttempts once the account or ``address`` failed too often (throttle.py)."""
        key = normalise_email(email)
        await self.throttle.check(key, address)
        too_long = len(key) > MAX_EMAIL_LENGTH  # cannot exist; skip the lookup, not the hash
        user = None if too_long else await self.repository.by_email(session, key)
        stored = user.password_hash if user is not None else None
        if not await self.passwords.verify(password, stored) or user is None:
            await self.throttle.failed(key, address)
            raise InvalidCredentials()
        await self.throttle.succeeded(key)
        return await self.sessions.start(session, user)

    async def get_many(
        self, session: AsyncSession, ids: Sequence[str]
    ) -> list[UserRecord | None]:
        """Users for ``ids`` in one query, in input order, None where unknown (DataLoader shape)."""
        found = await self.repository.get_many(session, ids)
        return [found[i].to_record() if i in found else None for i in ids]
