"""Tax: 20% of the net amount billing owns."""

import strawberry


@strawberry.federation.type(keys=["id"])
class Invoice:
    id: strawberry.ID
    base: int = strawberry.federation.field(external=True, default=0)

    @strawberry.federation.field(requires=["base"])
    def tax(self) -> int:
        return self.base // 5

    @strawberry.field
    def rate(self) -> int:
        return 20

    @classmethod
    def resolve_reference(cls, id: strawberry.ID, base: int = 0) -> "Invoice":
        return Invoice(id=id, base=base)


schema = strawberry.federation.Schema(types=[Invoice], federation_version="2.9")
