"""ORM tables of the subsidy service, all in its own Postgres schema \"subsidy\"."""

# Every domain's tables, so that the metadata (Alembic, the drift test) sees them all.
import subsidy_svc.catalogue.models
import subsidy_svc.claims.models
import subsidy_svc.loans.models
import subsidy_svc.payments.models  # noqa: F401
from subsidy_svc.orm import SCHEMA, Base, metadata, platform

__all__ = ["SCHEMA", "Base", "metadata", "platform"]
