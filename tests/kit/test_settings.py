"""Settings: per-service variables win over shared ones; production refuses the dev secret."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from subgraphs.kit.settings import ServiceSettings, load_settings


def test_service_prefixed_variable_wins_over_shared(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REDIS_URL", "redis://shared")
    monkeypatch.setenv("USERS_REDIS_URL", "redis://users-only")
    assert load_settings(ServiceSettings, "users").redis_url == "redis://users-only"
    assert load_settings(ServiceSettings, "products").redis_url == "redis://shared"


def test_database_defaults_to_a_sqlite_file_per_service(tmp_path) -> None:
    settings = load_settings(ServiceSettings, "users", data_dir=tmp_path)
    assert settings.database_url == f"sqlite+aiosqlite:///{tmp_path}/users.db"


def test_production_refuses_the_development_secret() -> None:
    with pytest.raises(ValidationError, match="JWT_SECRET"):
        load_settings(ServiceSettings, "users", environment="production")


def test_unknown_options_are_rejected() -> None:
    with pytest.raises(ValidationError):
        ServiceSettings(service="users", colour="blue")  # type: ignore[call-arg]


def test_a_rejected_secret_is_never_echoed_in_the_error() -> None:
    with pytest.raises(ValidationError) as failure:
        load_settings(ServiceSettings, "users", jwt_secret="short-but-secret-value")
    assert "short-but-secret-value" not in str(failure.value)
