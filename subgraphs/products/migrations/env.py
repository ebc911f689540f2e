"""Alembic environment of the products database (the kit's shared body)."""

from subgraphs.kit.migrations import run_env
from subgraphs.products.domain.models import Base

run_env(Base.metadata)
