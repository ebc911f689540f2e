"""The token-version routes (common.auth.versions without Redis): the minimum ``ver`` a user's
access tokens must carry, which is the user's current ``token_version`` (0 for an unknown id).

``GET /auth/token-versions/<id>`` answers one user; ``POST /auth/token-versions`` with
``{"subjects": [...]}`` answers many in one query. Both serve trusted services only (the service
token of kit.service_auth, checked against users' TRUSTED_CALLERS as ``/graphql`` is): which
user's tokens were revoked, and when, is no client's business. A caller without an accepted
token gets HTTP 401, and users logs the refusal. Verifiers refresh every user they hold in one
POST per half cache TTL and read a user never seen with one GET.
"""

from __future__ import annotations

import logging
from typing import Annotated

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field, StringConstraints, ValidationError
from sqlalchemy import select

from common.auth.service_tokens import SERVICE_TOKEN_HEADER, ServiceAuthError, TrustedCallers
from subgraphs.kit.database import Database
from subgraphs.users.domain.models import User

__all__ = ["MAX_SUBJECTS", "add_version_routes"]

MAX_SUBJECTS = 1000  # per request; verifiers send at most 500
log = logging.getLogger("users.version_routes")
_CHALLENGE = {"www-authenticate": f'ServiceToken header="{SERVICE_TOKEN_HEADER}"'}


class Subjects(BaseModel):
    subjects: list[Annotated[str, StringConstraints(max_length=255)]] = Field(
        max_length=MAX_SUBJECTS)


def add_version_routes(app: FastAPI, database: Database, callers: TrustedCallers | None) -> None:
    """``callers`` None: service auth is off (dev and test only), every caller is trusted."""

    # ``:path``: a subject quoted by HttpVersions may hold '/' (decoded before routing)
    @app.get("/auth/token-versions/{user_id:path}", include_in_schema=False)
    async def token_version(request: Request, user_id: str) -> JSONResponse:
        refused = _refused(callers, request)
        if refused is not None:
            return refused
        async with database.reads() as session:
            version = await session.scalar(select(User.token_version).where(User.id == user_id))
        return JSONResponse({"minimum": version or 0})

    @app.post("/auth/token-versions", include_in_schema=False)
    async def token_versions(request: Request) -> JSONResponse:
        refused = _refused(callers, request)  # before the body: strangers get nothing parsed
        if refused is not None:
            return refused
        try:
            wanted = set(Subjects.model_validate_json(await request.body()).subjects)
        except ValidationError as error:
            return JSONResponse({"error": error.errors(include_url=False)}, status_code=422)
        async with database.reads() as session:
            rows = await session.execute(
                select(User.id, User.token_version).where(User.id.in_(wanted)))
            found = {user_id: version or 0 for user_id, version in rows}
        return JSONResponse({"minimums": {s: found.get(s, 0) for s in wanted}})


def _refused(callers: TrustedCallers | None, request: Request) -> JSONResponse | None:
    """HTTP 401 for a caller without a service token users accepts; None for a trusted one."""
    if callers is None:
        return None
    try:
        callers.verify(request.headers.get(SERVICE_TOKEN_HEADER))
    except ServiceAuthError as error:
        # the method only: the path holds the user id asked about
        log.warning("refused a %s token-version lookup: %s", request.method, error)
        return JSONResponse({"error": str(error)}, status_code=401, headers=_CHALLENGE)
    return None
