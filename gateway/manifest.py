"""Make an Apollo persisted-query manifest from ``.graphql`` operation files.

    python -m gateway.manifest OPERATIONS... [--supergraph schema/supergraph.graphql]
                               [--apollo-client PATH...]
                               [--out schema/persisted-query-manifest.json] [--check]

Each operation becomes one entry whose ``body`` is the operation printed with the fragments it
uses, and whose ``id`` is the SHA-256 of that body (the APQ hash, so APQ-style clients send it
unchanged). With ``--supergraph`` every operation is validated against the API schema first;
``--check`` fails when the file on disk is stale (for CI). Operations under ``--apollo-client``
(the storefront's) are stored as Apollo Client, Apollo iOS and Apollo Kotlin send them: with
``__typename`` added to every selection set below the root, so the hash the client sends names a
body that answers the fields its normalised cache reads.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable
from pathlib import Path

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    NameNode,
    OperationDefinitionNode,
    SelectionSetNode,
    parse,
    print_ast,
    validate,
    visit,
)
from graphql.language import Visitor

from gateway.pipeline.apq import sha256_hex
from gateway.supergraph import load_supergraph

__all__ = ["add_typename", "build_manifest", "main"]

_TYPENAME = FieldNode(name=NameNode(value="__typename"), arguments=(), directives=())


def build_manifest(documents: Iterable[DocumentNode]) -> dict:
    """The manifest of every operation in ``documents`` (names must be unique)."""
    documents = list(documents)
    fragments = {d.name.value: d for doc in documents for d in doc.definitions
                 if isinstance(d, FragmentDefinitionNode)}
    operations = {}
    for document in documents:
        for definition in document.definitions:
            if isinstance(definition, OperationDefinitionNode):
                entry = _entry(definition, fragments)
                if entry["name"] in operations:
                    raise ValueError(f"operation {entry['name']} is defined twice")
                operations[entry["name"]] = entry
    return {"format": "apollo-persisted-query-manifest", "version": 1,
            "operations": [operations[name] for name in sorted(operations)]}


def _entry(operation: OperationDefinitionNode, fragments: dict) -> dict:
    if operation.name is None:
        raise ValueError("every operation in a manifest needs a name")
    used = [fragments[name] for name in sorted(_spreads(operation, fragments))]
    body = "\n\n".join(print_ast(node) for node in (operation, *used))
    return {"id": sha256_hex(body), "name": operation.name.value,
            "type": operation.operation.value, "body": body}


def _spreads(node: object, fragments: dict) -> set[str]:
    """Names of the fragments ``node`` spreads, transitively."""
    found: set[str] = set()

    class Spreads(Visitor):
        def enter_fragment_spread(self, spread: FragmentSpreadNode, *_: object) -> None:
            name = spread.name.value
            if name not in found and name in fragments:
                found.add(name)
                visit(fragments[name], self)

    visit(node, Spreads())
    return found


def add_typename(document: DocumentNode) -> DocumentNode:
    """``document`` with ``__typename`` last in every selection set but an operation's own,
    unless the set already asks for it: Apollo Client's ``addTypenameToDocument``."""

    class AddTypename(Visitor):
        def enter_selection_set(self, node: SelectionSetNode, _key: object, parent: object,
                                *_: object) -> SelectionSetNode | None:
            if isinstance(parent, OperationDefinitionNode) or any(
                isinstance(s, FieldNode) and s.name.value.startswith("__")
                for s in node.selections
            ):
                return None
            return SelectionSetNode(selections=(*node.selections, _TYPENAME))

    return visit(document, AddTypename())


def main(argv: list[str] | None = None) -> int:
    args = _arguments().parse_args(argv)
    files = [p for path in args.operations for p in _graphql_files(path)]
    apollo = [p for path in args.apollo_client for p in _graphql_files(path)]
    documents = [parse(path.read_text()) for path in files]
    documents += [add_typename(parse(path.read_text())) for path in apollo]
    if args.supergraph is not None:
        schema = load_supergraph(args.supergraph.read_text()).api_schema
        merged = DocumentNode(definitions=tuple(d for doc in documents for d in doc.definitions))
        errors = validate(schema, merged)
        if errors:
            print("\n".join(error.message for error in errors), file=sys.stderr)
            return 1
    text = json.dumps(build_manifest(documents), indent=2) + "\n"
    if args.check:
        current = args.out.read_text() if args.out.exists() else ""
        if current != text:
            print(f"{args.out} is stale: run python -m gateway.manifest", file=sys.stderr)
            return 1
        return 0
    args.out.write_text(text)
    return 0


def _graphql_files(path: Path) -> list[Path]:
    return sorted(path.rglob("*.graphql")) if path.is_dir() else [path]


def _arguments() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m gateway.manifest", description=__doc__)
    parser.add_argument("operations", nargs="*", type=Path, help=".graphql files or folders")
    parser.add_argument("--apollo-client", nargs="+", type=Path, default=[],
                        help=".graphql files or folders of an Apollo client (__typename added)")
    parser.add_argument("--supergraph", type=Path, help="validate against this supergraph")
    parser.add_argument("--out", type=Path, default=Path("schema/persisted-query-manifest.json"))
    parser.add_argument("--check", action="store_true", help="fail when --out is stale")
    return parser


if __name__ == "__main__":
    sys.exit(main())
