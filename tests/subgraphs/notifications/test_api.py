"""The GraphQL API: User.notifications (owner or admin), devMailbox (admin), paging, the SDL."""

from __future__ import annotations

from typing import Any

import pytest

from tests.subgraphs.notifications.harness import Harness, created, registered


def codes(result: dict[str, Any]) -> list[str]:
    return [e["extensions"]["code"] for e in result["errors"]]


def connection(result: dict[str, Any], *path: str) -> dict[str, Any]:
    assert "errors" not in result, result
    data: Any = result["data"]
    for key in path:
        data = data[key]
    return data


async def with_mail(app: Harness) -> str:
    """user-1 (with phone) welcomed and one order received: four messages; returns order id."""
    order = created(user_id="user-1")
    await app.deliver(registered("user-1"), registered("user-2", phone=None), order)
    return order.payload.order_id


async def test_the_owner_sees_their_notifications_newest_first(app: Harness) -> None:
    order_id = await with_mail(app)
    result = await app.user_notifications("user-1", app.token("user-1"))
    page = connection(result, "_entities", 0, "notifications")
    nodes = [e["node"] for e in page["edges"]]
    assert [(n["template"], n["channel"]) for n in nodes] == [
        ("order_received", "sms"), ("order_received", "email"),
        ("welcome", "sms"), ("welcome", "email"),
    ]
    assert nodes[0]["orderId"] == order_id and nodes[0]["status"] == "sent"
    assert nodes[0]["createdAt"] and nodes[-1]["recipient"] == "user-1@example.com"


async def test_an_admin_sees_anyones_notifications(app: Harness) -> None:
    await with_mail(app)
    result = await app.user_notifications("user-1", app.token("boss", "customer", "admin"))
    assert len(connection(result, "_entities", 0, "notifications")["edges"]) == 4


@pytest.mark.parametrize(
    ("token_of", "code"), [("stranger", "FORBIDDEN"), (None, "UNAUTHENTICATED")]
)
async def test_others_cannot_see_a_users_notifications(
    app: Harness, token_of: str | None, code: str
) -> None:
    await with_mail(app)
    token = app.token(token_of) if token_of else None
    result = await app.user_notifications("user-1", token)
    assert codes(result) == [code]


async def test_pages_follow_opaque_cursors_without_gaps_or_repeats(app: Harness) -> None:
    await with_mail(app)
    token = app.token("user-1")
    seen: list[str] = []
    after = None
    for expected_next in (True, False):
        result = await app.user_notifications("user-1", token, first=2, after=after)
        page = connection(result, "_entities", 0, "notifications")
        seen += [e["node"]["id"] for e in page["edges"]]
        assert page["pageInfo"]["hasNextPage"] is expected_next
        after = page["pageInfo"]["endCursor"]
    assert len(seen) == len(set(seen)) == 4
    assert page["pageInfo"]["hasPreviousPage"] is True


@pytest.mark.parametrize(("args", "field"), [({"first": -1}, "first"), ({"first": 101}, "first"),
                                             ({"after": "not-a-cursor"}, "after")])
async def test_bad_paging_arguments_are_refused(
    app: Harness, args: dict[str, Any], field: str
) -> None:
    result = await app.user_notifications("user-1", app.token("user-1"), **args)
    assert codes(result) == ["BAD_USER_INPUT"]
    assert result["errors"][0]["extensions"]["field"] == field


async def test_admins_read_the_dev_mailbox_filtered_by_recipient(app: Harness) -> None:
    await with_mail(app)
    admin = app.token("boss", "admin")
    everything = connection(await app.dev_mailbox(admin), "devMailbox")
    assert len(everything["edges"]) == 5
    one = connection(await app.dev_mailbox(admin, recipient="user-2@example.com"), "devMailbox")
    assert [e["node"]["template"] for e in one["edges"]] == ["welcome"]


async def test_the_dev_mailbox_is_for_admins_only(app: Harness) -> None:
    await with_mail(app)
    assert codes(await app.dev_mailbox(app.token("user-1"))) == ["FORBIDDEN"]
    assert codes(await app.dev_mailbox(None)) == ["UNAUTHENTICATED"]


async def test_the_sdl_extends_user_and_declares_the_notification_fields(app: Harness) -> None:
    sdl = (await app.gql("{ _service { sdl } }"))["data"]["_service"]["sdl"]
    assert 'type User @key(fields: "id")' in sdl
    assert "notifications(first: Int = null, after: String = null): NotificationConnection!" in sdl
    for field in ("id: ID!", "channel: String!", "template: String!", "recipient: String!",
                  "status: String!", "createdAt: DateTime!", "subject: String!", "body: String!",
                  "eventId: String!", "orderId: ID"):
        assert field in sdl
    assert "devMailbox(" in sdl and "type PageInfo @shareable" in sdl
