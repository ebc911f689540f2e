"""An order's lines as stock sees them: summed per product, and why a line cannot be filled."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from streaming.events import OrderItem, Shortage, StockLine
from subgraphs.products.domain.records import ProductRecord

__all__ = ["failure_reason", "shortages", "summed_lines"]


def summed_lines(items: Sequence[OrderItem]) -> list[StockLine]:
    """One line per product with the quantities added up, in product-id order.

    The fixed order makes concurrent multi-line reservations lock product rows in the same
    sequence on PostgreSQL, so two orders can never deadlock on each other's rows.
    """
    totals: dict[str, int] = {}
    for item in items:
        totals[item.product_id] = totals.get(item.product_id, 0) + item.quantity
    return [StockLine(product_id=pid, quantity=totals[pid]) for pid in sorted(totals)]


def shortages(
    lines: Sequence[StockLine], products: Mapping[str, ProductRecord], refused: str
) -> list[tuple[Shortage, str]]:
    """Every line the current stock cannot fill, with a sentence saying why.

    ``refused`` is the line whose update was refused; it is reported even when stock came back
    between the refusal and this read, so a failure always names at least one line.
    """
    found = []
    for line in lines:
        product = products.get(line.product_id)
        available = product.stock if product is not None else 0
        if product is None or available < line.quantity or line.product_id == refused:
            shortage = Shortage(
                product_id=line.product_id, quantity=line.quantity, available=available
            )
            found.append((shortage, _why(line, product)))
    return found


def failure_reason(found: Sequence[tuple[Shortage, str]]) -> str:
    """One sentence for the whole order, e.g. for the customer's cancelled order."""
    return "; ".join(why for _shortage, why in found)


def _why(line: StockLine, product: ProductRecord | None) -> str:
    if product is None:
        return f"unknown product {line.product_id}"
    return (
        f"insufficient stock for {product.sku} ({product.name}): "
        f"{line.quantity} requested, {product.stock} available"
    )
