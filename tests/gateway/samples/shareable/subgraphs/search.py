"""Search: returns products with their (shared) name and price from its own index."""

import strawberry

INDEX = {"p2": ("lamp", 2500), "p1": ("chair", 4900)}


@strawberry.federation.type(shareable=True)
class Money:
    amount: int
    currency: str


@strawberry.federation.type(keys=["id"])
class Product:
    id: strawberry.ID
    name: str = strawberry.federation.field(shareable=True)
    price: Money = strawberry.federation.field(shareable=True)

    @strawberry.field
    def score(self) -> float:
        return 1.0 if self.id == "p2" else 0.5

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> "Product":
        name, amount = INDEX[id]
        return Product(id=id, name=name, price=Money(amount=amount, currency="EUR"))


@strawberry.type
class Query:
    @strawberry.field
    def search(self, text: str) -> list[Product]:
        hits = [i for i, (name, _) in INDEX.items() if text.lower() in name]
        return [Product.resolve_reference(strawberry.ID(i)) for i in hits]


schema = strawberry.federation.Schema(query=Query, federation_version="2.9")
