"""Delivery state on notifications (attempts, last error, sent at, provider message id,
next attempt, claim time) and the notification_preferences table (issue 9).

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

COLUMNS = ("claimed_at", "next_attempt_at", "provider_message_id", "sent_at", "last_error",
           "attempts")


def upgrade() -> None:
    with op.batch_alter_table("notifications") as batch:
        batch.add_column(sa.Column("attempts", sa.Integer(), nullable=False,
                                   server_default="0"))
        batch.add_column(sa.Column("last_error", sa.Text(), nullable=True))
        batch.add_column(sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("provider_message_id", sa.String(100), nullable=True))
        batch.add_column(sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True))
        batch.create_index("ix_notifications_due", ["status", "next_attempt_at"])
    # Messages the dev mailbox stored before this revision were "sent" in one attempt.
    op.execute("UPDATE notifications SET attempts = 1, sent_at = created_at "
               "WHERE status = 'sent'")
    op.create_table(
        "notification_preferences",
        sa.Column("user_id", sa.String(255), nullable=False),
        sa.Column("email", sa.Boolean(), nullable=False),
        sa.Column("sms", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("user_id", name="pk_notification_preferences"),
    )


def downgrade() -> None:
    op.drop_table("notification_preferences")
    with op.batch_alter_table("notifications") as batch:
        batch.drop_index("ix_notifications_due")
        for column in COLUMNS:
            batch.drop_column(column)
