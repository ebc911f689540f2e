"""The storefront's .graphql operations are trusted documents: each is in the checked-in manifest
with the body Apollo Client sends (``__typename`` added), so safelist mode serves the app."""

from __future__ import annotations

import json

from graphql import parse, print_ast

from gateway.manifest import add_typename, build_manifest
from infra.dev.schema import MANIFEST, STOREFRONT_OPERATIONS


def storefront_operations() -> list[dict]:
    files = sorted(STOREFRONT_OPERATIONS.rglob("*.graphql"))
    return build_manifest(add_typename(parse(f.read_text())) for f in files)["operations"]


def test_every_storefront_operation_is_in_the_manifest_with_its_apollo_body():
    # Given the app's operations and the manifest `make schema` wrote
    wanted = storefront_operations()
    listed = {op["id"]: op for op in json.loads(MANIFEST.read_text())["operations"]}
    # Then each one is listed under its hash, with its name and body
    missing = [op["name"] for op in wanted if listed.get(op["id"]) != op]
    assert len(wanted) >= 15
    assert missing == [], f"not in {MANIFEST.name} (run `make schema`): {missing}"


def test_typename_goes_below_the_root_once_as_apollo_client_adds_it():
    # Given an operation with a nested field, an inline fragment and an explicit __typename
    document = parse("query Q { me { id orders { __typename edges { node { ... on Order "
                     "{ id } } } } } }")
    # When __typename is added the Apollo way
    printed = print_ast(add_typename(document))
    # Then every selection set below the root ends with it, never twice, the root has none
    assert printed == (
        "query Q {\n  me {\n    id\n    orders {\n      __typename\n      edges {\n"
        "        node {\n          ... on Order {\n            id\n            __typename\n"
        "          }\n          __typename\n        }\n        __typename\n      }\n    }\n"
        "    __typename\n  }\n}"
    )
