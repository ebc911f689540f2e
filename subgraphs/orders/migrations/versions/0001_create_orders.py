"""Create orders, order_items, order_status_changes, and the outbox and inbox of the streams.

Revision ID: 0001
Revises:
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_BIGINT_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_STATUSES = "'PENDING', 'PAID', 'PAYMENT_FAILED', 'CANCELLED', 'SHIPPED', 'DELIVERED'"


def upgrade() -> None:
    _orders()
    _items_and_history()
    _outbox()
    op.create_table(
        "inbox",
        sa.Column("consumer", sa.String(200), nullable=False),
        sa.Column("event_id", sa.String(36), nullable=False),
        sa.Column("event_type", sa.String(200), nullable=False),
        sa.Column("processed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("consumer", "event_id", name="pk_inbox"),
    )


def _orders() -> None:
    op.create_table(
        "orders",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("user_id", sa.String(255), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("total_amount", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("payment_method", sa.String(255), nullable=False),
        sa.Column("cart_id", sa.String(255), nullable=False),
        sa.Column("cart_version", sa.Integer(), nullable=False),
        sa.Column("tracking_number", sa.String(100), nullable=True),
        sa.Column("cancellation_reason", sa.String(500), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("row_version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_orders"),
        sa.UniqueConstraint("user_id", "cart_id", "cart_version", name="uq_orders_checkout"),
        sa.CheckConstraint(f"status IN ({_STATUSES})", name="ck_orders_status"),
        sa.CheckConstraint("total_amount >= 0", name="ck_orders_total_amount"),
    )
    op.create_index("ix_orders_user_newest", "orders", ["user_id", "created_at", "id"])
    op.create_index("ix_orders_status_created", "orders", ["status", "created_at"])


def _items_and_history() -> None:
    op.create_table(
        "order_items",
        sa.Column("order_id", sa.String(36), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.String(255), nullable=False),
        sa.Column("product_name", sa.String(500), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("unit_amount", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.ForeignKeyConstraint(["order_id"], ["orders.id"],
                                name="fk_order_items_order_id_orders"),
        sa.PrimaryKeyConstraint("order_id", "position", name="pk_order_items"),
        sa.CheckConstraint("quantity > 0", name="ck_order_items_quantity"),
        sa.CheckConstraint("unit_amount >= 0", name="ck_order_items_unit_amount"),
    )
    op.create_table(
        "order_status_changes",
        sa.Column("id", _BIGINT_ID, autoincrement=True, nullable=False),
        sa.Column("order_id", sa.String(36), nullable=False),
        sa.Column("previous_status", sa.String(20), nullable=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("reason", sa.String(500), nullable=True),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["order_id"], ["orders.id"],
                                name="fk_order_status_changes_order_id_orders"),
        sa.PrimaryKeyConstraint("id", name="pk_order_status_changes"),
    )
    op.create_index("ix_order_status_changes_order_id", "order_status_changes", ["order_id"])


def _outbox() -> None:
    op.create_table(
        "outbox",
        sa.Column("id", _BIGINT_ID, nullable=False),
        sa.Column("event_id", sa.String(36), nullable=False),
        sa.Column("event_type", sa.String(200), nullable=False),
        sa.Column("topic", sa.String(249), nullable=False),
        sa.Column("key", sa.String(255), nullable=True),
        sa.Column("value", sa.LargeBinary(), nullable=False),
        sa.Column("headers", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_outbox"),
        sa.UniqueConstraint("event_id", name="uq_outbox_event_id"),
    )
    op.create_index("ix_outbox_unpublished", "outbox", ["published_at", "id"])


def downgrade() -> None:
    op.drop_index("ix_outbox_unpublished", table_name="outbox")
    op.drop_index("ix_order_status_changes_order_id", table_name="order_status_changes")
    op.drop_index("ix_orders_status_created", table_name="orders")
    op.drop_index("ix_orders_user_newest", table_name="orders")
    for table in ("inbox", "outbox", "order_status_changes", "order_items", "orders"):
        op.drop_table(table)
