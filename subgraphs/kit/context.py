"""The per-request context every resolver receives: caller, settings and service objects."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from strawberry.dataloader import DataLoader
from strawberry.fastapi import BaseContext

from common.auth.verifier import AccessTokenVerifier
from subgraphs.kit.errors import AppError, Forbidden, Unauthenticated
from subgraphs.kit.tokens import Principal, principal_from_header

__all__ = ["RequestContext"]


class RequestContext(BaseContext):
    """Holds the verified principal (or why verification failed) and the service's objects."""

    def __init__(self, verifier: AccessTokenVerifier, services: dict[str, Any]) -> None:
        super().__init__()
        self._verifier = verifier
        self.services = services
        self._principal: Principal | None = None
        self._auth_error: AppError | None = None
        self._resolved = False
        self._loaders: dict[str, DataLoader[Any, Any]] = {}

    def __getattr__(self, name: str) -> Any:
        # Resolvers read service objects as attributes: info.context.catalog
        services = self.__dict__.get("services", {})
        if name in services:
            return services[name]
        raise AttributeError(name)

    @property
    def principal(self) -> Principal | None:
        """The caller, or None for anonymous; an invalid token raises on first use."""
        if not self._resolved:
            self._resolve()
        if self._auth_error is not None:
            raise self._auth_error
        return self._principal

    def require_user(self) -> Principal:
        principal = self.principal
        if principal is None:
            raise Unauthenticated("You must be signed in")
        return principal

    def require_role(self, role: str) -> Principal:
        principal = self.require_user()
        if role not in principal.roles:
            raise Forbidden(f"Requires role '{role}'")
        return principal

    def service_allows(self, scope: str) -> bool:
        """Whether the calling service's credential holds ``scope`` (kit/service_auth.py)."""
        caller = self.request.scope.get("service_caller") if self.request else None
        return caller is not None and caller.allows(scope)

    def loader(
        self, name: str, load_fn: Callable[[list[Any]], Awaitable[Sequence[Any]]]
    ) -> DataLoader[Any, Any]:
        """This request's DataLoader called ``name``; loaders are never shared by requests."""
        if name not in self._loaders:
            self._loaders[name] = DataLoader(load_fn=load_fn)
        return self._loaders[name]

    async def prepare(self) -> None:
        """Verify the token now, on a worker thread, when that needs I/O (a user whose minimum
        token version is not in memory, a key to fetch): ``principal`` is read synchronously by
        resolvers on the event loop, which a blocking read would stall. A token answerable from
        memory (or none) stays for ``principal`` to check when a resolver asks."""
        header = self.request.headers.get("authorization") if self.request else None
        if header and self._verifier.verified_before(header.partition(" ")[2].strip()) is None:
            await asyncio.to_thread(self._resolve)

    def _resolve(self) -> None:
        self._resolved = True
        header = self.request.headers.get("authorization") if self.request else None
        try:
            self._principal = principal_from_header(header, self._verifier)
        except AppError as exc:
            self._auth_error = exc
