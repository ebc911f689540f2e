"""Counter: increments refuse negative steps; each returns a snapshot entity."""

import strawberry

VALUE = [0]


def reset() -> None:
    VALUE[0] = 0


@strawberry.federation.type(keys=["id"])
class Snapshot:
    id: strawberry.ID
    value: int

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> "Snapshot":
        return Snapshot(id=id, value=int(id.removeprefix("s")))


@strawberry.type
class Query:
    @strawberry.field
    def value(self) -> int:
        return VALUE[0]


@strawberry.type
class Mutation:
    @strawberry.mutation
    def increment(self, by: int) -> Snapshot | None:
        if by < 0:
            raise ValueError("by must not be negative")
        VALUE[0] += by
        return Snapshot(id=strawberry.ID(f"s{VALUE[0]}"), value=VALUE[0])


schema = strawberry.federation.Schema(query=Query, mutation=Mutation, federation_version="2.9")
