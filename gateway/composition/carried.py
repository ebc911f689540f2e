"""Directives carried into the supergraph: tag, inaccessible, auth, cost and composed ones."""

from __future__ import annotations

from collections.abc import Iterable

from graphql import ListValueNode, StringValueNode, ValueNode, print_ast

from .model import Element

__all__ = ["Carried"]

_AUTH_SPECS = ("requiresScopes", "policy")


class Carried:
    """Collects which carried specs the supergraph uses, for its `@link`s and definitions."""

    def __init__(self, composed: Iterable[str], cost_names: dict[str, str]) -> None:
        self.composed = set(composed)
        self.cost_names = cost_names  # canonical -> name printed (the subgraphs' local name)
        self.used: set[str] = set()

    def directives(self, elements: list[Element]) -> list[str]:
        """Printed directives for one merged element, from what each subgraph applied."""
        out: list[str] = []
        out += self._tags(elements)
        for name in ("inaccessible", "authenticated"):
            if any(e.has(name) for e in elements):
                self.used.add(name)
                out.append(f"@{name}")
        for name in _AUTH_SPECS:
            out += self._auth(elements, name)
        out += self._cost(elements)
        out += self._other(elements)
        return out

    def _tags(self, elements: list[Element]) -> list[str]:
        names = dict.fromkeys(_str(a.get("name")) for e in elements for a in e.fed.get("tag", []))
        if names:
            self.used.add("tag")
        return [f'@tag(name: {_quote(n)})' for n in names if n is not None]

    def _auth(self, elements: list[Element], name: str) -> list[str]:
        """Scopes/policies from every subgraph, deduplicated (requiresScopes/policy v0.1)."""
        argument = "scopes" if name == "requiresScopes" else "policies"
        merged: list[list[str]] = []
        for element in elements:
            for application in element.fed.get(name, []):
                merged = _conjunction(merged, _groups(application.get(argument)))
        if not merged:
            return []
        self.used.add(name)
        printed = ", ".join("[" + ", ".join(_quote(s) for s in g) + "]" for g in merged)
        return [f"@{name}({argument}: [{printed}])"]

    def _cost(self, elements: list[Element]) -> list[str]:
        out = []
        weights = [print_ast(a["weight"]) for e in elements for a in e.fed.get("cost", [])
                   if "weight" in a]
        if weights:
            self.used.update({"cost", "cost.cost"})
            out.append(f"@{self.cost_names['cost']}(weight: {max(weights, key=int)})")
        sizes = [a for e in elements for a in e.fed.get("listSize", [])]
        if sizes:
            self.used.update({"cost", "cost.listSize"})
            args = ", ".join(f"{k}: {print_ast(v)}" for k, v in sizes[0].items())
            name = self.cost_names["listSize"]
            out.append(f"@{name}({args})" if args else f"@{name}")
        return out

    def _other(self, elements: list[Element]) -> list[str]:
        """`@deprecated` and `@specifiedBy` once; `@composeDirective`d directives deduplicated."""
        seen: dict[str, None] = {}
        for element in elements:
            for directive in element.other:
                name = directive.name.value
                printed = print_ast(directive)
                if name in ("deprecated", "specifiedBy"):
                    if not any(s.startswith(f"@{name}") for s in seen):
                        seen[printed] = None
                elif name in self.composed:
                    seen[printed] = None
        return list(seen)


def _groups(value: ValueNode | None) -> list[list[str]]:
    """`[["a", "b"], ["c"]]`: any one group suffices, and every scope of a group is needed."""
    groups = value.values if isinstance(value, ListValueNode) else ()
    return [[s.value for s in getattr(g, "values", ()) if isinstance(s, StringValueNode)]
            for g in groups]


def _conjunction(a: list[list[str]], b: list[list[str]]) -> list[list[str]]:
    """Both requirements at once (a AND b), each in disjunctive form, with absorbed groups
    removed (requiresScopes/policy v0.1: subgraph requirements add up)."""
    if not a or not b:
        return [list(g) for g in a or b]
    candidates = sorted({tuple(sorted(set(x) | set(y))) for x in a for y in b},
                        key=lambda g: (len(g), ",".join(g)))
    kept: list[tuple[str, ...]] = []
    for group in candidates:
        if not any(set(k) <= set(group) for k in kept):
            kept.append(group)
    return [list(g) for g in kept]


def _str(value: ValueNode | None) -> str | None:
    return value.value if isinstance(value, StringValueNode) else None


def _quote(text: str) -> str:
    return print_ast(StringValueNode(value=text))
