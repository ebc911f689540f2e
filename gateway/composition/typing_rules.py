"""Type reference rules: output fields merge to the common supertype, inputs to the subtype."""

from __future__ import annotations

__all__ = ["Hierarchy", "is_subtype", "merge_input_types", "merge_output_types", "named_type"]

# possible abstract parents of a named type: interfaces it implements, unions it belongs to
Hierarchy = dict[str, set[str]]


def named_type(ref: str) -> str:
    """`[Product!]!` -> `Product`."""
    return ref.strip("[]!")


def is_subtype(sub: str, sup: str, hierarchy: Hierarchy) -> bool:
    """Covariant output subtyping (Federation v2 composition: field types may differ this way)."""
    if sub == sup:
        return True
    if sub.endswith("!"):
        inner = sub[:-1]
        return is_subtype(inner, sup[:-1] if sup.endswith("!") else sup, hierarchy)
    if sup.endswith("!"):
        return False
    if sub.startswith("[") and sup.startswith("["):
        return is_subtype(sub[1:-1], sup[1:-1], hierarchy)
    if sub.startswith("[") or sup.startswith("["):
        return False
    return sup in hierarchy.get(sub, set())


def merge_output_types(types: list[str], hierarchy: Hierarchy) -> str | None:
    """The type every subgraph's type is a subtype of, or None when they conflict."""
    for candidate in types:
        if all(is_subtype(t, candidate, hierarchy) for t in types):
            return candidate
    return None


def merge_input_types(types: list[str]) -> str | None:
    """Inputs merge to the most restrictive type, the one every subgraph accepts values of
    (`Int!` over `Int`, `[Int!]` over `[Int]`), or None when the types are unrelated."""
    for candidate in types:
        if all(is_subtype(candidate, t, {}) for t in types):
            return candidate
    return None
