"""The trust map is read from the environment as JSON, and a bad one is a clear error."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from subgraphs.kit.settings import load_settings
from subgraphs.users.config import UsersSettings


def test_trusted_callers_come_from_the_environment_as_json(
    monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("USERS_TRUSTED_CALLERS", '{"gateway": [], "ops": ["users:roles"]}')
    settings = load_settings(UsersSettings, "users", database_url="sqlite+aiosqlite://")
    assert settings.trusted_callers == {"gateway": [], "ops": ["users:roles"]}


def test_the_default_trust_of_users_is_the_gateway_and_the_contact_lookup() -> None:
    settings = load_settings(UsersSettings, "users", database_url="sqlite+aiosqlite://")
    assert settings.trusted_callers == {"gateway": [], "notifications": ["users:contact"]}


def test_a_trust_map_that_is_not_json_is_refused_by_name(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("USERS_TRUSTED_CALLERS", "gateway")
    with pytest.raises(ValidationError, match="TRUSTED_CALLERS must be JSON"):
        load_settings(UsersSettings, "users", database_url="sqlite+aiosqlite://")
