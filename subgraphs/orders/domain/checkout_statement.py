"""PostgreSQL: a new order, its lines and its first history row inserted in one statement.

Data-modifying CTEs (PostgreSQL docs, 7.8.4): the order's ``INSERT .. ON CONFLICT DO NOTHING
RETURNING id`` feeds the lines' and the history's inserts, so a cart version bought before
writes nothing at all, as the three statements did one round trip each. The lines travel as
one array per column, unnested into rows in their order. The foreign keys of the lines and the
history row are checked at the end of the statement, when the order's row is there.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import (
    ARRAY,
    BigInteger,
    Integer,
    Select,
    String,
    bindparam,
    column,
    func,
    insert,
    null,
    select,
    true,
)
from sqlalchemy.dialects import postgresql

from subgraphs.orders.domain.models import Order, OrderItem, OrderStatusChange
from subgraphs.orders.domain.records import OrderLine, StatusChange

__all__ = ["CHECKOUT_KEY", "INSERT_CHECKOUT", "checkout_parameters"]

ORDERS, ITEMS, CHANGES = Order.__table__, OrderItem.__table__, OrderStatusChange.__table__
CHECKOUT_KEY = ["user_id", "cart_id", "cart_version"]

# (column of order_items, its parameter, the array type it travels in)
_LINE_COLUMNS = [
    ("position", "line_positions", Integer),
    ("product_id", "line_product_ids", String),
    ("product_name", "line_product_names", String),
    ("quantity", "line_quantities", Integer),
    ("unit_amount", "line_unit_amounts", BigInteger),
    ("currency", "line_currencies", String),
]


def _statement() -> Select[Any]:
    values = {c.name: bindparam(f"order_{c.name}", type_=c.type) for c in ORDERS.c}
    new = (postgresql.insert(ORDERS).values(values)
           .on_conflict_do_nothing(index_elements=CHECKOUT_KEY)
           .returning(ORDERS.c.id).cte("new_order"))
    lines = func.unnest(*(bindparam(param, type_=ARRAY(kind)) for _, param, kind in _LINE_COLUMNS)
                        ).table_valued(*(column(name, kind) for name, _, kind in _LINE_COLUMNS)
                                       ).render_derived(name="line")
    names = [name for name, _, _ in _LINE_COLUMNS]
    new_lines = insert(ITEMS).from_select(
        ["order_id", *names],
        select(new.c.id, *(lines.c[name] for name in names)).select_from(new.join(lines, true())),
    ).cte("new_lines")
    new_change = insert(CHANGES).from_select(
        ["order_id", "previous_status", "status", "reason", "changed_at"],
        select(new.c.id, null(), bindparam("change_status", type_=String), null(),
               bindparam("change_at", type_=CHANGES.c.changed_at.type)).select_from(new),
    ).cte("new_change")
    return select(func.count()).select_from(new).add_cte(new_lines, new_change)


# Built once at import; each checkout passes its values as parameters. 1 when inserted, 0 when
# the cart version was bought already.
INSERT_CHECKOUT = _statement()


def checkout_parameters(
    order_row: dict[str, object], lines: Sequence[OrderLine], first: StatusChange
) -> dict[str, object]:
    """``INSERT_CHECKOUT``'s parameters: the order's row (column -> value), its lines in
    order and its first history row."""
    arrays = {
        "line_positions": list(range(len(lines))),
        "line_product_ids": [line.product_id for line in lines],
        "line_product_names": [line.product_name for line in lines],
        "line_quantities": [line.quantity for line in lines],
        "line_unit_amounts": [line.unit_amount for line in lines],
        "line_currencies": [line.currency for line in lines],
    }
    return ({f"order_{name}": value for name, value in order_row.items()} | arrays
            | {"change_status": first.status.value, "change_at": first.changed_at})
