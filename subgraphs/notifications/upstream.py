"""Contacts read from the users subgraph: the ``ContactDirectory`` for users whose
UserRegistered notifications never saw.

One ``_entities`` read of ``User { email fullName phone }`` per unknown user, through the kit's
``EntityClient`` (``fetch_partial``, so an error of this one entity is told apart from an
outage). No Authorization is sent (no end user is involved): users discloses email and phone
to this service's credential, whose scope ``users:contact`` allows exactly that (app.py,
``build_contacts``; users' README, "Visibility").

Never raises and never waits long: the whole read is bounded by ``timeout``; an unreachable or
slow users (or a malformed answer) is logged and answered None, and after such a failure users
is not asked again for ``pause`` seconds, so a backlog of events during an outage costs one
timeout, not one per event. The event handler then falls back exactly as without a directory.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from typing import Any

from subgraphs.kit.entity_client import EntityClient, UpstreamError
from subgraphs.kit.errors import AppError
from subgraphs.notifications.domain.records import Contact

__all__ = ["CONTACT_SELECTION", "UsersContacts"]

CONTACT_SELECTION = "id email fullName phone"

log = logging.getLogger("notifications.contacts")


class UsersContacts:
    """A ``ContactDirectory`` over the users subgraph; ``close`` at shutdown."""

    def __init__(
        self, client: EntityClient, *, timeout: float, pause: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._client, self._timeout, self._pause, self._clock = client, timeout, pause, clock
        self._quiet_until = 0.0
        self.counts = {"found": 0, "unknown": 0, "failed": 0, "skipped": 0}

    async def contact(self, user_id: str) -> Contact | None:
        if self._clock() < self._quiet_until:
            self.counts["skipped"] += 1
            return None
        try:
            async with asyncio.timeout(self._timeout):
                batch = await self._client.fetch_partial(
                    "User", [{"id": user_id}], CONTACT_SELECTION
                )
        except TimeoutError:
            return self._unreachable(user_id, f"no answer within {self._timeout:g} s")
        except UpstreamError as exc:  # users answered, with errors and no data
            return self._failed(user_id, exc.code)
        except AppError as exc:  # UpstreamUnavailable: refused, reset, not GraphQL
            return self._unreachable(user_id, exc.code)
        failure = batch.failures.get(0)
        if failure is not None:
            return self._failed(user_id, failure.code)
        row = batch.entities[0]
        if row is None:
            self.counts["unknown"] += 1
            log.info("users does not know user %s; no contact for its messages", user_id)
            return None
        contact = _contact(user_id, row)
        if contact is None:
            return self._failed(user_id, "unexpected shape")
        self.counts["found"] += 1
        log.info("contact of user %s read from users (no UserRegistered seen)", user_id)
        return contact

    async def close(self) -> None:
        await self._client.close()

    def stats(self) -> dict[str, object]:
        return dict(self.counts)

    def _unreachable(self, user_id: str, reason: str) -> None:
        self._quiet_until = self._clock() + self._pause
        self.counts["failed"] += 1
        log.warning("contact lookup of user %s failed: users unreachable (%s); messages fall "
                    "back to user:<id>; users not asked again for %g s",
                    user_id, reason, self._pause)

    def _failed(self, user_id: str, reason: str) -> None:
        self.counts["failed"] += 1
        log.warning("contact lookup of user %s failed: users answered %s; messages fall back "
                    "to user:<id>", user_id, reason)


def _contact(user_id: str, row: dict[str, Any]) -> Contact | None:
    email, full_name, phone = row.get("email"), row.get("fullName"), row.get("phone")
    if row.get("id") not in (None, user_id):
        return None
    if not isinstance(email, str) or not email or not isinstance(full_name, str):
        return None
    if phone is not None and not isinstance(phone, str):
        return None
    return Contact(user_id, email, full_name, phone or None)
