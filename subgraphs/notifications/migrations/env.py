"""Alembic environment of the notifications database (the kit's shared body)."""

from subgraphs.kit.migrations import run_env
from subgraphs.notifications.domain.models import Base

run_env(Base.metadata)
