"""ORM tables of the eligibility service, all in its own Postgres schema \"eligibility\"."""

from sqlalchemy.orm import DeclarativeBase

from shared.db import make_metadata
from shared.platform_tables import define_platform_tables

SCHEMA = "eligibility"
metadata = make_metadata(SCHEMA)
platform = define_platform_tables(metadata)


class Base(DeclarativeBase):
    """Declarative base bound to this service's schema."""

    metadata = metadata


from eligibility_svc.certification.models import (  # noqa: E402  (tables register on Base's metadata)
    DifficultyApplication,
    DifficultyCertification,
    DifficultyDecision,
    DifficultyObjection,
    DifficultyReview,
    ScreeningCandidate,
)

__all__ = [
    "SCHEMA",
    "Base",
    "DifficultyApplication",
    "DifficultyCertification",
    "DifficultyDecision",
    "DifficultyObjection",
    "DifficultyReview",
    "ScreeningCandidate",
    "metadata",
    "platform",
]
