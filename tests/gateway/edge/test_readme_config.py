"""The README's complete gateway YAML example loads, and covers every option."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from gateway.config import GatewayConfig

README = Path(__file__).resolve().parents[3] / "README.md"


def readme_example() -> str:
    section = README.read_text().split("## Gateway configuration", 1)[1]
    return re.search(r"```yaml\n(.*?)```", section, re.S).group(1)


def test_readme_yaml_example_is_a_valid_config(tmp_path):
    path = tmp_path / "gateway.yaml"
    path.write_text(readme_example())
    config = GatewayConfig.load(path)
    assert config.trusted_documents.mode == "safelist"
    assert config.auth.enabled and config.rate_limit.enabled


def test_readme_yaml_example_names_every_top_level_option():
    named = set(yaml.safe_load(readme_example()))
    assert named == set(GatewayConfig.model_fields)
