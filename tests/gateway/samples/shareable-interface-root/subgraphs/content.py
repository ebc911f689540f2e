"""Content: owns posts (ids, bodies) and lists each user's posts; user ids are `@external`.

It answers `entry` for every id, users included, but a user's id is accounts' to give: read
here it comes out deliberately wrong, so a plan that reads it shows.
"""

import strawberry

BODIES = {"p1": "Notes on the engine", "p2": "A compiler", "p3": "Loops"}
POSTS_BY = {"u1": ["p1", "p3"], "u2": ["p2"]}


@strawberry.interface
class Entry:
    id: strawberry.ID


@strawberry.federation.type(keys=["id"])
class Post(Entry):
    id: strawberry.ID

    @strawberry.field
    def body(self) -> str:
        return BODIES[self.id]

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> "Post":
        return Post(id=id)


@strawberry.federation.type(keys=["id"])
class User(Entry):
    key: strawberry.Private[str]

    @strawberry.federation.field(external=True)
    def id(self) -> strawberry.ID:
        return strawberry.ID(f"content-is-not-the-owner-of-{self.key}")

    @strawberry.field
    def posts(self) -> list[Post]:
        return [Post(id=strawberry.ID(p)) for p in POSTS_BY[self.key]]

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> "User":
        return User(key=id)


def entry(id: str) -> Entry | None:
    if id in BODIES:
        return Post(id=strawberry.ID(id))
    return User(key=id) if id in POSTS_BY else None


@strawberry.type
class Query:
    @strawberry.federation.field(shareable=True)
    def entry(self, id: strawberry.ID) -> Entry | None:
        return entry(id)

    @strawberry.federation.field(shareable=True)
    def entries(self, ids: list[strawberry.ID]) -> list[Entry | None]:
        return [entry(id) for id in ids]


schema = strawberry.federation.Schema(query=Query, types=[User, Post], federation_version="2.9")
