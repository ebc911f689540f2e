"""Merged types follow Federation v2's composition rules, written here from the rules.

Outputs merge to the most general type (nullable over non-null, an interface or union over its
member, item by item in lists): every subgraph's value is a valid value of it. Inputs
(arguments, input fields) merge to the most restrictive type: every subgraph accepts its values.
An `@external` copy does not take part; a Federation 1 extension's key field is the extension's
own, so it does. An `@inaccessible` enum value may be missing from some subgraphs.
"""

from __future__ import annotations

import pytest
from graphql import parse, print_ast
from graphql.language import EnumTypeDefinitionNode

from .harness import compose_case

# case -> {coordinate: merged type}
MERGED_TYPES = {
    "merge_output_nullability": {"Product.name": "String", "Product.tags": "[String]"},
    "merge_output_nullability_federation1_key": {"User.id": "ID"},
    "output_field_subtype": {"Query.thing": "Node"},
    "list_nullability_output": {"T.xs": "[Int]", "T.ys": "[Int]"},
    "merge_argument_most_restrictive": {"Query.f(x:)": "Int!", "Query.f(y:)": "[Int!]"},
    "input_list_nullability": {"In.xs": "[Int!]", "In.y": "Int!"},
    "requires_nested_local_parent": {"Review.author": "Author", "Author.yearsOfExperience": "Int"},
}
# case -> {enum: [(value, inaccessible)]}
MERGED_ENUMS = {
    "enum_inaccessible_value_input_and_output": {
        "Level": [("EXTREME", True), ("HIGH", False), ("LOW", False)]},
}


def _types(supergraph: str) -> dict[str, str]:
    types = {}
    for node in parse(supergraph).definitions:
        for field in getattr(node, "fields", None) or ():
            coordinate = f"{node.name.value}.{field.name.value}"
            types[coordinate] = print_ast(field.type)
            for arg in getattr(field, "arguments", None) or ():
                types[f"{coordinate}({arg.name.value}:)"] = print_ast(arg.type)
    return types


@pytest.mark.timeout(60)
@pytest.mark.parametrize("case", sorted(MERGED_TYPES))
def test_merged_field_types_follow_the_output_and_input_rules(case: str) -> None:
    # given subgraphs typing a field differently, when composed
    supergraph = compose_case(case).supergraph
    # then each merged type is the one the rules give
    assert supergraph is not None
    merged = _types(supergraph)
    assert {c: merged.get(c) for c in MERGED_TYPES[case]} == MERGED_TYPES[case]


@pytest.mark.timeout(60)
@pytest.mark.parametrize("case", sorted(MERGED_ENUMS))
def test_inaccessible_enum_value_is_kept_hidden_instead_of_refused(case: str) -> None:
    # given an enum used as input and output, one value only in some subgraphs but @inaccessible
    supergraph = compose_case(case).supergraph
    # then it composes, keeping the value, hidden
    assert supergraph is not None
    enums = {n.name.value: n for n in parse(supergraph).definitions
             if isinstance(n, EnumTypeDefinitionNode)}
    for name, expected in MERGED_ENUMS[case].items():
        values = sorted((v.name.value, any(d.name.value == "inaccessible" for d in v.directives))
                        for v in enums[name].values)
        assert values == expected
