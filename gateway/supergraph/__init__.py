"""Load a Federation v2 supergraph SDL into a planning model and the API schema clients see."""

from __future__ import annotations

from graphql import GraphQLError, parse

from gateway.supergraph.api_schema import build_api_schema
from gateway.supergraph.errors import SupergraphError
from gateway.supergraph.fieldsets import parse_field_set
from gateway.supergraph.links import read_links
from gateway.supergraph.loader import read_graphs, read_root_types, read_types
from gateway.supergraph.model import *  # noqa: F403  (the planning model, as model.__all__ lists it)
from gateway.supergraph.model import Supergraph
from gateway.supergraph.model import __all__ as _MODEL

__all__ = [*_MODEL, "SupergraphError", "load_supergraph", "parse_field_set"]


def load_supergraph(sdl: str) -> Supergraph:
    """Parse and model a supergraph; raise SupergraphError when it is not a usable one."""
    try:
        document = parse(sdl, no_location=True)
    except GraphQLError as error:
        raise SupergraphError(f"supergraph SDL does not parse: {error.message}") from error
    try:
        links = read_links(document)
        graphs = read_graphs(document, links)
        types = read_types(document, links, graphs)
    except (KeyError, TypeError, AttributeError) as error:
        raise SupergraphError(f"malformed join/link directives: {error!r}") from error
    roots = read_root_types(document)
    if "query" not in roots or roots["query"] not in types:
        raise SupergraphError("supergraph has no query root type")
    return Supergraph(
        api_schema=build_api_schema(document, links),
        subgraphs=dict(graphs.values()),
        types=types,
        root_types=roots,
        join_version=links.get("join").version,  # type: ignore[union-attr]
        link_versions={name: spec.version for name, spec in links.specs.items()},
    )
