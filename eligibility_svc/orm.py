"""The declarative base and metadata of the eligibility service's tables (its own Postgres schema): a leaf
module, so that any model module can be imported first without meeting a half-made models package."""

from sqlalchemy.orm import DeclarativeBase

from shared.db import make_metadata
from shared.platform_tables import define_platform_tables

SCHEMA = "eligibility"
metadata = make_metadata(SCHEMA)
platform = define_platform_tables(metadata)


class Base(DeclarativeBase):
    """Declarative base bound to this service's schema."""

    metadata = metadata
