"""Search: ranks products by a criterion; knows fewer statuses; echoes scalars it is given."""

import datetime
from enum import Enum

import strawberry
from strawberry.scalars import JSON

RANKS = {"POPULARITY": ["p3", "p1", "p2"], "RECENCY": ["p1", "p3", "p2"]}


@strawberry.enum
class Status(Enum):
    ACTIVE = "ACTIVE"
    DISCONTINUED = "DISCONTINUED"


@strawberry.enum
class Criterion(Enum):
    POPULARITY = "POPULARITY"
    RECENCY = "RECENCY"


@strawberry.type
class Echo:
    at: datetime.datetime
    payload: JSON
    criterion: Criterion


@strawberry.federation.type(keys=["id"])
class Product:
    id: strawberry.ID

    @strawberry.field
    def rank(self, by: Criterion) -> int:
        return RANKS[by.value].index(self.id) + 1

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> "Product":
        return Product(id=id)


@strawberry.type
class Query:
    @strawberry.field
    def top(self, by: Criterion = Criterion.POPULARITY) -> list[Product]:
        return [Product(id=strawberry.ID(i)) for i in RANKS[by.value]]

    @strawberry.field
    def statuses(self) -> list[Status]:
        return [Status.DISCONTINUED, Status.ACTIVE]

    @strawberry.field
    def echo(self, at: datetime.datetime, payload: JSON, criterion: Criterion) -> Echo:
        return Echo(at=at, payload=payload, criterion=criterion)


schema = strawberry.federation.Schema(query=Query, federation_version="2.9")
