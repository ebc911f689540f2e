"""Picks: returns a concrete Book by key; knows nothing of Media or stock."""

import strawberry


@strawberry.federation.type(keys=["id"])
class Book:
    id: strawberry.ID


@strawberry.type
class Query:
    @strawberry.field
    def book_of_the_day(self) -> Book:
        return Book(id=strawberry.ID("b2"))

    @strawberry.field
    def reading_list(self) -> list[Book]:
        return [Book(id=strawberry.ID("b1")), Book(id=strawberry.ID("b2"))]


schema = strawberry.federation.Schema(query=Query, federation_version="2.9")
