"""Ledger: an append-only list of entries; also reports its length on counter snapshots."""

import strawberry

ENTRIES: list[str] = []


def reset() -> None:
    ENTRIES.clear()


@strawberry.type
class Entry:
    position: int
    text: str

    @strawberry.field
    def log(self) -> list[str]:
        return list(ENTRIES)


@strawberry.federation.type(keys=["id"])
class Snapshot:
    id: strawberry.ID

    @strawberry.field
    def ledger_length(self) -> int:
        return len(ENTRIES)

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> "Snapshot":
        return Snapshot(id=id)


@strawberry.type
class Query:
    @strawberry.field
    def entries(self) -> list[str]:
        return list(ENTRIES)


@strawberry.type
class Mutation:
    @strawberry.mutation
    def append(self, text: str) -> Entry:
        ENTRIES.append(text)
        return Entry(position=len(ENTRIES), text=text)


schema = strawberry.federation.Schema(
    query=Query, mutation=Mutation, types=[Snapshot], federation_version="2.9"
)
