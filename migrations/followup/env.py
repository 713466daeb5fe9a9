"""Alembic environment of the followup service."""

from followup_svc.models import SCHEMA, metadata
from services.migrate import run_env

run_env(metadata, SCHEMA)
