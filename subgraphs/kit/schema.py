"""The federation schema every subgraph serves: error codes on, and no request text in logs.

Strawberry logs each GraphQL error with ``str(error)``, which prints the operation source around
the error; an inline literal there may be a password or a token (``login(password: "...")``).
DESIGN.md forbids secrets in logs, so this schema logs only the code, the path and, for errors
our code raised (``AppError``, client-safe by design), the message. Unexpected errors are logged
with their traceback by the ``ErrorCodes`` extension, which this schema always installs.
"""

from __future__ import annotations

import dataclasses
import functools
import inspect
import logging
from collections.abc import Iterable
from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.extensions import ParserCache
from strawberry.federation.schema import FederationAny
from strawberry.types import ExecutionContext, Info

from common.lru import LRU
from subgraphs.kit.documents import PerDocument, ValidatedDocuments
from subgraphs.kit.errors import AppError, BadUserInput
from subgraphs.kit.graphql_errors import ErrorCodes
from subgraphs.kit.metrics import count_graphql_error
from subgraphs.kit.nul_guard import RefuseNulCharacters
from subgraphs.kit.operation_span import OperationSpan

__all__ = ["QuietSchema", "federation_schema"]

log = logging.getLogger("graphql.errors")


class QuietSchema(strawberry.federation.Schema):
    """A Federation v2 schema whose error log lines never quote the request, and whose
    ``_entities`` refuses malformed representations with BAD_USER_INPUT instead of crashing."""

    def entities_resolver(
        self, info: Info, representations: list[FederationAny]
    ) -> list[FederationAny]:
        # Federation spec, _entities: each representation is an object naming an entity type.
        entity_types = {t.name for t in self._schema.get_type("_Entity").types}  # type: ignore[union-attr]
        for index, representation in enumerate(representations):
            is_object = isinstance(representation, dict)
            typename = representation.get("__typename") if is_object else None
            if not isinstance(typename, str) or typename not in entity_types:
                raise BadUserInput(
                    "Representation must name a known entity type in __typename",
                    field=f"representations[{index}]",
                )
        # One that does not carry its type's key fields fails alone, as its own entity's error.
        bad = {index: BadUserInput(f"Representation must carry exactly the key fields of "
                                   f"{r['__typename']}", field=f"representations[{index}]")
               for index, r in enumerate(representations)
               if not self._fits_reference(r["__typename"], r)}  # type: ignore[index]
        good = [r for index, r in enumerate(representations) if index not in bad]
        resolved = iter(super().entities_resolver(info, good))
        return [bad[index] if index in bad else next(resolved)
                for index in range(len(representations))]

    def _fits_reference(self, typename: str, representation: dict[str, Any]) -> bool:
        """True when ``resolve_reference`` accepts the representation's fields as arguments
        (a missing or unknown key field was a TypeError: a fuzzing finding). Judged once per
        shape, the answer depending on nothing else: the type, the field names and which of
        them are null (binding the signature for every representation of a batch was ~4 us
        each)."""
        names = frozenset(k for k in representation if k != "__typename")
        nulls = frozenset(k for k in names if representation[k] is None)
        shape = (typename, names, nulls)
        fits = self._fitting_shapes.get(shape)
        if fits is None:
            fits = self._judge_reference(typename, names, nulls)
            self._fitting_shapes.put(shape, fits)
        return fits

    @functools.cached_property
    def _fitting_shapes(self) -> LRU[tuple[str, frozenset[str], frozenset[str]], bool]:
        return LRU(_REPRESENTATION_SHAPES)  # bounded: the names come from the caller

    def _judge_reference(self, typename: str, names: frozenset[str],
                         nulls: frozenset[str]) -> bool:
        definition = self.schema_converter.type_map[typename].definition
        signature = self._reference_signature(typename, definition)
        if signature is None:  # strawberry builds the object from the fields themselves
            return self._fits_fields(definition, names)
        arguments = dict.fromkeys(names)
        if "info" in signature.parameters:
            arguments["info"] = "info"  # a placeholder: only binding is checked
        try:
            signature.bind(**arguments)
        except TypeError:
            return False
        # a key field sent as null (Federation keys are the entity's non-null identity)
        required = {n for n, p in signature.parameters.items() if p.default is p.empty}
        return not nulls & (required - {"info"})

    @functools.cached_property
    def _reference_signatures(self) -> dict[str, inspect.Signature | None]:
        return {}

    def _reference_signature(self, typename: str, definition: Any) -> inspect.Signature | None:
        """``resolve_reference``'s signature (None: the type has none), looked up once per
        type: inspecting it for every representation was a measurable share of a subgraph's
        CPU under load."""
        cache = self._reference_signatures
        if typename not in cache:
            resolve = getattr(definition.origin, "resolve_reference", None)
            cache[typename] = None if resolve is None else inspect.signature(resolve)
        return cache[typename]

    def _fits_fields(self, definition: Any, fields: frozenset[str]) -> bool:
        """True when ``fields`` name only data fields of the type and every required one."""
        data = {self.config.name_converter.get_graphql_name(f): f
                for f in definition.fields if f.base_resolver is None and f.init}
        missing = dataclasses.MISSING
        required = {name for name, f in data.items()
                    if f.default is missing and f.default_factory is missing}
        return fields <= set(data) and required <= fields

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        for error in errors:
            original = error.original_error
            count_graphql_error(_code(error))
            if isinstance(original, AppError):
                fields = {"code": original.code, "path": error.path}
                log.info("request failed: %s", original.message, extra={"fields": fields})
            elif original is None:
                code = (error.extensions or {}).get("code", "GRAPHQL_VALIDATION_FAILED")
                log.info("invalid request", extra={"fields": {"code": code}})


def _code(error: GraphQLError) -> str:
    original = error.original_error
    if isinstance(original, AppError):
        return original.code
    if original is None:
        return str((error.extensions or {}).get("code", "GRAPHQL_VALIDATION_FAILED"))
    return "INTERNAL_SERVER_ERROR"  # what ErrorCodes shows the client


# Distinct representation shapes (type, field names, null ones) judged against resolve_reference.
_REPRESENTATION_SHAPES = 256

# Distinct operation texts kept parsed and validated. A subgraph sees the few shapes the
# gateway's plans send (entity fetches, the storefront's operations), over and over: validating
# payments' `_entities` fetch was a quarter of its CPU at 20 checkouts/s, 1.5 ms a request
# (tests/bench/RESULTS.md, issue 17). Bounded, so odd texts cannot grow memory.
_CACHED_DOCUMENTS = 512


def federation_schema(*, extensions: Iterable[Any] = (), **options: Any) -> QuietSchema:
    """``strawberry.federation.Schema(**options)`` with ``ErrorCodes`` first among extensions,
    then ``RefuseNulCharacters``, ``OperationSpan`` and the parse and validation caches (parsed
    documents keyed by the text; validation results by the parsed document, the schema and the
    rules: production's introspection refusal included; kit/documents.py)."""
    validated: PerDocument[list[GraphQLError]] = PerDocument(_CACHED_DOCUMENTS)
    caches = [lambda: ParserCache(maxsize=_CACHED_DOCUMENTS),
              lambda: ValidatedDocuments(validated)]
    return QuietSchema(extensions=[ErrorCodes, RefuseNulCharacters, OperationSpan, *caches,
                                   *extensions], **options)
