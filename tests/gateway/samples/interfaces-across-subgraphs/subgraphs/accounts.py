"""Accounts: the Account interface (an entity interface) and both implementations."""

import strawberry

ACCOUNTS = {
    "c1": ("Customer", "carol@example.com", "GOLD"),
    "s1": ("Staff", "sam@example.com", "Sales"),
    "c2": ("Customer", "chen@example.com", "BASIC"),
    "s2": ("Staff", "sue@example.com", "Board"),
}


@strawberry.federation.interface(keys=["id"])
class Account:
    id: strawberry.ID
    email: str


@strawberry.federation.type(keys=["id"])
class Customer(Account):
    tier: str

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> "Customer":
        return make(id)


@strawberry.federation.type(keys=["id"])
class Staff(Account):
    department: str

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> "Staff":
        return make(id)


def make(id: str) -> Account | None:
    if id not in ACCOUNTS:
        return None
    kind, email, extra = ACCOUNTS[id]
    if kind == "Customer":
        return Customer(id=strawberry.ID(id), email=email, tier=extra)
    return Staff(id=strawberry.ID(id), email=email, department=extra)


@strawberry.type
class Query:
    @strawberry.field
    def accounts(self) -> list[Account]:
        return [make(i) for i in ACCOUNTS]

    @strawberry.field
    def account(self, id: strawberry.ID) -> Account | None:
        return make(id)


schema = strawberry.federation.Schema(
    query=Query, types=[Customer, Staff], federation_version="2.9"
)
