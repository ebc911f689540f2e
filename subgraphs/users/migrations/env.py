"""Alembic environment of the users database (the kit's shared body)."""

from subgraphs.kit.migrations import run_env
from subgraphs.users.domain.models import Base

run_env(Base.metadata)
