"""Library: books and songs as `Media`. Its `featured` is typed `Book` (radio's is `Media`); a
book's `related` is typed `Book` (an implementation may narrow an interface field's type); a
song's is computed from its plays, owned by radio."""

import strawberry

BOOKS = {"b1": ("Dune", 412), "b2": ("Emma", 320)}
SONGS = {"s1": ("Blue", 210)}


@strawberry.interface
class Media:
    id: strawberry.ID
    title: str

    @strawberry.field
    def related(self) -> "Media | None":
        raise NotImplementedError


@strawberry.federation.type(keys=["id"], shareable=True)
class Book(Media):
    pages: int

    @strawberry.field
    def related(self) -> "Book | None":
        return book("b1" if self.id == "b2" else "b2")

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> "Book":
        return book(id)


@strawberry.federation.type(keys=["id"], shareable=True)
class Song(Media):
    length: int
    plays: int = strawberry.federation.field(external=True, default=0)

    @strawberry.federation.field(requires=["plays"])
    def related(self) -> Media | None:
        return book("b1") if self.plays > 5 else None

    @classmethod
    def resolve_reference(cls, id: strawberry.ID, plays: int = 0) -> "Song":
        title, length = SONGS[id]
        return Song(id=id, title=title, length=length, plays=plays)


def book(id: str) -> Book:
    title, pages = BOOKS[id]
    return Book(id=strawberry.ID(id), title=title, pages=pages)


@strawberry.type
class Query:
    @strawberry.federation.field(shareable=True)
    def featured(self) -> Book:
        return book("b1")

    @strawberry.field
    def shelf(self) -> list[Media]:
        return [book("b2"), Song.resolve_reference(strawberry.ID("s1"))]


schema = strawberry.federation.Schema(query=Query, types=[Book, Song], federation_version="2.9")
