"""ORM tables of the subsidy service, all in its own Postgres schema \"subsidy\"."""

from sqlalchemy.orm import DeclarativeBase

from shared.db import make_metadata
from shared.platform_tables import define_platform_tables

SCHEMA = "subsidy"
metadata = make_metadata(SCHEMA)
platform = define_platform_tables(metadata)


class Base(DeclarativeBase):
    """Declarative base bound to this service's schema."""

    metadata = metadata
