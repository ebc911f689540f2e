"""Loading supergraphs: the planning model, the API schema, and clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from graphql import print_schema

from gateway.supergraph import SupergraphError, load_supergraph

HERE = Path(__file__).parent / "fixtures"
PLANNER = Path(__file__).parent.parent / "planner" / "fixtures"
BENCH = Path(__file__).resolve().parents[2] / "bench" / "federation"  # its own workload


def _load(path: Path):
    return load_supergraph(path.read_text())


@pytest.mark.parametrize("minor", range(12))
def test_federation_2_minor_versions_load(minor):
    # given a supergraph composed from subgraphs linking federation/v2.<minor>
    graph = _load(HERE / f"federation-v2.{minor}.graphql")
    # then the model and API schema are there, and the join version matches the composer
    assert graph.subgraphs == {"a": "http://a", "b": "http://b"}
    assert set(graph.api_schema.get_type("Product").fields) == {"id", "name", "stock"}
    expected = "v0.3" if minor < 7 else ("v0.4" if minor == 7 else "v0.5")
    assert graph.join_version == expected


def test_join_v0_2_supergraph_loads_and_infers_membership_without_new_directives():
    graph = _load(HERE / "join-v0.2.graphql")
    assert graph.join_version == "v0.2"
    assert graph.types["Product"].keys_in("b")[0].fields == "id"


@pytest.mark.parametrize("name", ["guild-v2.3.graphql", "guild-v2.9-security.graphql"])
def test_supergraphs_from_the_guild_composer_load(name):
    graph = _load(HERE / name)
    assert "Product" in graph.api_schema.type_map


def test_api_schema_drops_join_link_and_security_machinery_and_inaccessible_elements():
    graph = _load(HERE / "federation-v2.9-security.graphql")
    sdl = print_schema(graph.api_schema)
    for hidden in ("join__", "link__", "@link", "@authenticated", "@listSize", "secret"):
        assert hidden not in sdl
    assert "products(first: Int): [Product]" in sdl


def test_security_requirements_are_kept_in_the_model():
    fields = _load(HERE / "federation-v2.9-security.graphql").types["Product"].fields
    assert fields["name"].access.authenticated
    assert fields["price"].access.scopes == (("read:price",), ("admin",))
    assert fields["cost"].access.policies == (("finance",),)


def test_inaccessible_field_stays_in_the_model_but_not_in_the_api_schema():
    graph = _load(PLANNER / "shop" / "supergraph.graphql")
    assert graph.types["Product"].fields["secret"].inaccessible
    assert "secret" not in graph.api_schema.get_type("Product").fields


def test_several_keys_compound_and_nested_are_modelled_per_subgraph():
    product = _load(PLANNER / "key_chain" / "supergraph.graphql").types["Product"]
    assert [k.fields for k in product.keys_in("b")] == ["id", "sku { code region }"]
    assert [k.fields for k in product.keys_in("c")] == ["sku { code region }"]


def test_requires_provides_and_external_are_parsed_into_selections():
    graph = _load(BENCH / "supergraph.graphql")
    estimate = graph.types["Product"].fields["shippingEstimate"].join("inventory")
    assert [s.name.value for s in estimate.requires.selections] == ["price", "weight"]
    assert graph.types["Product"].fields["price"].join("inventory").external
    author = graph.types["Review"].fields["author"].join("reviews")
    assert author.provides.selections[0].name.value == "username"


def test_progressive_override_labels_are_modelled_on_both_sides():
    price = _load(PLANNER / "progressive_override" / "supergraph.graphql").types["Product"]
    joins = {j.graph: j for j in price.fields["price"].joins}
    assert (joins["b"].override, joins["b"].override_label) == ("a", "percent(25)")
    assert joins["a"].override_label == "percent(25)"


def test_interface_object_and_non_resolvable_keys_are_modelled():
    media = _load(PLANNER / "interface_object" / "supergraph.graphql").types["Media"]
    assert media.interface_object_graphs == {"b", "c"}
    assert media.keys_in("c") == []
    assert [k.graph for k in media.keys if not k.resolvable] == ["c"]


def test_union_membership_and_implementations_are_per_subgraph():
    graph = _load(PLANNER / "unions_differ" / "supergraph.graphql")
    assert graph.possible_types_in("Result", "a") == ["Book", "Movie"]
    assert graph.possible_types_in("Result", "b") == ["Book", "Song"]
    media = _load(PLANNER / "interface_object" / "supergraph.graphql")
    assert media.possible_types_in("Media", "a") == ["Book", "Movie"]
    assert media.possible_types_in("Media", "b") == []


@pytest.mark.parametrize(
    ("sdl", "message"),
    [
        ("type Query {", "does not parse"),
        ("type Query { a: Int }", "no @link"),
        ('schema @core(feature: "https://specs.apollo.dev/core/v0.1") { query: Query }', "@core"),
        (
            'schema @link(url: "https://specs.apollo.dev/link/v1.0") { query: Query }'
            " type Query { a: Int }",
            "join",
        ),
    ],
)
def test_invalid_supergraphs_raise_a_clear_supergraph_error(sdl, message):
    with pytest.raises(SupergraphError, match=message):
        load_supergraph(sdl)


def test_renamed_join_spec_through_link_as_is_understood():
    # given the join spec linked `as: "j"`: every join__ name becomes j__
    sdl = (HERE / "federation-v2.3.graphql").read_text().replace("join__", "j__")
    sdl = sdl.replace('join/v0.3", for: EXECUTION)', 'join/v0.3", as: "j", for: EXECUTION)')
    graph = load_supergraph(sdl)
    assert graph.subgraphs == {"a": "http://a", "b": "http://b"}
    assert [k.graph for k in graph.types["Product"].keys] == ["a", "b"]
    assert "j__Graph" not in graph.api_schema.type_map


def test_a_graph_enum_value_without_its_name_is_a_supergraph_error():
    sdl = (HERE / "federation-v2.3.graphql").read_text().replace('name: "a", ', "")
    with pytest.raises(SupergraphError, match="malformed"):
        load_supergraph(sdl)
