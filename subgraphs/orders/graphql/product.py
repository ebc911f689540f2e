"""``Product`` as a reference only: ``@key(fields: "id", resolvable: false)``.

An order line points at its product by id; the gateway fetches every other current product
field from products. The name and price at checkout are the line's own fields.
"""

from __future__ import annotations

import strawberry
from strawberry.federation.schema_directives import Key

__all__ = ["Product"]


@strawberry.federation.type(keys=[Key(fields="id", resolvable=False)])
class Product:
    id: strawberry.ID
