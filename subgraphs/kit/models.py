"""What every domain's SQLAlchemy models share: named constraints on one metadata per database."""

from __future__ import annotations

from sqlalchemy import MetaData

__all__ = ["NAMING", "domain_metadata"]

# Named constraints keep Alembic's batch mode (SQLite) and PostgreSQL migrations in step.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def domain_metadata() -> MetaData:
    """A fresh metadata for one domain's database, naming its constraints by ``NAMING``."""
    return MetaData(naming_convention=NAMING)
