"""Alembic environment of the subsidy service."""

from services.migrate import run_env
from subsidy_svc.models import SCHEMA, metadata

run_env(metadata, SCHEMA)
