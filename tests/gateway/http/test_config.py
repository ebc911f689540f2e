"""GatewayConfig: strict keys, documented options, env > YAML > defaults, overrides per subgraph."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from pydantic import ValidationError

from gateway.app import create_app
from gateway.config import GatewayConfig, LimitsConfig, TrafficConfig
from tests.gateway.pipeline.shop import shop_supergraph


def test_unknown_keys_are_rejected_at_every_level():
    with pytest.raises(ValidationError):
        GatewayConfig(bogus=1)
    with pytest.raises(ValidationError):
        GatewayConfig(limits={"max_dept": 3})


def test_unknown_gateway_env_vars_are_logged_once_and_ignored(monkeypatch, caplog):
    # given variables other tools set (CGI, a test harness) and a typo in a nested section
    monkeypatch.setenv("GATEWAY_INTERFACE", "CGI/1.1")
    monkeypatch.setenv("GATEWAY_TIMEOUT", "30")
    monkeypatch.setenv("GATEWAY_LIMITS__MAX_DEPHT", "3")
    monkeypatch.setenv("GATEWAY_LIMITS__MAX_DEPTH", "9")
    with caplog.at_level(logging.WARNING, logger="gateway.config"):
        # when the settings load twice (a reload, a worker)
        first, second = GatewayConfig(), GatewayConfig()
    # then the known ones apply and each unknown name is logged once
    assert first.limits.max_depth == second.limits.max_depth == 9
    warned = [r.getMessage() for r in caplog.records if r.name == "gateway.config"]
    for name in ("GATEWAY_INTERFACE", "GATEWAY_TIMEOUT", "GATEWAY_LIMITS__MAX_DEPHT"):
        assert sum(name in message for message in warned) == 1, (name, warned)


def test_unknown_gateway_env_vars_are_ignored_next_to_a_yaml_file(tmp_path: Path, monkeypatch):
    file = tmp_path / "gateway.yaml"
    file.write_text("port: 7000\n")
    monkeypatch.setenv("GATEWAY_INTERFACE", "CGI/1.1")
    assert GatewayConfig.load(file).port == 7000


def test_a_bad_value_of_a_known_gateway_env_var_is_still_rejected(monkeypatch):
    monkeypatch.setenv("GATEWAY_PORT", "not-a-port")
    with pytest.raises(ValidationError):
        GatewayConfig()


def test_unknown_keys_in_the_yaml_file_are_rejected(tmp_path: Path):
    file = tmp_path / "gateway.yaml"
    file.write_text("port: 7000\ninterface: cgi\nlimits:\n  max_dept: 3\n")
    with pytest.raises(ValidationError) as raised:
        GatewayConfig.load(file)
    assert {e["loc"] for e in raised.value.errors()} == {("interface",), ("limits", "max_dept")}


def test_every_option_is_described():
    models = [GatewayConfig, LimitsConfig, TrafficConfig]
    for model in models:
        for name, field in model.model_fields.items():
            assert field.description, f"{model.__name__}.{name} has no description"


def test_subgraph_override_inherits_what_it_does_not_set():
    config = GatewayConfig(traffic={"all": {"timeout_seconds": 3, "max_connections": 7},
                                    "subgraphs": {"products": {"timeout_seconds": 1}}})
    products = config.traffic.for_subgraph("products")
    assert (products.timeout_seconds, products.max_connections) == (1, 7)
    assert config.traffic.for_subgraph("inventory").timeout_seconds == 3


def test_query_plan_exposure_defaults_on_in_dev_only_and_explicit_setting_wins():
    assert GatewayConfig(mode="dev").expose_query_plan is True
    assert GatewayConfig(mode="production").expose_query_plan is False
    assert GatewayConfig(mode="dev", expose_query_plan=False).expose_query_plan is False


def test_env_overrides_yaml_and_arguments_override_env(tmp_path: Path, monkeypatch):
    file = tmp_path / "gateway.yaml"
    file.write_text("mode: production\nport: 7000\nlimits:\n  max_depth: 7\n")
    monkeypatch.setenv("GATEWAY_LIMITS__MAX_ALIASES", "5")
    monkeypatch.setenv("GATEWAY_PORT", "7001")
    config = GatewayConfig.load(file, host="127.0.0.1")
    assert (config.mode, config.port, config.host) == ("production", 7001, "127.0.0.1")
    assert (config.limits.max_depth, config.limits.max_aliases) == (7, 5)


def test_subgraph_urls_replace_the_supergraph_routing_urls():
    config = GatewayConfig(subgraph_urls={"products": "http://elsewhere/graphql"})
    app = create_app(shop_supergraph(), config=config,
                     subgraph_urls={"inventory": "http://inv/graphql"})
    assert app.state.gateway.pool.urls == {"products": "http://elsewhere/graphql",
                                           "inventory": "http://inv/graphql"}


def test_override_for_a_subgraph_the_supergraph_lacks_is_logged(caplog):
    create_app(shop_supergraph(), subgraph_urls={"prodcts": "http://x/graphql"})
    assert "prodcts" in caplog.text
