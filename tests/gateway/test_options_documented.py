"""Every gateway option is named by `python -m gateway --help` and in the README's example file."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from pydantic import BaseModel

from gateway.__main__ import _parser, main
from gateway.config import GatewayConfig

README = Path(__file__).resolve().parents[2] / "README.md"


def _help(capsys, *argv: str) -> str:
    with pytest.raises(SystemExit):
        main([*argv, "--help"])
    return capsys.readouterr().out


def _leaf_keys(model: type[BaseModel], path: tuple[str, ...] = ()) -> list[str]:
    keys = []
    for name, field in model.model_fields.items():
        kind = field.annotation
        nested = isinstance(kind, type) and issubclass(kind, BaseModel)
        keys += _leaf_keys(kind, (*path, name)) if nested else [".".join((*path, name))]
    return keys


def test_the_top_level_help_names_every_option_of_every_command(capsys):
    text = _help(capsys)
    commands = _parser(describe_compose=True)._subparsers._group_actions[0].choices
    options = {(name, option) for name, command in commands.items()
               for action in command._actions for option in action.option_strings}
    assert {(name, option) for name, option in options if option not in text} == set()
    assert {"serve", "plan", "compose"} <= commands.keys()


def test_serve_help_names_every_configuration_option_and_its_variable(capsys):
    text = _help(capsys, "serve")
    for key in _leaf_keys(GatewayConfig):
        assert re.search(rf"^  {re.escape(key)}$", text, re.M), key
        assert "GATEWAY_" + key.replace(".", "__").upper() in text, key


def _readme_block() -> tuple[list[str], dict]:
    section = README.read_text().split("## Gateway configuration", 1)[1]
    block = section.split("```yaml\n", 1)[1].split("```", 1)[0]
    return block.splitlines(), yaml.safe_load(block)


def _differences(shown: dict, defaults: dict, path: tuple[str, ...] = ()):
    for key, value in shown.items():
        default = defaults[key]
        if isinstance(value, dict) and isinstance(default, dict) and default:
            yield from _differences(value, default, (*path, key))
        elif value != default:
            yield (*path, key)


def test_the_readme_configuration_marks_every_value_that_is_not_the_default_as_an_example():
    lines, shown = _readme_block()
    GatewayConfig(**shown)  # every key it shows is an option
    defaults = GatewayConfig().model_dump(mode="json")
    unmarked = []
    for path in _differences(shown, defaults):
        start = next(i for i, line in enumerate(lines) if line.startswith(f"{path[0]}:"))
        line = next(line for line in lines[start:] if re.search(rf"\b{path[-1]}:", line))
        if "example" not in line.partition("#")[2]:
            unmarked.append(".".join(path))
    assert unmarked == []


def test_the_server_listens_with_the_configured_backlog():
    from gateway.__main__ import _uvicorn_config

    assert _uvicorn_config(None, GatewayConfig()).backlog == 4096  # uvicorn's own is 2048
    assert _uvicorn_config(None, GatewayConfig(listen_backlog=64)).backlog == 64
