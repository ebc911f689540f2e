"""The ``User`` entity (Federation v2 ``@key(fields: "id")``), its visibility and batched loads.

Visibility: ``id`` and ``fullName`` are public. ``email``, ``phone`` and ``roles`` are shown to
the user themself, to admins, and to entity resolution (``_entities``): the gateway reaches
``_entities`` only on behalf of a subgraph that already decided the caller may see the object
holding the reference (an order, a cart), and subgraphs are not exposed to clients directly.
"""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from subgraphs.kit.errors import Forbidden
from subgraphs.kit.tokens import Principal
from subgraphs.users.domain.records import UserRecord

__all__ = ["User", "load_user", "may_see_private"]


@strawberry.federation.type(keys=["id"], description="A customer or staff account.")
class User:
    id: strawberry.ID
    full_name: str
    record: strawberry.Private[UserRecord]
    disclosed: strawberry.Private[bool]

    @classmethod
    def from_record(cls, record: UserRecord, *, disclosed: bool) -> User:
        """``disclosed``: the private fields may be shown without asking who the caller is."""
        return cls(id=strawberry.ID(record.id), full_name=record.full_name, record=record,
                   disclosed=disclosed)

    @strawberry.field(description="Normalised (trimmed, lowercase). The user or an admin only.")
    def email(self, info: Info) -> str:
        return self._private(info).email

    @strawberry.field(description="Whether the email was verified (`verifyEmail`). The user or "
                      "an admin only.")
    def email_verified(self, info: Info) -> bool:
        return self._private(info).email_verified

    @strawberry.field(description="E.164, e.g. +14155550123. The user or an admin only.")
    def phone(self, info: Info) -> str | None:
        return self._private(info).phone

    @strawberry.field(description="`customer` and/or `admin`. The user or an admin only.")
    def roles(self, info: Info) -> list[str]:
        return list(self._private(info).roles)

    @classmethod
    async def resolve_reference(cls, info: Info, id: strawberry.ID) -> User | None:
        # Federation spec, _entities: one result per representation, in order, null if unknown.
        record = await load_user(info, str(id))
        return None if record is None else cls.from_record(record, disclosed=True)

    def _private(self, info: Info) -> UserRecord:
        if not self.disclosed and not may_see_private(info.context.principal, self.record.id):
            raise Forbidden("Only the user themself or an admin may see this field")
        return self.record


def may_see_private(viewer: Principal | None, user_id: str) -> bool:
    """The user themself and admins see email, phone and roles."""
    return viewer is not None and (viewer.id == user_id or viewer.is_admin)


async def load_user(info: Info, user_id: str) -> UserRecord | None:
    """Through the request's loader: every id asked for in one tick is one SELECT."""

    async def fetch(ids: list[str]) -> list[UserRecord | None]:
        async with info.context.database.sessions() as session:
            return await info.context.users.get_many(session, ids)

    return await info.context.loader("users", fetch).load(user_id)
