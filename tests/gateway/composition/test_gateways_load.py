"""Every supergraph we compose loads in our gateway and in @apollo/gateway."""

from __future__ import annotations

import pytest

from gateway.supergraph import load_supergraph

from .harness import CASES, apollo_gateway_load, compose_case

SUCCESSFUL = [c for c in CASES if not c.startswith("error_")]


@pytest.mark.parametrize("case", SUCCESSFUL)
def test_our_gateway_loads_the_supergraph(case: str) -> None:
    supergraph = compose_case(case).supergraph
    assert supergraph is not None
    model = load_supergraph(supergraph)
    assert model is not None


@pytest.mark.differential
def test_apollo_gateway_loads_every_supergraph(js_oracle: None) -> None:
    # given every case that composes, when Apollo Gateway loads each supergraph
    supergraphs = [compose_case(c).supergraph for c in SUCCESSFUL]
    results = apollo_gateway_load([s for s in supergraphs if s is not None])
    # then none is rejected, except for SECURITY features Apollo Gateway cannot enforce
    # (it refuses @policy; Apollo Router enforces it)
    failures = {c: r for c, r in zip(SUCCESSFUL, results, strict=True)
                if r is not None and "is for: SECURITY but is unsupported" not in r}
    assert failures == {}


@pytest.mark.timeout(60)
def test_interface_object_requires_reads_the_external_field_from_the_owner() -> None:
    # given `Media` as an @interfaceObject in b, whose `title` is @external and only required
    # by `shout @requires(fields: "title")`, when composed and loaded by our gateway
    model = load_supergraph(compose_case("interface_object_requires").supergraph or "")
    title = model.type("Media").fields["title"]
    # then b is known not to resolve `title` (it receives it through @requires), a does
    assert title.join("b").external is True
    assert title.join("a") is not None and title.join("a").external is False
    assert model.type("Media").fields["shout"].join("b").requires is not None
