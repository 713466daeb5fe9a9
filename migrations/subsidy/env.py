"""Alembic environment of the subsidy service."""

from subsidy_svc.models import SCHEMA, metadata
from services.migrate import run_env

run_env(metadata, SCHEMA)
