"""The follow-up service's record of a deregistration is named as the glossary names it: deregistration.

Revision ID: followup_0003
Revises: followup_0002
Create Date: 2026-11-29
"""

from collections.abc import Sequence

from alembic import op

revision: str = "followup_0003"
down_revision: str | None = "followup_0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "followup"


def upgrade() -> None:
    op.rename_table("registration_closure", "deregistration", schema=SCHEMA)
    op.execute(f"ALTER TABLE {SCHEMA}.deregistration RENAME CONSTRAINT pk_registration_closure TO pk_deregistration")


def downgrade() -> None:
    op.execute(f"ALTER TABLE {SCHEMA}.deregistration RENAME CONSTRAINT pk_deregistration TO pk_registration_closure")
    op.rename_table("deregistration", "registration_closure", schema=SCHEMA)
