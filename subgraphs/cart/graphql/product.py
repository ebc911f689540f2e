"""``Product`` as a reference: ``@key(fields: "id", resolvable: false)``, plus ``name``.

The cart points at products by id and never resolves ``Product`` representations itself. Every
cart read already asks products for each line's current price, and asks for the name with it,
so ``CartItem.product`` ``@provides(fields: "name")``: a cart shown with product names costs no
further request to products. Every other product field comes from the products subgraph.
"""

from __future__ import annotations

import strawberry
from strawberry.federation.schema_directives import Key

__all__ = ["Product"]


@strawberry.federation.type(keys=[Key(fields="id", resolvable=False)])
class Product:
    id: strawberry.ID
    name: str = strawberry.federation.field(external=True)
