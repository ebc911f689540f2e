"""Each pipeline stage fails with its own code; preparation is cached, execution is not."""

from __future__ import annotations

from gateway.config import GatewayConfig
from gateway.pipeline import GraphQLRequest, Pipeline
from tests.gateway.pipeline.shop import Shop


async def run(pipeline: Pipeline, query: str, **options):
    return (await pipeline.run(GraphQLRequest(query, **options))).response


def codes(response) -> list[str]:
    return [e["extensions"]["code"] for e in response["errors"]]


async def test_entity_jump_through_the_whole_pipeline_with_one_entities_call(pipeline, shop):
    response = await run(pipeline, '{ product(id: "p3") { name stock } }')
    assert response == {"data": {"product": {"name": "Rug", "stock": 3}}}
    assert shop.calls == {"products": 1, "inventory": 1}


async def test_failed_entity_reference_nulls_the_parent_with_the_error_at_its_path(pipeline):
    # Strawberry reports a failing resolve_reference at ["_entities", i]: the object's own path
    response = await run(pipeline, '{ product(id: "p2") { name stock } }')
    assert response["data"] == {"product": None}
    [error] = response["errors"]
    assert error["message"] == "no stock figure for p2"
    assert error["path"] == ["product"]
    assert error["extensions"]["serviceName"] == "inventory"


async def test_parse_error_has_code_and_location(pipeline):
    response = await run(pipeline, "{ product(id: ")
    assert "data" not in response
    assert codes(response) == ["GRAPHQL_PARSE_FAILED"]
    assert response["errors"][0]["locations"] == [{"line": 1, "column": 15}]


async def test_unknown_field_is_a_validation_error_with_locations(pipeline):
    response = await run(pipeline, "{\n  products { nope }\n}")
    assert codes(response) == ["GRAPHQL_VALIDATION_FAILED"]
    assert response["errors"][0]["locations"] == [{"line": 2, "column": 14}]
    assert "nope" in response["errors"][0]["message"]


async def test_wrong_variable_type_is_bad_user_input(pipeline):
    response = await run(pipeline, "query($id: ID!) { product(id: $id) { name } }",
                         variables={"id": {"not": "an id"}})
    assert codes(response) == ["BAD_USER_INPUT"]
    assert "$id" in response["errors"][0]["message"]


async def test_missing_required_variable_is_bad_user_input(pipeline):
    response = await run(pipeline, "query($id: ID!) { product(id: $id) { name } }")
    assert codes(response) == ["BAD_USER_INPUT"]


async def test_unknown_operation_name_is_refused(pipeline):
    response = await run(pipeline, "query A { products { id } }", operation_name="B")
    assert codes(response) == ["GRAPHQL_UNKNOWN_OPERATION_NAME"]


async def test_several_operations_without_a_name_are_refused(pipeline):
    response = await run(pipeline, "query A { products { id } } query B { whoami }")
    assert codes(response) == ["GRAPHQL_UNKNOWN_OPERATION_NAME"]


async def test_operation_name_picks_the_operation(pipeline):
    response = await run(pipeline, "query A { products { id } } query B { product(id: \"p1\") "
                         "{ name } }", operation_name="B")
    assert response == {"data": {"product": {"name": "Chair"}}}


async def test_preparation_is_cached_and_execution_is_not(pipeline, shop):
    request = GraphQLRequest('{ product(id: "p1") { name } }')
    first, second = pipeline.prepare(request), pipeline.prepare(request)
    assert first is second
    await pipeline.run(request)
    await pipeline.run(request)
    assert shop.calls["products"] == 2


async def test_a_cached_failure_is_reported_afresh_every_time(pipeline):
    first = await run(pipeline, "{ nope }")
    first["errors"][0]["message"] = "changed by a plugin"
    second = await run(pipeline, "{ nope }")
    assert second["errors"][0]["message"] != "changed by a plugin"


async def test_introspection_can_be_turned_off():
    pipeline = Shop().app(GatewayConfig(introspection=False)).state.gateway.pipeline
    response = await run(pipeline, "{ __schema { queryType { name } } }")
    assert codes(response) == ["GRAPHQL_VALIDATION_FAILED"]
    assert "Introspection is disabled" in response["errors"][0]["message"]


async def test_mutation_runs_against_its_subgraph(pipeline):
    response = await run(pipeline, 'mutation { rename(id: "p1", name: "Seat") { id name } }')
    assert response == {"data": {"rename": {"id": "p1", "name": "Seat"}}}


async def test_include_false_on_a_whole_fetch_skips_that_subgraph(pipeline, shop):
    query = 'query($s: Boolean!) { product(id: "p1") { name stock @include(if: $s) } }'
    skipped = await run(pipeline, query, variables={"s": False})
    assert skipped == {"data": {"product": {"name": "Chair"}}}
    assert shop.calls["inventory"] == 0
    included = await run(pipeline, query, variables={"s": True})
    assert included == {"data": {"product": {"name": "Chair", "stock": 5}}}
    assert shop.calls["inventory"] == 1


async def test_a_list_of_entities_is_one_entities_call_not_one_per_item(pipeline, shop):
    # given three products, one of which inventory cannot resolve (p2)
    response = await run(pipeline, "{ products { name stock } }")
    # then one _entities call carried all three, and p2's error nulls the non-null list
    assert shop.calls == {"products": 1, "inventory": 1}
    assert response["data"] is None
    assert [e["path"] for e in response["errors"]] == [["products", 1]]
