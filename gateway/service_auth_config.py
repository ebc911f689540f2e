"""The ``service_auth`` section of the gateway's settings: the credential it presents to
subgraphs (an Ed25519-signed service token per subgraph, in its own header; Authorization
keeps carrying the end user). An ``all`` section with per-subgraph overrides.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["ServiceAuthConfig", "ServiceAuthOverride", "ServiceAuthTarget"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ServiceAuthTarget(_Strict):
    """What the gateway's token for one subgraph says."""

    audience: str = Field("", description="The token's `aud` (empty: the subgraph's name).")
    scopes: list[str] = Field(
        default_factory=list, description="Scopes asked for; the subgraph must grant each one "
        "to the gateway (its TRUSTED_CALLERS). The gateway acts for the end user in "
        "Authorization, so it needs none by default."
    )


class ServiceAuthOverride(_Strict):
    """Per-subgraph values; an option left out takes the ``all`` value."""

    audience: str | None = Field(None, description="See ServiceAuthTarget.")
    scopes: list[str] | None = Field(None, description="See ServiceAuthTarget.")


class ServiceAuthConfig(_Strict):
    """The gateway's service credential (issue 15: subgraphs accept only trusted callers)."""

    key_file: str = Field(
        "", description="Ed25519 private key (PEM) signing the gateway's service tokens; "
        "empty: send none (dev only, refused in production mode)."
    )
    name: str = Field("gateway", min_length=1, description="The tokens' `iss`: the name "
                      "subgraphs know the gateway's public key by.")
    header: str = Field("x-service-token", min_length=1,
                        description="Request header carrying the token (the subgraphs of this "
                        "repository read x-service-token; another name is for other subgraphs).")
    ttl_seconds: int = Field(300, ge=10, le=900, description="Lifetime of one token; a new "
                             "one is signed when four fifths of it have passed.")
    all: ServiceAuthTarget = Field(ServiceAuthTarget(), description="Defaults for every subgraph.")
    subgraphs: dict[str, ServiceAuthOverride] = Field(
        default_factory=dict, description="Overrides by subgraph name."
    )

    def for_subgraph(self, name: str) -> ServiceAuthTarget:
        """The token options of subgraph ``name`` (audience filled in)."""
        override = self.subgraphs.get(name)
        target = self.all if override is None else self.all.model_copy(
            update=override.model_dump(exclude_none=True))
        return target if target.audience else target.model_copy(update={"audience": name})
