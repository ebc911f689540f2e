"""Alembic environment of the payments database (the kit's shared body)."""

from subgraphs.kit.migrations import run_env
from subgraphs.payments.domain.models import Base

run_env(Base.metadata)
