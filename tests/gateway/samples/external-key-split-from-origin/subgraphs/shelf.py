"""Shelf: a blurb for each book's genre; receives book ids, never owns them (`@external`)."""

import strawberry

# Shared with tags: each book's genre.
GENRE_OF = {"b1": "g-scifi", "b2": "g-romance", "b3": None}
BLURBS = {"g-scifi": "Spice and sandworms", "g-romance": "Manners and matchmaking"}


@strawberry.type
class Genre:
    code: strawberry.Private[str]

    @strawberry.field
    def blurb(self) -> str | None:
        return BLURBS[self.code]


@strawberry.federation.type(keys=["id"])
class Book:
    key: strawberry.Private[str]

    @strawberry.federation.field(external=True)
    def id(self) -> strawberry.ID:
        # Deliberately wrong: the id is catalog's; a plan that reads it here shows.
        return strawberry.ID(f"shelf-is-not-the-owner-of-{self.key}")

    @strawberry.federation.field(shareable=True)
    def genre(self) -> Genre | None:
        code = GENRE_OF[self.key]
        return Genre(code=code) if code else None

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> "Book":
        return Book(key=id)


schema = strawberry.federation.Schema(types=[Book], federation_version="2.9")
