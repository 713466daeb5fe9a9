"""Alembic environment of the eligibility service."""

from eligibility_svc.models import SCHEMA, metadata
from services.migrate import run_env

run_env(metadata, SCHEMA)
