"""Warnings point at something to tidy, and never stop composition."""

from __future__ import annotations

from gateway.composition import SubgraphSource, compose

from .harness import compose_case

_LINK = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: {})\n'


def _compose(**sdl: str):
    return compose([SubgraphSource(name, f"http://{name}", text) for name, text in sdl.items()])


def test_imported_but_unused_directive_warns() -> None:
    result = _compose(a=_LINK.format('["@key", "@tag"]') + 'type Query { a: Int }')
    assert result.supergraph is not None
    assert [(w.code, w.subgraph, w.message.split()[0]) for w in result.warnings] == [
        ("UNUSED_IMPORT", "a", "@key"), ("UNUSED_IMPORT", "a", "@tag")]


def test_different_descriptions_warn_and_the_most_common_wins() -> None:
    # "Desc B" in b and c, "Desc A" in a; "amount A" and "amount B" once each: the first
    result = compose_case("descriptions_merge")
    described = [w for w in result.warnings if w.code == "INCONSISTENT_DESCRIPTION"]
    assert result.supergraph is not None
    assert {w.coordinate for w in described} == {"Money", "Money.amount"}
    assert '"""\nDesc B\n"""\ntype Money' in result.supergraph
    assert '"""\n  amount A\n  """\n  amount' in result.supergraph
