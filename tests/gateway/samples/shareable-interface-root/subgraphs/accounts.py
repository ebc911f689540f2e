"""Accounts: owns users (ids, logins) and knows who wrote each post; post ids are `@external`.

It answers `entry` for every id, posts included, but a post's id is content's to give: read
here it comes out deliberately wrong, so a plan that reads it shows.
"""

import strawberry

LOGINS = {"u1": "ada", "u2": "grace"}
AUTHOR_OF = {"p1": "u1", "p2": "u2", "p3": "u1"}


@strawberry.interface
class Entry:
    id: strawberry.ID


@strawberry.federation.type(keys=["id"])
class User(Entry):
    id: strawberry.ID

    @strawberry.field
    def login(self) -> str:
        return LOGINS[self.id]

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> "User":
        return User(id=id)


@strawberry.federation.type(keys=["id"])
class Post(Entry):
    key: strawberry.Private[str]

    @strawberry.federation.field(external=True)
    def id(self) -> strawberry.ID:
        return strawberry.ID(f"accounts-is-not-the-owner-of-{self.key}")

    @strawberry.field
    def author(self) -> User:
        return User(id=strawberry.ID(AUTHOR_OF[self.key]))

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> "Post":
        return Post(key=id)


def entry(id: str) -> Entry | None:
    if id in LOGINS:
        return User(id=strawberry.ID(id))
    return Post(key=id) if id in AUTHOR_OF else None


@strawberry.type
class Query:
    @strawberry.federation.field(shareable=True)
    def entry(self, id: strawberry.ID) -> Entry | None:
        return entry(id)

    @strawberry.federation.field(shareable=True)
    def entries(self, ids: list[strawberry.ID]) -> list[Entry | None]:
        return [entry(id) for id in ids]


schema = strawberry.federation.Schema(query=Query, types=[User, Post], federation_version="2.9")
