"""Orders: a user's orders and their lines; products only by reference."""

import strawberry

ORDERS = {"u1": ["o1", "o2"], "u2": ["o3"]}
LINES = {"o1": [("pA", 1), ("pB", 2)], "o2": [("pA", 3)], "o3": []}


@strawberry.federation.type(keys=["id"])
class Product:
    id: strawberry.ID


@strawberry.type
class OrderItem:
    quantity: int
    product: Product


@strawberry.federation.type(keys=["id"])
class Order:
    id: strawberry.ID

    @strawberry.field
    def items(self) -> list[OrderItem]:
        return [
            OrderItem(quantity=q, product=Product(id=strawberry.ID(p))) for p, q in LINES[self.id]
        ]

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> "Order":
        return Order(id=id)


@strawberry.federation.type(keys=["id"])
class User:
    id: strawberry.ID

    @strawberry.field
    def orders(self) -> list[Order]:
        return [Order(id=strawberry.ID(o)) for o in ORDERS.get(self.id, [])]

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> "User":
        return User(id=id)


schema = strawberry.federation.Schema(types=[User, Order, Product], federation_version="2.9")
