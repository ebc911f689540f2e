"""Shipping: every field here is computed from fields other subgraphs own (@requires)."""

import strawberry


@strawberry.federation.type(shareable=True)
class Dimensions:
    size: str
    weight: int


SIZE_FEE = {"S": 100, "M": 400, "L": 900}


@strawberry.federation.type(keys=["id"])
class Product:
    id: strawberry.ID
    weight: int = strawberry.federation.field(external=True, default=0)
    dimensions: Dimensions = strawberry.federation.field(
        external=True, default_factory=lambda: Dimensions(size="S", weight=0)
    )
    packaging: int = strawberry.federation.field(external=True, default=0)
    usd: strawberry.Private[int] = 0

    @strawberry.federation.field(external=True)
    def price(self, currency: str = "EUR") -> int:
        raise NotImplementedError("external: only ever sent in representations")

    @strawberry.federation.field(requires=["weight"])
    def shipping_estimate(self, express: bool = False) -> int:
        return self.weight * (250 if express else 100)

    @strawberry.federation.field(requires=["dimensions { size }"])
    def size_fee(self) -> int:
        return SIZE_FEE[self.dimensions.size]

    @strawberry.federation.field(requires=['price(currency: "USD")'])
    def duty_usd(self) -> int:
        return self.usd // 10

    @strawberry.federation.field(requires=["packaging weight"])
    def gross_weight(self) -> int:
        return self.weight + self.packaging

    @classmethod
    def resolve_reference(cls, id: strawberry.ID, **required: object) -> "Product":
        dims = required.get("dimensions") or {"size": "S"}
        return Product(
            id=id,
            weight=required.get("weight", 0),
            dimensions=Dimensions(size=dims["size"], weight=0),
            packaging=required.get("packaging", 0),
            usd=required.get("price", 0),
        )


schema = strawberry.federation.Schema(types=[Product], federation_version="2.9")
