"""Sign-in sessions: an access token plus a refresh token; rotation, logout, revoke-all."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from common.auth.issuer import AccessClaims, TokenIssuer
from subgraphs.users.domain.errors import InvalidRefreshToken
from subgraphs.users.domain.models import User
from subgraphs.users.domain.records import SignedIn
from subgraphs.users.domain.refresh_tokens import IssuedRefresh, RefreshTokens
from subgraphs.users.domain.revocation import VersionBump

__all__ = ["Sessions"]


class Sessions:
    """Never commits; a reused refresh token raises RefreshTokenReused for the caller to
    revoke its family in a transaction of its own (this one rolls back)."""

    def __init__(self, issuer: TokenIssuer, refresh: RefreshTokens | None = None) -> None:
        self.issuer = issuer
        self.refresh_tokens = refresh or RefreshTokens()

    async def start(self, session: AsyncSession, user: User) -> SignedIn:
        """A new session (a new refresh-token family)."""
        return self._signed(user, await self.refresh_tokens.issue(session, user.id))

    async def rotate(self, session: AsyncSession, raw: str) -> SignedIn:
        issued = await self.refresh_tokens.rotate(session, raw)
        user = await session.scalar(select(User).where(User.id == issued.user_id))
        if user is None:
            raise InvalidRefreshToken()
        return self._signed(user, issued)

    async def end(self, session: AsyncSession, raw: str) -> None:
        """Logout: the family of ``raw`` is revoked (unknown tokens are ignored)."""
        family = await self.refresh_tokens.family_of(session, raw)
        if family is not None:
            await self.refresh_tokens.revoke_family(session, family)

    async def revoke_all(self, session: AsyncSession, user: User) -> VersionBump:
        """Every refresh token of ``user`` revoked, and the token version bumped so that
        outstanding access tokens are refused; publish the bump once this commits."""
        await self.refresh_tokens.revoke_user(session, user.id)
        user.token_version = (user.token_version or 0) + 1
        await session.flush()
        return user.id, user.token_version

    def _signed(self, user: User, refresh: IssuedRefresh) -> SignedIn:
        who = AccessClaims(user.id, user.email, user.full_name, tuple(user.roles),
                           user.token_version or 0)
        token, expires_at = self.issuer.issue(who)
        return SignedIn(user.to_record(), token, expires_at, refresh.token, refresh.expires_at)
