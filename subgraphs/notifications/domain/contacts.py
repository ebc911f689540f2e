"""The ``ContactDirectory`` seam: where a contact comes from when UserRegistered never came.

The contacts table is filled by UserRegistered. A user whose event notifications never saw (a
database seeded before the outbox existed, an event lost, a replay from a later offset) would
otherwise be written to as ``user:<id>``; a directory asks the users subgraph instead
(``upstream.UsersContacts``, federation ``_entities`` over HTTP). Answering None is always
allowed (unknown, unreachable, slow): the caller then falls back as it did without one.
"""

from __future__ import annotations

from typing import Protocol

from subgraphs.notifications.domain.records import Contact

__all__ = ["ContactDirectory"]


class ContactDirectory(Protocol):
    async def contact(self, user_id: str) -> Contact | None:
        """The user's contact, or None when it cannot be had now; never raises."""
        ...
