"""Trusted documents: operations known ahead of time, from an Apollo persisted-query manifest.

The manifest (``{"format": "apollo-persisted-query-manifest", "version": 1, "operations":
[{"id", "name", "type", "body"}]}``) is made by ``python -m gateway.manifest``. Clients send an
operation by id (``documentId``, or ``extensions.persistedQuery.sha256Hash``). Modes:
``off`` (no manifest), ``audit`` (anything runs; operations not in the manifest are logged) and
``safelist`` (only manifest operations run, by id or by identical text; others are refused
with PERSISTED_QUERY_NOT_IN_LIST, Apollo Router's code).
"""

from __future__ import annotations

import dataclasses
import json
import logging
from pathlib import Path
from typing import Literal

from gateway.pipeline.apq import sha256_hex
from gateway.pipeline.errors import RequestError
from gateway.plugins import GraphQLRequest

__all__ = ["Mode", "OperationNotInList", "TrustedDocuments", "UnknownDocumentId", "load_manifest"]

log = logging.getLogger(__name__)

Mode = Literal["off", "audit", "safelist"]
FORMAT = "apollo-persisted-query-manifest"


class OperationNotInList(RequestError):
    """Safelist mode: the operation is not one of the trusted documents."""

    code = "PERSISTED_QUERY_NOT_IN_LIST"


class UnknownDocumentId(RequestError):
    """A ``documentId`` that the manifest does not hold."""

    code = "PERSISTED_QUERY_NOT_FOUND"


def load_manifest(path: Path) -> dict[str, str]:
    """Operation id -> body; ValueError for a file that is not such a manifest."""
    data = json.loads(path.read_text())
    if not isinstance(data, dict) or data.get("format") != FORMAT or data.get("version") != 1:
        raise ValueError(f"{path} is not an {FORMAT} version 1")
    operations = {}
    for entry in data.get("operations", []):
        if not isinstance(entry.get("id"), str) or not isinstance(entry.get("body"), str):
            raise ValueError(f"{path}: every operation needs a string id and body")
        operations[entry["id"]] = entry["body"]
    return operations


class TrustedDocuments:
    """Resolve ids to documents, then enforce the mode on the document that will run."""

    def __init__(self, mode: Mode, operations: dict[str, str] | None = None) -> None:
        self.mode = mode
        self.by_id = dict(operations or {})
        self.bodies = {sha256_hex(body) for body in self.by_id.values()}

    def lookup(self, request: GraphQLRequest, digest: str | None
               ) -> tuple[GraphQLRequest, bool]:
        """The request with its manifest body when it names a trusted document (and True)."""
        wanted = _strip_prefix(request.document_id or digest)
        body = self.by_id.get(wanted) if wanted else None
        if body is not None:
            return dataclasses.replace(request, query=body, document_id=None), True
        if request.document_id is not None:
            raise UnknownDocumentId(f"No trusted document with id {request.document_id!r}.")
        return request, False

    def check(self, request: GraphQLRequest) -> None:
        """Safelist: refuse a document that is not in the manifest; audit: log it."""
        digest = sha256_hex(request.query)
        if self.mode == "off" or digest in self.bodies:
            return
        if self.mode == "audit":
            log.warning("operation %r (sha256 %s) is not in the trusted documents manifest",
                        request.operation_name or "(unnamed)", digest)
            return
        raise OperationNotInList("This operation is not in the list of trusted documents.")


def _strip_prefix(document_id: str | None) -> str | None:
    # GraphQL over HTTP persisted documents write ids as "sha256:<hex>".
    if document_id and document_id.startswith("sha256:"):
        return document_id[len("sha256:"):]
    return document_id
