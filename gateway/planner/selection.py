"""Mergeable selection sets being built for one subgraph fetch, and their compact printing."""

from __future__ import annotations

from dataclasses import dataclass, field

from graphql import ArgumentNode, DirectiveNode, Node, VariableNode, Visitor, print_ast, visit

__all__ = [
    "OutField",
    "OutFragment",
    "OutSelection",
    "print_arguments",
    "print_directives",
    "variables_in",
]


class _Variables(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.names: set[str] = set()

    def enter_variable(self, node: VariableNode, *_args) -> None:
        self.names.add(node.name.value)


def variables_in(nodes: tuple[Node, ...]) -> set[str]:
    """Names of the variables used anywhere in argument or directive nodes."""
    visitor = _Variables()
    for node in nodes:
        visit(node, visitor)
    return visitor.names


def print_arguments(arguments: tuple[ArgumentNode, ...]) -> str:
    """`(a: 1, b: $v)` or the empty string."""
    if not arguments:
        return ""
    return "(" + ", ".join(f"{a.name.value}: {print_ast(a.value)}" for a in arguments) + ")"


def print_directives(directives: tuple[DirectiveNode, ...]) -> str:
    """` @include(if: $v)` (with the leading space) or the empty string."""
    return "".join(f" {print_ast(d)}" for d in directives)


@dataclass(slots=True)
class OutField:
    """A field in a fetch's selection; `selection` is None for leaves."""

    name: str
    alias: str | None
    arguments: str
    directives: str
    selection: OutSelection | None = None

    @property
    def response_key(self) -> str:
        return self.alias or self.name

    def text(self) -> str:
        alias = f"{self.alias}: " if self.alias else ""
        head = f"{alias}{self.name}{self.arguments}{self.directives}"
        return f"{head} {self.selection.text()}" if self.selection is not None else head


@dataclass(slots=True)
class OutFragment:
    """An inline fragment in a fetch's selection."""

    type_condition: str | None
    directives: str
    selection: OutSelection

    def text(self) -> str:
        on = f" on {self.type_condition}" if self.type_condition else ""
        return f"...{on}{self.directives} {self.selection.text()}"


@dataclass(slots=True)
class OutSelection:
    """An ordered selection set; adding an equal field or fragment twice merges them."""

    items: dict[tuple, OutField | OutFragment] = field(default_factory=dict)

    def add_field(
        self, name: str, alias: str | None, arguments: str, directives: str, composite: bool
    ) -> OutField:
        """Return the field with this identity, creating it (with a sub-selection if composite)."""
        key = ("f", alias or name, name, arguments, directives)
        found = self.items.get(key)
        if found is None:
            found = OutField(
                name, alias, arguments, directives, OutSelection() if composite else None
            )
            self.items[key] = found
        return found  # type: ignore[return-value]

    def add_fragment(self, type_condition: str | None, directives: str) -> OutFragment:
        """Return the inline fragment with this condition and directives, creating it."""
        key = ("i", type_condition, directives)
        found = self.items.get(key)
        if found is None:
            found = OutFragment(type_condition, directives, OutSelection())
            self.items[key] = found
        return found  # type: ignore[return-value]

    def response_key_of(self, name: str, arguments: str) -> str | None:
        """The response key an unconditional field `name(arguments)` already has here."""
        for item in self.items.values():
            if isinstance(item, OutField) and (item.name, item.arguments) == (name, arguments):
                if not item.directives:
                    return item.response_key
        return None

    def selection_of(self, key: str) -> OutSelection | None:
        """The sub-selection of the unconditional composite field answering under `key`."""
        for item in self.items.values():
            if isinstance(item, OutField) and item.response_key == key and not item.directives:
                return item.selection
        return None

    def is_empty(self) -> bool:
        return not self.items

    def text(self) -> str:
        inner = " ".join(item.text() for item in self.items.values() if not _empty(item))
        return "{ " + inner + " }"


def _empty(item: OutField | OutFragment) -> bool:
    return isinstance(item, OutFragment) and item.selection.is_empty()
