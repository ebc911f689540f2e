"""Bounded label values: client-chosen names (operation names, error codes) become at most a
fixed number of distinct label values, so a client cannot grow the metrics without limit."""

from __future__ import annotations

import re
from threading import Lock

__all__ = ["ANONYMOUS", "OTHER", "BoundedNames"]

OTHER = "__other__"  # every name past the limit, and every name that is not a plain name
ANONYMOUS = "__anonymous__"
# GraphQL spec §2.1.9 Name, capped in length: an operation name or an extensions.code.
_NAME = re.compile(r"[_A-Za-z][_0-9A-Za-z]{0,63}")


class BoundedNames:
    """The first ``limit`` distinct valid names keep their own label value; later ones and
    invalid ones share ``OTHER``. Known names are a dict look-up (the hot path)."""

    def __init__(self, limit: int = 200) -> None:
        self.limit = limit
        self._known: dict[str, str] = {}
        self._lock = Lock()

    def __call__(self, name: str | None) -> str:
        if not name:
            return ANONYMOUS
        label = self._known.get(name)
        if label is not None:
            return label
        return self._admit(name)

    def _admit(self, name: str) -> str:
        with self._lock:
            if not _NAME.fullmatch(name) or len(self._known) >= self.limit:
                return OTHER
            return self._known.setdefault(name, name)
