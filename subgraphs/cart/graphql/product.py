"""``Product`` as a reference only: ``@key(fields: "id", resolvable: false)``.

The cart points at products by id; the gateway fetches every other product field from the
products subgraph, so this subgraph never resolves ``Product`` representations itself.
"""

from __future__ import annotations

import strawberry
from strawberry.federation.schema_directives import Key

__all__ = ["Product"]


@strawberry.federation.type(keys=[Key(fields="id", resolvable=False)])
class Product:
    id: strawberry.ID
