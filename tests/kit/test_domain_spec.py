"""Every domain's CLI spec comes from the kit's convention (config, app, graphql.schema, seed)."""

from __future__ import annotations

import importlib
import subprocess
import sys

import pytest
from strawberry import Schema

from subgraphs.kit.cli import domain_spec
from subgraphs.kit.settings import ServiceSettings

DOMAINS = ("cart", "orders", "payments", "products", "users", "notifications")


@pytest.mark.parametrize("domain", DOMAINS)
def test_the_spec_names_what_the_domain_has(domain):
    config = importlib.import_module(f"subgraphs.{domain}.config")
    spec = domain_spec(f"subgraphs.{domain}")
    assert (spec.name, spec.port) == (config.SERVICE, config.PORT)
    assert issubclass(spec.settings_cls, ServiceSettings)
    assert spec.settings_cls.__name__ in config.__all__
    assert spec.migrations_dir == getattr(config, "MIGRATIONS_DIR", None)
    assert (spec.seed is not None) == (domain in ("products", "users", "notifications"))
    assert isinstance(spec.schema(), Schema)


def test_a_config_without_a_settings_class_is_refused(tmp_path, monkeypatch):
    (tmp_path / "half_domain").mkdir()
    (tmp_path / "half_domain" / "__init__.py").write_text("")
    (tmp_path / "half_domain" / "config.py").write_text(
        'SERVICE, PORT = "half", 1\n__all__ = ["PORT", "SERVICE"]\n')
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(TypeError, match="one ServiceSettings class"):
        domain_spec("half_domain")


@pytest.mark.timeout(60)
def test_python_m_prints_the_domains_sdl():
    printed = subprocess.run([sys.executable, "-m", "subgraphs.products", "sdl"],
                             capture_output=True, text=True, timeout=60, check=True).stdout
    assert "type Product" in printed
