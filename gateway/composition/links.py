"""Resolve federation directive names declared by a subgraph's `@link` (link spec v1.0)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from graphql import DocumentNode, ListValueNode, ObjectValueNode, StringValueNode, ValueNode
from graphql.language import SchemaDefinitionNode, SchemaExtensionNode

__all__ = ["FEDERATION_DIRECTIVES", "KNOWN_VERSIONS", "LinkInfo", "read_links"]

# Directives of the federation v2 spec (https://specs.apollo.dev/federation/v2.9).
FEDERATION_DIRECTIVES = frozenset({
    "key", "requires", "provides", "external", "tag", "extends", "shareable", "inaccessible",
    "override", "composeDirective", "interfaceObject", "authenticated", "requiresScopes",
    "policy", "context", "fromContext", "cost", "listSize",
})
_FEDERATION_URL = re.compile(r"^https://specs\.apollo\.dev/federation/(v\d+\.\d+)$")
# Federation versions this composer knows (https://specs.apollo.dev/federation/v2.0 .. v2.11).
KNOWN_VERSIONS = frozenset({f"v2.{minor}" for minor in range(12)})


@dataclass
class LinkInfo:
    """Federation version and the local name of every federation directive in one subgraph."""

    version: str = "v1.0"
    names: dict[str, str] = field(default_factory=dict)  # local name -> canonical name
    imported: dict[str, str] = field(default_factory=dict)  # `import:`ed: local -> canonical
    links: list[tuple[str, list[ValueNode]]] = field(default_factory=list)  # other @link urls

    def canonical(self, local: str) -> str | None:
        """Return the federation directive a local directive name stands for, if any."""
        return self.names.get(local)


def read_links(document: DocumentNode) -> LinkInfo:
    """Read `@link` on `schema`/`extend schema`; without a federation link, assume fed v1 names."""
    info = LinkInfo()
    found = False
    for node in document.definitions:
        if not isinstance(node, SchemaDefinitionNode | SchemaExtensionNode):
            continue
        for directive in node.directives or ():
            if directive.name.value != "link":
                continue
            args = {a.name.value: a.value for a in directive.arguments}
            url = _string(args.get("url"))
            match = _FEDERATION_URL.match(url or "")
            if match:
                found = True
                info.version = match.group(1)
                info.names = _federation_names(args)
                info.imported = {n: c for n, c in info.names.items() if "__" not in n}
            elif url:
                info.links.append((url, list(directive.arguments)))
    if not found:
        info.names = {name: name for name in FEDERATION_DIRECTIVES}
    return info


def _federation_names(args: dict[str, ValueNode]) -> dict[str, str]:
    """Namespaced `@federation__x` names for all, bare or renamed names for imports."""
    prefix = _string(args.get("as")) or "federation"
    names = {f"{prefix}__{name}": name for name in FEDERATION_DIRECTIVES}
    imports = args.get("import")
    for item in imports.values if isinstance(imports, ListValueNode) else ():
        original, alias = _import(item)
        if original and original.startswith("@") and original[1:] in FEDERATION_DIRECTIVES:
            names[(alias or original)[1:]] = original[1:]
    return names


def _import(item: ValueNode) -> tuple[str | None, str | None]:
    """An import is `"@key"` or `{name: "@key", as: "@primaryKey"}`."""
    if isinstance(item, StringValueNode):
        return item.value, None
    if isinstance(item, ObjectValueNode):
        fields = {f.name.value: _string(f.value) for f in item.fields}
        return fields.get("name"), fields.get("as")
    return None, None


def _string(value: ValueNode | None) -> str | None:
    return value.value if isinstance(value, StringValueNode) else None
