"""Genres: genre titles, by genre code."""

import strawberry

TITLES = {"g-scifi": "Science fiction", "g-romance": "Romance"}


@strawberry.federation.type(keys=["code"])
class Genre:
    code: strawberry.ID

    @strawberry.field
    def title(self) -> str | None:
        return TITLES[self.code]

    @classmethod
    def resolve_reference(cls, code: strawberry.ID) -> "Genre":
        return Genre(code=code)


schema = strawberry.federation.Schema(types=[Genre], federation_version="2.9")
