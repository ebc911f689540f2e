"""Reviews: ratings (non-null, failing for p2), a nullable warning (failing for p3)."""

import strawberry

RATINGS = {"p1": 4, "p3": 2}


@strawberry.federation.type(keys=["id"])
class Product:
    id: strawberry.ID

    @strawberry.field
    def rating(self) -> int:
        if self.id not in RATINGS:
            raise ValueError(f"no rating for {self.id}")
        return RATINGS[self.id]

    @strawberry.field
    def warning(self) -> str | None:
        if self.id == "p3":
            raise ValueError("warning service unavailable")
        return None

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> "Product":
        return Product(id=id)


@strawberry.type
class Review:
    body: str
    product: Product


@strawberry.type
class Query:
    @strawberry.field
    def latest_review(self) -> Review | None:
        return Review(body="Where did it go?", product=Product(id=strawberry.ID("p9")))


schema = strawberry.federation.Schema(query=Query, federation_version="2.9")
