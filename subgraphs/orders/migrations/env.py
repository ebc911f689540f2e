"""Alembic environment of the orders database (the kit's shared body)."""

from subgraphs.kit.migrations import run_env
from subgraphs.orders.domain.models import Base

run_env(Base.metadata)
