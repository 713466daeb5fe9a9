"""ORM tables of the eligibility service, all in its own Postgres schema \"eligibility\"."""

from eligibility_svc.certification.models import (  # the tables register on the metadata
    DifficultyApplication,
    DifficultyCertification,
    DifficultyDecision,
    DifficultyObjection,
    DifficultyReview,
    ScreeningCandidate,
)
from eligibility_svc.orm import SCHEMA, Base, metadata, platform

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
