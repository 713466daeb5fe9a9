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


# Every domain's tables, so that Alembic and the drift test see them. Plain module imports: a domain's models
# module imports Base from here, and may be the first to be imported.
import subsidy_svc.catalogue.models  # noqa: E402
import subsidy_svc.claims.models  # noqa: E402
import subsidy_svc.loans.models  # noqa: E402
import subsidy_svc.payments.models  # noqa: E402, F401
