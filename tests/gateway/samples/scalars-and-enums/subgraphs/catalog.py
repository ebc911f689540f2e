"""Catalog: statuses (with ARCHIVED), release dates, free-form attributes."""

import datetime
from enum import Enum

import strawberry
from strawberry.scalars import JSON

PRODUCTS = {
    "p1": ("ACTIVE", datetime.datetime(2024, 5, 1, 9, 30, tzinfo=datetime.UTC), {"color": "red"}),
    "p2": (
        "ARCHIVED",
        datetime.datetime(2019, 1, 2, tzinfo=datetime.UTC),
        {"sizes": [1, 2.5, None]},
    ),
    "p3": ("DISCONTINUED", datetime.datetime(2022, 12, 31, 23, 59, 59, tzinfo=datetime.UTC), None),
}


@strawberry.enum
class Status(Enum):
    ACTIVE = "ACTIVE"
    DISCONTINUED = "DISCONTINUED"
    ARCHIVED = "ARCHIVED"


@strawberry.federation.type(keys=["id"])
class Product:
    id: strawberry.ID

    @strawberry.field
    def status(self) -> Status:
        return Status(PRODUCTS[self.id][0])

    @strawberry.field
    def released_at(self) -> datetime.datetime:
        return PRODUCTS[self.id][1]

    @strawberry.field
    def attributes(self) -> JSON | None:
        return PRODUCTS[self.id][2]

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> "Product":
        return Product(id=id)


@strawberry.type
class Query:
    @strawberry.field
    def products(self) -> list[Product]:
        return [Product(id=strawberry.ID(i)) for i in PRODUCTS]


schema = strawberry.federation.Schema(query=Query, federation_version="2.9")
