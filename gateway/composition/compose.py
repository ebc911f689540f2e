"""Compose subgraph SDLs into a supergraph: parse, validate, merge, check, print."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .diagnostics import CompositionFailed, Diagnostic, error
from .joins import graph_enum
from .merge import merge
from .model import Subgraph
from .printer import print_supergraph
from .subgraph import parse_subgraph
from .subgraph_rules import check_subgraph
from .supergraph_rules import check_supergraph
from .upgrade import upgrade_federation1

__all__ = ["CompositionResult", "SubgraphSource", "compose"]


@dataclass(frozen=True)
class SubgraphSource:
    """A subgraph to compose: its name, routing URL and SDL text."""

    name: str
    url: str
    sdl: str


@dataclass
class CompositionResult:
    """The supergraph SDL (None on failure) and every error and warning found."""

    supergraph: str | None
    diagnostics: list[Diagnostic] = field(default_factory=list)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == "error"]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == "warning"]


def compose(sources: list[SubgraphSource]) -> CompositionResult:
    """Compose; errors in one subgraph do not hide errors in the others."""
    diagnostics: list[Diagnostic] = []
    if not sources:
        # no subgraph, no Query root: composition's NO_QUERIES
        return CompositionResult(None, [error("NO_QUERIES", "there is nothing to compose",
                                              hint="list at least one subgraph")])
    diagnostics += _graph_names(sources)
    subgraphs: list[Subgraph] = []
    for source in sources:
        try:
            subgraphs.append(parse_subgraph(source.name, source.url, source.sdl))
        except CompositionFailed as failed:
            diagnostics += failed.diagnostics
    names = {s.name for s in subgraphs}
    # Federation 2 subgraphs are checked as written; Federation 1 ones once upgraded, and only
    # when every subgraph parsed and every Federation 2 one passed (the order composition
    # reports errors in, so a refusal names the rule the first failing stage breaks)
    for subgraph in subgraphs:
        if subgraph.version != "v1.0":
            diagnostics += check_subgraph(subgraph, names)
    if _has_errors(diagnostics):
        return CompositionResult(None, diagnostics)
    diagnostics += upgrade_federation1(subgraphs, names)
    if _has_errors(diagnostics):
        return CompositionResult(None, diagnostics)
    diagnostics += _cost_import_names(subgraphs)
    merged = merge(subgraphs, diagnostics)
    if "Query" not in merged.types:
        diagnostics.append(error("NO_QUERIES", "no subgraph defines a Query type",
                                 hint="give at least one subgraph a Query root field"))
    _collect_composed(merged)
    if not _has_errors(diagnostics):
        diagnostics += check_supergraph(merged)
    if _has_errors(diagnostics):
        return CompositionResult(None, diagnostics)
    return CompositionResult(print_supergraph(merged), diagnostics)


def _graph_names(sources: list[SubgraphSource]) -> list[Diagnostic]:
    """Each subgraph needs its own valid `join__Graph` value (its CONSTANT_CASE name)."""
    found, seen = [], {}
    for source in sources:
        value = graph_enum(source.name)
        if not re.match(r"^[A-Z_][A-Z0-9_]*$", value):
            found.append(error("INVALID_SUBGRAPH_NAME", f"name {source.name!r} gives no valid "
                               f"join__Graph value ({value!r})", subgraph=source.name,
                               hint="start the name with a letter"))
        elif value in seen:
            found.append(error("INVALID_SUBGRAPH_NAME", f"names {seen[value]!r} and "
                               f"{source.name!r} both become join__Graph value {value}",
                               subgraph=source.name, hint="rename one of the subgraphs"))
        seen.setdefault(value, source.name)
    return found


def _cost_import_names(subgraphs: list[Subgraph]) -> list[Diagnostic]:
    """The supergraph links the cost spec once, so every subgraph must import `@cost` and
    `@listSize` under the same name."""
    found = []
    for canonical in ("cost", "listSize"):
        names = {local: s.name for s in subgraphs for local, c in s.imported.items()
                 if c == canonical}
        if len(names) > 1:
            detail = ", ".join(f"@{local} in {graph!r}" for local, graph in names.items())
            found.append(error("LINK_IMPORT_NAME_MISMATCH",
                               f"@{canonical} is imported under different names: {detail}",
                               subgraph=next(iter(names.values())),
                               hint=f"import @{canonical} under one name in every subgraph"))
    return found


def _has_errors(diagnostics: list[Diagnostic]) -> bool:
    return any(d.severity == "error" for d in diagnostics)


def _collect_composed(merged) -> None:
    """Directives named by `@composeDirective` keep their definition (Federation v2.1)."""
    for graph in merged.subgraphs.values():
        for name in graph.composed:
            definition = graph.directive_defs.get(name)
            if definition is not None:
                merged.composed.setdefault(name, definition)
