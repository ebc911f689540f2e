"""The ``User`` entity (Federation v2 ``@key(fields: "id")``), its visibility and batched loads.

Visibility: ``id`` and ``fullName`` are public. ``email``, ``phone`` and ``roles`` are shown to
the user themself, to admins, and to a calling service whose credential holds the field's scope
(``users:contact`` for email and phone: notifications' contact lookup; ``users:roles`` for
roles). Entity resolution (``_entities``) gets no exception: whoever reaches this subgraph,
the gateway included, sees another user's private fields only through one of those three.
"""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from subgraphs.kit.errors import Forbidden
from subgraphs.kit.tokens import Principal
from subgraphs.users.domain.records import UserRecord

__all__ = ["CONTACT_SCOPE", "ROLES_SCOPE", "User", "load_user", "may_see_private"]

CONTACT_SCOPE = "users:contact"
ROLES_SCOPE = "users:roles"


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
        return self._private(info, CONTACT_SCOPE).email

    @strawberry.field(description="Whether the email was verified (`verifyEmail`). The user or "
                      "an admin only.")
    def email_verified(self, info: Info) -> bool:
        return self._private(info, CONTACT_SCOPE).email_verified

    @strawberry.field(description="E.164, e.g. +14155550123. The user or an admin only.")
    def phone(self, info: Info) -> str | None:
        return self._private(info, CONTACT_SCOPE).phone

    @strawberry.field(description="`customer` and/or `admin`. The user or an admin only.")
    def roles(self, info: Info) -> list[str]:
        return list(self._private(info, ROLES_SCOPE).roles)

    @classmethod
    async def resolve_reference(cls, info: Info, id: strawberry.ID) -> User | None:
        # Federation spec, _entities: one result per representation, in order, null if unknown.
        record = await load_user(info, str(id))
        return None if record is None else cls.from_record(record, disclosed=False)

    def _private(self, info: Info, scope: str) -> UserRecord:
        if self.disclosed or info.context.service_allows(scope):
            return self.record
        if not may_see_private(info.context.principal, self.record.id):
            raise Forbidden(f"Only the user themself, an admin or a service with scope {scope} "
                            "may see this field")
        return self.record


def may_see_private(viewer: Principal | None, user_id: str) -> bool:
    """The user themself and admins see email, phone and roles."""
    return viewer is not None and (viewer.id == user_id or viewer.is_admin)


async def load_user(info: Info, user_id: str) -> UserRecord | None:
    """Through the request's loader: every id asked for in one tick is one SELECT."""

    async def fetch(ids: list[str]) -> list[UserRecord | None]:
        async with info.context.database.reads() as session:
            return await info.context.users.get_many(session, ids)

    return await info.context.loader("users", fetch).load(user_id)
