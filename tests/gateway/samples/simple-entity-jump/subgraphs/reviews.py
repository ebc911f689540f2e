"""Reviews: a list field on products, and its own root field returning products."""

import strawberry

REVIEWS = {
    "p1": [("r1", 5, "Comfortable"), ("r2", 3, "Wobbly")],
    "p3": [("r3", 4, "Bright")],
}


@strawberry.type
class Review:
    id: strawberry.ID
    rating: int
    body: str
    product: "Product"


@strawberry.federation.type(keys=["id"])
class Product:
    id: strawberry.ID

    @strawberry.field
    def reviews(self) -> list[Review]:
        return [
            Review(id=strawberry.ID(r), rating=n, body=b, product=self)
            for r, n, b in REVIEWS.get(self.id, [])
        ]

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> "Product":
        return Product(id=id)


@strawberry.type
class Query:
    @strawberry.field
    def top_reviews(self) -> list[Review]:
        found = [r for p in REVIEWS for r in Product(id=strawberry.ID(p)).reviews()]
        return sorted(found, key=lambda r: (-r.rating, r.id))


schema = strawberry.federation.Schema(query=Query, federation_version="2.9")
