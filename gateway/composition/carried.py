"""Directives carried into the supergraph: tag, inaccessible, auth, cost and composed ones."""

from __future__ import annotations

from collections.abc import Iterable

from graphql import ListValueNode, StringValueNode, ValueNode, print_ast

from .model import Element

__all__ = ["Carried"]

_AUTH_SPECS = ("requiresScopes", "policy")


class Carried:
    """Collects which carried specs the supergraph uses, for its `@link`s and definitions."""

    def __init__(self, composed: Iterable[str]) -> None:
        self.composed = set(composed)
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
        groups: dict[str, None] = {}
        for element in elements:
            for application in element.fed.get(name, []):
                value = application.get(argument)
                for group in value.values if isinstance(value, ListValueNode) else ():
                    groups[print_ast(group)] = None
        if not groups:
            return []
        self.used.add(name)
        return [f"@{name}({argument}: [{', '.join(groups)}])"]

    def _cost(self, elements: list[Element]) -> list[str]:
        out = []
        weights = [print_ast(a["weight"]) for e in elements for a in e.fed.get("cost", [])
                   if "weight" in a]
        if weights:
            self.used.update({"cost", "cost.cost"})
            out.append(f"@cost(weight: {max(weights, key=int)})")
        sizes = [a for e in elements for a in e.fed.get("listSize", [])]
        if sizes:
            self.used.update({"cost", "cost.listSize"})
            args = ", ".join(f"{k}: {print_ast(v)}" for k, v in sizes[0].items())
            out.append(f"@listSize({args})" if args else "@listSize")
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


def _str(value: ValueNode | None) -> str | None:
    return value.value if isinstance(value, StringValueNode) else None


def _quote(text: str) -> str:
    return print_ast(StringValueNode(value=text))
