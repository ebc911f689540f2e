"""The gateway sends the cart the same operation text over and over: it is parsed and validated
once, yet every read is priced anew and an invalid operation stays invalid."""

from __future__ import annotations

from tests.subgraphs.cart.harness import ADA, BOB, Harness, errors_of

READ = "{ cart { items { product { id } quantity } total { amount currency } } }"


async def test_the_same_read_repeated_follows_price_changes_and_the_caller(app: Harness) -> None:
    # given Ada's cart with 2 x p1 and Bob's with 1 x p1
    app.stock("p1", 1000, stock=10)
    await app.added("p1", 2, user=ADA)
    await app.added("p1", 1, user=BOB)
    first = await app.gql(READ, user=ADA)
    # when the price changes and the identical operation text is sent again, by each of them
    app.stock("p1", 700, stock=10)
    again = await app.gql(READ, user=ADA)
    bob = await app.gql(READ, user=BOB)
    # then each answer is that caller's cart at the price of that moment
    assert first["data"]["cart"]["total"] == {"amount": 2000, "currency": "USD"}
    assert again["data"]["cart"]["total"] == {"amount": 1400, "currency": "USD"}
    assert bob["data"]["cart"]["total"] == {"amount": 700, "currency": "USD"}


async def test_an_invalid_operation_is_refused_every_time_it_is_sent(app: Harness) -> None:
    for _ in range(3):
        result = await app.gql("{ cart { items { noSuchField } } }", user=ADA)
        assert result.get("data") is None
        assert [code for code, _ in errors_of(result)] == ["GRAPHQL_VALIDATION_FAILED"]
