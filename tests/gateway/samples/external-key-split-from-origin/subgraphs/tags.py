"""Tags: the code of each book's genre; receives book ids, never owns them (`@external`)."""

import strawberry

# Shared with shelf: each book's genre.
GENRE_OF = {"b1": "g-scifi", "b2": "g-romance", "b3": None}


@strawberry.type
class Genre:
    code: strawberry.ID = strawberry.federation.field(shareable=True)


@strawberry.federation.type(keys=["id"])
class Book:
    key: strawberry.Private[str]

    @strawberry.federation.field(external=True)
    def id(self) -> strawberry.ID:
        # Deliberately wrong: the id is catalog's; a plan that reads it here shows.
        return strawberry.ID(f"tags-is-not-the-owner-of-{self.key}")

    @strawberry.federation.field(shareable=True)
    def genre(self) -> Genre | None:
        code = GENRE_OF[self.key]
        return Genre(code=strawberry.ID(code)) if code else None

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> "Book":
        return Book(key=id)


schema = strawberry.federation.Schema(types=[Book], federation_version="2.9")
