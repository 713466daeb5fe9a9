"""Platform tables of the eligibility service: outbox, processed events, audit log, idempotency, calendar.

Revision ID: eligibility_0001
Revises:
Create Date: 2026-11-22
"""

from collections.abc import Sequence

from shared.migration_ops import create_platform_tables_v1, drop_platform_tables_v1

revision: str = "eligibility_0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    create_platform_tables_v1("eligibility")


def downgrade() -> None:
    drop_platform_tables_v1("eligibility")
