"""Which response paths each fetch of a plan writes, so a part knows the fetches it waits for.

A fetch serves a part when it selects one of the part's response paths (list levels, type
condition segments and internal aliases left out, renamed answers under their final key). A
fetch that only feeds another one (keys, ``@requires`` inputs) is not counted: the fetch it
feeds runs after it, so waiting for that one waits for both.
"""

from __future__ import annotations

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    parse,
)

from gateway.plan import EntityBatchNode, FetchNode, Leaf, Rename, plan_leaves

__all__ = ["Leaf", "plan_leaves", "written_paths"]

KeyPath = tuple[str, ...]
_INTERNAL = "__internal_"


def written_paths(leaf: Leaf) -> frozenset[KeyPath]:
    """The client response paths ``leaf``'s answers are merged into."""
    out: set[KeyPath] = set()
    if isinstance(leaf, FetchNode):
        _document_paths(leaf, (), out)
    else:
        for flatten in leaf.parts if isinstance(leaf, EntityBatchNode) else (leaf,):
            for path in flatten.paths:
                _document_paths(flatten.node, _key_path(path), out)
    return frozenset(out)


def _key_path(path: tuple[str, ...]) -> KeyPath:
    return tuple(k for k in path if k != "@" and not k.startswith("..."))


def _document_paths(fetch: FetchNode, prefix: KeyPath, out: set[KeyPath]) -> None:
    document = parse(fetch.operation, no_location=True)
    fragments = {d.name.value: d for d in document.definitions
                 if isinstance(d, FragmentDefinitionNode)}
    renamed = _renamed(fetch.renames)
    for definition in document.definitions:
        if isinstance(definition, OperationDefinitionNode):
            selection_set = definition.selection_set
            if fetch.representations is not None:  # an entity fetch: below _entities
                selection_set = _entities_selection(selection_set)
                if not any(r.match_types for r in fetch.representations):
                    # its __typename echoes the representation's; an @interfaceObject graph's
                    # answer (match_types) is where a concrete type can come from, so it counts
                    renamed = {**renamed, "__typename": _INTERNAL + "echo"}
            _walk(selection_set, prefix, fragments, renamed, out)


def _entities_selection(selection_set: SelectionSetNode) -> SelectionSetNode:
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode) and selection.selection_set is not None:
            return selection.selection_set
    return SelectionSetNode(selections=())


def _renamed(renames: tuple[Rename, ...]) -> dict[str, str]:
    out: dict[str, str] = {}
    for rename in renames:
        out[rename.answer_key] = rename.key
        out.update(_renamed(rename.nested))
    return out


def _walk(selection_set: SelectionSetNode | None, prefix: KeyPath,
          fragments: dict[str, FragmentDefinitionNode], renamed: dict[str, str],
          out: set[KeyPath]) -> None:
    for selection in selection_set.selections if selection_set is not None else ():
        if isinstance(selection, FieldNode):
            key = selection.alias.value if selection.alias else selection.name.value
            key = renamed.get(key, key)
            if key.startswith(_INTERNAL):
                continue
            out.add((*prefix, key))
            _walk(selection.selection_set, (*prefix, key), fragments, renamed, out)
        elif isinstance(selection, InlineFragmentNode):
            _walk(selection.selection_set, prefix, fragments, renamed, out)
        elif isinstance(selection, FragmentSpreadNode):
            fragment = fragments.get(selection.name.value)
            if fragment is not None:
                _walk(fragment.selection_set, prefix, fragments, renamed, out)
