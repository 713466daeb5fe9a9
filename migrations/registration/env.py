"""Alembic environment of the registration service."""

from registration_svc.models import SCHEMA, metadata
from services.migrate import run_env

run_env(metadata, SCHEMA)
