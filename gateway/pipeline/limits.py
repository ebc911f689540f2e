"""Static limits on a parsed document: depth, aliases and root fields, before validation.

They run before validation on purpose: some validation rules (overlapping fields) are
quadratic in the number of fields, so an alias-amplified document must be refused first.
Fragment spreads are followed with memoised counts, so a document that spreads fragments
exponentially is measured in linear time.
"""

from __future__ import annotations

from dataclasses import dataclass

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
)

from gateway.pipeline.errors import LimitExceeded

__all__ = ["Limits", "check_limits"]


@dataclass(frozen=True, slots=True)
class Limits:
    """The configured maxima (see ``gateway.config.LimitsConfig``)."""

    max_document_bytes: int = 100_000
    max_tokens: int = 15_000
    max_depth: int = 32
    max_aliases: int = 100
    max_root_fields: int = 64


@dataclass(frozen=True, slots=True)
class _Measure:
    depth: int
    aliases: int


def check_limits(document: DocumentNode, limits: Limits) -> None:
    """Raise LimitExceeded for the first limit an operation of ``document`` is over."""
    measurer = _Measurer(document)
    for definition in document.definitions:
        if not isinstance(definition, OperationDefinitionNode):
            continue
        roots = measurer.root_fields(definition.selection_set)
        if roots > limits.max_root_fields:
            raise LimitExceeded(
                f"Operation has {roots} root fields; the maximum is {limits.max_root_fields}.",
                "MAX_ROOT_FIELDS_LIMIT",
            )
        measure = measurer.measure(definition.selection_set)
        if measure.depth > limits.max_depth:
            raise LimitExceeded(
                f"Operation is {measure.depth} levels deep; the maximum is {limits.max_depth}.",
                "MAX_DEPTH_LIMIT",
            )
        if measure.aliases > limits.max_aliases:
            raise LimitExceeded(
                f"Operation uses {measure.aliases} aliases; the maximum is {limits.max_aliases}.",
                "MAX_ALIASES_LIMIT",
            )


class _Measurer:
    def __init__(self, document: DocumentNode) -> None:
        self.fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        self._memo: dict[str, _Measure] = {}
        self._widths: dict[str, int] = {}
        self._open: set[str] = set()  # fragments being measured: a cycle counts as nothing

    def measure(self, selection_set: SelectionSetNode | None) -> _Measure:
        depth, aliases = 0, 0
        for selection in selection_set.selections if selection_set else ():
            if isinstance(selection, FieldNode):
                inner = self.measure(selection.selection_set)
                depth = max(depth, 1 + inner.depth)
                aliases += inner.aliases + (selection.alias is not None)
            else:
                inner = self._fragment(selection)
                depth, aliases = max(depth, inner.depth), aliases + inner.aliases
        return _Measure(depth, aliases)

    def _fragment(self, selection: object) -> _Measure:
        if isinstance(selection, InlineFragmentNode):
            return self.measure(selection.selection_set)
        assert isinstance(selection, FragmentSpreadNode)
        name = selection.name.value
        if name in self._memo:
            return self._memo[name]
        if name in self._open or name not in self.fragments:
            return _Measure(0, 0)
        self._open.add(name)
        self._memo[name] = self.measure(self.fragments[name].selection_set)
        self._open.discard(name)
        return self._memo[name]

    def root_fields(self, selection_set: SelectionSetNode) -> int:
        """Fields selected at this level, fragments expanded (memoised per fragment)."""
        count = 0
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                count += 1
            elif isinstance(selection, InlineFragmentNode):
                count += self.root_fields(selection.selection_set)
            elif isinstance(selection, FragmentSpreadNode):
                count += self._fragment_width(selection.name.value)
        return count

    def _fragment_width(self, name: str) -> int:
        if name in self._widths:
            return self._widths[name]
        if name in self._open or name not in self.fragments:
            return 0
        self._open.add(name)
        self._widths[name] = self.root_fields(self.fragments[name].selection_set)
        self._open.discard(name)
        return self._widths[name]
