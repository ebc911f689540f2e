"""Create webhook_events (provider webhook ids handled once, Stripe's /webhooks/stripe) and
payments.correlation_id (the saga a webhook-settled payment belongs to).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "webhook_events",
        sa.Column("event_id", sa.String(255), nullable=False),
        sa.Column("provider", sa.String(32), nullable=False),
        sa.Column("event_type", sa.String(100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("processed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("outcome", sa.String(200), nullable=False),
        sa.PrimaryKeyConstraint("event_id", name="pk_webhook_events"),
    )
    with op.batch_alter_table("payments") as batch:
        batch.add_column(sa.Column("correlation_id", sa.String(128), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("payments") as batch:
        batch.drop_column("correlation_id")
    op.drop_table("webhook_events")
