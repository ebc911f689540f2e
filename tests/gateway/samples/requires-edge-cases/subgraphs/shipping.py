"""Shipping: every field here is computed from fields products owns (@requires), some with
arguments, one through inline fragments on an interface whose members include a hidden type."""

from typing import Any

import strawberry


@strawberry.interface
class Detail:
    label: str


@strawberry.interface
class Sized(Detail):
    size: int


@strawberry.federation.type(shareable=True)
class Box(Sized):
    depth: int


@strawberry.federation.type(shareable=True)
class Tube(Sized):
    length: int


@strawberry.federation.type(shareable=True, inaccessible=True)
class Secret(Detail):
    code: int


@strawberry.type
class Category:
    @strawberry.federation.field(external=True)
    def average_price(self, currency: str) -> int:
        raise NotImplementedError("external: only ever sent in representations")


PACKING = 'detail { label ... on Sized { size ... on Box { depth } ... on Tube { length } } }'


@strawberry.federation.type(keys=["id"])
class Product:
    id: strawberry.ID
    weight: int = strawberry.federation.field(external=True, default=0)
    category: Category | None = strawberry.federation.field(external=True, default=None)
    detail: Detail | None = strawberry.federation.field(external=True, default=None)
    given: strawberry.Private[dict[str, Any] | None] = None

    @strawberry.federation.field(external=True)
    def price(self, currency: str = "EUR") -> int:
        raise NotImplementedError("external: only ever sent in representations")

    @strawberry.federation.field(requires=['price(currency: "USD") weight'])
    def estimate(self) -> int:
        return self.given["price"] * self.weight

    @strawberry.federation.field(requires=['price(currency: "EUR") weight'])
    def estimate_eur(self) -> int:
        return self.given["price"] * self.weight

    @strawberry.federation.field(requires=['category { averagePrice(currency: "USD") }'])
    def expensive_category(self) -> bool:
        return self.given["category"]["averagePrice"] > 100

    @strawberry.federation.field(requires=[PACKING])
    def packing(self) -> str:
        detail = self.given["detail"]
        if "depth" in detail:
            return f"{detail['label']} {detail['size']}x{detail['depth']}"
        if "length" in detail:
            return f"{detail['label']} {detail['size']}x{detail['length']}"
        return f"{detail['label']} ({', '.join(sorted(detail))})"

    @strawberry.federation.field(requires=["detail { ... on Secret { code } }"])
    def secret_code(self) -> int:
        return self.given["detail"].get("code", 0)  # a detail that is no Secret: {}

    @classmethod
    def resolve_reference(cls, id: strawberry.ID, **required: Any) -> "Product":
        return Product(id=id, weight=required.get("weight", 0), given=required)


schema = strawberry.federation.Schema(
    types=[Product, Box, Tube, Secret], federation_version="2.9"
)
