"""Catalog: lists products; knows each category's name and its sub-category, not its details."""

import strawberry

# Shared with taxonomy: which category each product is in, and each category's sub-category.
CATEGORY_OF = {"p1": "furniture", "p2": "lighting", "p3": None, "p4": "chairs"}
SUB = {"furniture": "chairs", "chairs": "office", "office": None, "lighting": None}
NAMES = {
    "furniture": "Furniture",
    "chairs": "Chairs",
    "office": "Office chairs",
    "lighting": "Lighting",
}
LISTED = ["p1", None, "p2", "p1", "p3", "p4"]


@strawberry.federation.type(shareable=True)
class Category:
    key: strawberry.Private[str]

    @strawberry.field
    def name(self) -> str | None:
        return NAMES[self.key]

    @strawberry.field
    def sub(self) -> "Category | None":
        return category(SUB[self.key])


def category(key: str | None) -> Category | None:
    return Category(key=key) if key else None


@strawberry.federation.type(keys=["id"])
class Product:
    id: strawberry.ID

    @strawberry.federation.field(shareable=True)
    def category(self) -> Category | None:
        return category(CATEGORY_OF[self.id])

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> "Product":
        return Product(id=id)


@strawberry.type
class Query:
    @strawberry.field
    def products(self) -> list[Product | None] | None:
        return [Product(id=strawberry.ID(i)) if i else None for i in LISTED]


schema = strawberry.federation.Schema(query=Query, federation_version="2.9")
