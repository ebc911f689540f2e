"""The products federation schema (Federation v2, errors with ``extensions.code``).

Parsed documents and validation results are cached by the kit's schema (``kit.schema``): the
gateway and the cart send the same few documents over and over, and re-validating each one was
~40% of this subgraph's CPU in the storefront benchmark. Both depend on the document and the
schema only, never on variables or the caller, so a cached answer is the one validation would
give again; an invalid document stays invalid.
"""

from __future__ import annotations

from subgraphs.kit.schema import federation_schema
from subgraphs.products.graphql.entities import Product
from subgraphs.products.graphql.mutations import Mutation
from subgraphs.products.graphql.queries import Query

__all__ = ["schema"]

# The kit's schema: a malformed _entities representation is BAD_USER_INPUT, not a crash (a
# fuzzing finding: products alone built a plain strawberry schema).
schema = federation_schema(query=Query, mutation=Mutation, types=[Product])
