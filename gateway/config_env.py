"""The ``GATEWAY_*`` environment as a settings source: variables naming no option are ignored.

Other tools set variables with this prefix too (CGI's ``GATEWAY_INTERFACE``, a test harness's
``GATEWAY_TIMEOUT``, CI runners), so an unknown one is logged once per process, never fatal.
The YAML file stays strict: a key there is meant for the gateway, so an unknown one is an error.
"""

from __future__ import annotations

import logging
import os
from typing import Any

from pydantic import BaseModel
from pydantic.fields import FieldInfo
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource

__all__ = ["KnownEnvironment"]

_log = logging.getLogger("gateway.config")
_warned: set[str] = set()


class KnownEnvironment(PydanticBaseSettingsSource):
    """Wraps the environment source: keeps the values of known options, warns about the rest."""

    def __init__(self, settings_cls: type[BaseSettings], inner: PydanticBaseSettingsSource,
                 prefix: str = "GATEWAY_", delimiter: str = "__") -> None:
        super().__init__(settings_cls)
        self.inner, self.prefix, self.delimiter = inner, prefix, delimiter

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        return None, field_name, False  # unused: __call__ reads through the wrapped source

    def __call__(self) -> dict[str, Any]:
        for name in os.environ:
            if name.upper().startswith(self.prefix) and not self._known(name):
                _warn(name)
        return _known_values(self.inner(), self.settings_cls, self.prefix)

    def _known(self, name: str) -> bool:
        option = name[len(self.prefix):].split(self.delimiter)[0].lower()
        return option in self.settings_cls.model_fields


def _known_values(values: dict[str, Any], model: type[BaseModel], path: str) -> dict[str, Any]:
    """``values`` without keys ``model`` does not declare, at every level of nested sections."""
    known: dict[str, Any] = {}
    for key, value in values.items():
        field = model.model_fields.get(key)
        name = f"{path}{key}".upper()
        if field is None:
            _warn(name)
            continue
        section = field.annotation
        if isinstance(value, dict) and isinstance(section, type) and issubclass(section, BaseModel):
            value = _known_values(value, section, f"{name}__")
        known[key] = value
    return known


def _warn(name: str) -> None:
    if name not in _warned:
        _warned.add(name)
        _log.warning("ignoring environment variable %s: it names no gateway option", name)
