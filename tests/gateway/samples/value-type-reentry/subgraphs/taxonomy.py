"""Taxonomy: each category's details and sub-category; reached only through a product's key."""

import strawberry

# Shared with catalog: which category each product is in, and each category's sub-category.
CATEGORY_OF = {"p1": "furniture", "p2": "lighting", "p3": None, "p4": "chairs"}
SUB = {"furniture": "chairs", "chairs": "office", "office": None, "lighting": None}
DETAILS = {
    "furniture": "Things to sit and work at",
    "chairs": "Four legs or five wheels",
    "office": "Five wheels and a lever",
    "lighting": "Lamps and bulbs",
}


@strawberry.federation.type(shareable=True)
class Category:
    key: strawberry.Private[str]

    @strawberry.field
    def details(self) -> str | None:
        return DETAILS[self.key]

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


schema = strawberry.federation.Schema(types=[Product], federation_version="2.9")
