"""Federation v2 surface: ``_service { sdl }``, batched ``_entities``, private-field visibility."""

from __future__ import annotations

import pytest

from subgraphs.kit.identity import dev_issuer
from subgraphs.kit.tokens import Principal, issue_token
from subgraphs.users.domain.records import Registration, Role
from subgraphs.users.graphql.entities import may_see_private
from tests.subgraphs.users.harness import Harness, count_queries

ENTITIES = """query($r: [_Any!]!) {
  _entities(representations: $r) { ... on User { id fullName email roles } }
}"""


async def test_sdl_declares_federation_2_and_the_user_key(app: Harness) -> None:
    result = await app.gql("{ _service { sdl } }")
    sdl = result["data"]["_service"]["sdl"]
    assert '@link(url: "https://specs.apollo.dev/federation/v2.' in sdl
    assert 'type User @key(fields: "id")' in sdl
    for field in ("me: User", "register(input: RegisterInput!): AuthPayload!",
                  "login(email: String!, password: String!): AuthPayload!"):
        assert field in sdl


async def test_entities_resolve_in_input_order_with_null_for_unknown_in_one_query(
    app: Harness,
) -> None:
    # given three accounts
    ids = [(await app.registered(f"u{n}@example.com"))["user"]["id"] for n in range(3)]
    wanted = [ids[2], "no-such-user", ids[0], ids[1], ids[2]]
    representations = [{"__typename": "User", "id": i} for i in wanted]
    # when the gateway asks for them as entities, with unknowns and a repeat mixed in
    with count_queries(app.services.database.engine) as statements:
        result = await app.gql(ENTITIES, {"r": representations})
    # then each slot holds its user (or null) in input order, fetched by one SELECT
    got = [e and e["id"] for e in result["data"]["_entities"]]
    assert got == [ids[2], None, ids[0], ids[1], ids[2]]
    assert result["data"]["_entities"][0]["email"] == "u2@example.com"
    assert len([s for s in statements if s.lstrip().upper().startswith("SELECT")]) == 1


async def test_malformed_representations_fail_alone_without_leaking_internals(
    app: Harness,
) -> None:
    # given one good representation beside one without an id and one of an unknown type
    ada = (await app.registered())["user"]["id"]
    good = {"__typename": "User", "id": ada}
    # when resolved together
    result = await app.gql(ENTITIES, {"r": [good, {"__typename": "User"}]})
    # then the good one resolves, the bad one is null with a coded error, and nothing crashed
    assert result["data"]["_entities"][0]["id"] == ada
    assert result["data"]["_entities"][1] is None
    assert all("Traceback" not in e["message"] for e in result["errors"])
    assert all(e["extensions"]["code"] for e in result["errors"])
    assert (await app.client.get("/health")).status_code == 200


async def test_representation_of_an_unknown_type_is_bad_user_input(app: Harness) -> None:
    result = await app.gql(ENTITIES, {"r": [{"__typename": "Product", "id": "p-1"}]})
    assert result["data"] is None
    assert result["errors"][0]["extensions"] == {
        "code": "BAD_USER_INPUT", "field": "representations[0]"}


@pytest.mark.parametrize(
    ("viewer", "visible"),
    [
        (Principal("u-1", "ada@example.com", "Ada", ("customer",)), True),
        (Principal("admin-1", "root@example.com", "Root", ("admin",)), True),
        (Principal("u-2", "eve@example.com", "Eve", ("customer",)), False),
        (None, False),
    ],
)
def test_private_fields_are_for_the_user_themself_and_admins(
    viewer: Principal | None, visible: bool
) -> None:
    # (me, register, login and _entities disclose them; this guards every other path)
    assert may_see_private(viewer, "u-1") is visible


async def test_admin_token_reads_admin_roles_from_the_database(app: Harness) -> None:
    async with app.services.database.transaction() as session:
        signed = await app.services.users.register(
            session, Registration("root@example.com", "root-pass-99", "Root"),
            roles=(Role.CUSTOMER, Role.ADMIN),
        )
    token = issue_token(Principal(signed.user.id, "root@example.com", "Root", ("admin",)),
                        dev_issuer(app.settings))[0]
    result = await app.gql("{ me { roles } }", token=token)
    assert result == {"data": {"me": {"roles": ["customer", "admin"]}}}
