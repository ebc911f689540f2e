"""Resolve `@link` imports: which local name each linked spec's directives and types carry.

Core schemas spec (https://specs.apollo.dev/link/v1.0): an element of a linked spec is referred to
as `prefix__element` unless imported; the directive named like the spec itself is `@prefix`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from graphql import (
    DocumentNode,
    SchemaDefinitionNode,
    SchemaExtensionNode,
    value_from_ast_untyped,
)

from gateway.supergraph.errors import SupergraphError

__all__ = ["LinkedSpec", "Links", "read_links"]

_LINK_URL = "https://specs.apollo.dev/link/"


@dataclass(frozen=True, slots=True)
class LinkedSpec:
    """One `@link`: the spec's name, version, local prefix and imported names."""

    url: str
    name: str
    version: str
    prefix: str
    imports: dict[str, str] = field(default_factory=dict)

    def directive(self, element: str) -> str:
        """Local name of this spec's directive `element` (without the `@`)."""
        if f"@{element}" in self.imports:
            return self.imports[f"@{element}"].lstrip("@")
        return self.prefix if element == self.name else f"{self.prefix}__{element}"

    def type(self, element: str) -> str:
        """Local name of this spec's type `element`."""
        return self.imports.get(element, f"{self.prefix}__{element}")

    def owns(self, name: str) -> bool:
        """True when a directive or type name (no `@`) belongs to this spec."""
        imported = {alias.lstrip("@") for alias in self.imports.values()}
        return name == self.prefix or name.startswith(f"{self.prefix}__") or name in imported


@dataclass(frozen=True, slots=True)
class Links:
    """Every `@link` of a supergraph, by spec name."""

    link_directive: str
    specs: dict[str, LinkedSpec]

    def get(self, name: str) -> LinkedSpec | None:
        """The linked spec called `name` (e.g. "join", "inaccessible"), if linked."""
        return self.specs.get(name)

    def is_machinery(self, name: str) -> bool:
        """True for directive/type names that belong to a spec.apollo.dev feature."""
        if name == self.link_directive:
            return True
        return any(
            spec.owns(name) for spec in self.specs.values() if "specs.apollo.dev" in spec.url
        )


def read_links(document: DocumentNode) -> Links:
    """Collect the `@link` directives on the schema definition and extensions."""
    nodes = [
        d for d in document.definitions if isinstance(d, SchemaDefinitionNode | SchemaExtensionNode)
    ]
    raw = [
        {arg.name.value: value_from_ast_untyped(arg.value) for arg in directive.arguments or ()}
        for node in nodes
        for directive in node.directives
        if directive.name.value in ("link", "core")
    ]
    if any("feature" in args for args in raw):
        raise SupergraphError("Federation 1 (@core) supergraphs are not supported; recompose as v2")
    self_link = next((r for r in raw if str(r.get("url", "")).startswith(_LINK_URL)), None)
    if self_link is None:
        raise SupergraphError("not a supergraph: no @link to https://specs.apollo.dev/link")
    specs = {}
    for args in raw:
        spec = _spec(args)
        specs.setdefault(spec.name, spec)
    return Links(link_directive=self_link.get("as") or "link", specs=specs)


def _spec(args: dict) -> LinkedSpec:
    url = str(args.get("url") or "")
    parts = [p for p in url.rstrip("/").split("/") if p]
    if len(parts) < 2:
        raise SupergraphError(f"@link url {url!r} has no name/version")
    name, version = parts[-2], parts[-1]
    return LinkedSpec(url, name, version, args.get("as") or name, _imports(args.get("import")))


def _imports(value: object) -> dict[str, str]:
    result: dict[str, str] = {}
    for item in value or []:
        if isinstance(item, str):
            result[item] = item
        elif isinstance(item, dict) and "name" in item:
            result[item["name"]] = item.get("as") or item["name"]
    return result
