"""Create the products table.

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


def upgrade() -> None:
    op.create_table(
        "products",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("sku", sa.String(64), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("name_key", sa.String(200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("price_amount", sa.Integer(), nullable=False),
        sa.Column("price_currency", sa.String(3), nullable=False),
        sa.Column("category", sa.String(64), nullable=True),
        sa.Column("stock", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_products"),
        sa.UniqueConstraint("sku", name="uq_products_sku"),
        sa.CheckConstraint("stock >= 0", name="ck_products_stock_not_negative"),
        sa.CheckConstraint("price_amount >= 0", name="ck_products_price_not_negative"),
    )
    op.create_index("ix_products_category", "products", ["category"])
    op.create_index("ix_products_price", "products", ["price_amount", "id"])
    op.create_index("ix_products_name_key", "products", ["name_key", "id"])
    op.create_index("ix_products_created", "products", ["created_at", "id"])


def downgrade() -> None:
    op.drop_table("products")
