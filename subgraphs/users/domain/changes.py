"""Credential changes that end every session: a new password, new roles, logout everywhere.

Each revokes the user's refresh tokens and bumps their token version (sessions.revoke_all);
the caller publishes the returned bump after committing, so verifiers refuse older tokens.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from subgraphs.kit.errors import BadUserInput, NotFound
from subgraphs.users.domain.errors import InvalidCredentials
from subgraphs.users.domain.models import User
from subgraphs.users.domain.passwords import PasswordHasher
from subgraphs.users.domain.records import Role, SignedIn, UserRecord
from subgraphs.users.domain.revocation import VersionBump
from subgraphs.users.domain.rules import validate_password
from subgraphs.users.domain.sessions import Sessions

__all__ = ["AccountChanges"]


class AccountChanges:
    def __init__(self, sessions: Sessions, passwords: PasswordHasher) -> None:
        self.sessions = sessions
        self.passwords = passwords

    async def change_password(self, session: AsyncSession, user_id: str, current: str,
                              new: str) -> tuple[SignedIn, VersionBump]:
        """After checking ``current``: the new password, every session ended, a new one."""
        user = await _user(session, user_id)
        if not await self.passwords.verify(current, user.password_hash):
            raise InvalidCredentials()
        bump = await self.set_password(session, user, new)
        return await self.sessions.start(session, user), bump

    async def set_password(self, session: AsyncSession, user: User, new: str) -> VersionBump:
        user.password_hash = await self.passwords.hash(validate_password(new, user.email))
        user.updated_at = datetime.now(UTC)
        return await self.sessions.revoke_all(session, user)

    async def set_roles(self, session: AsyncSession, user_id: str, roles: Sequence[str]
                        ) -> tuple[UserRecord, VersionBump]:
        known = {str(role) for role in Role}
        if not roles or any(role not in known for role in roles):
            raise BadUserInput(f"Roles must be among {sorted(known)}", field="roles")
        user = await _user(session, user_id)
        user.roles = sorted(set(roles))
        user.updated_at = datetime.now(UTC)
        bump = await self.sessions.revoke_all(session, user)
        return user.to_record(), bump

    async def logout_everywhere(self, session: AsyncSession, user_id: str) -> VersionBump:
        return await self.sessions.revoke_all(session, await _user(session, user_id))


async def _user(session: AsyncSession, user_id: str) -> User:
    user = await session.scalar(select(User).where(User.id == user_id))
    if user is None:
        raise NotFound("No such user")
    return user
