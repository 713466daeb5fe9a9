"""A notification sent by letter keeps the postal address it goes to (the letter adapter prints it); other
channels store none.

Revision ID: registration_0014
Revises: registration_0013
Create Date: 2026-11-29
"""

from collections.abc import Sequence

from alembic import op

revision: str = "registration_0014"
down_revision: str | None = "registration_0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "registration"


def upgrade() -> None:
    op.execute(f'ALTER TABLE "{SCHEMA}".notification ADD COLUMN address text')


def downgrade() -> None:
    op.execute(f'ALTER TABLE "{SCHEMA}".notification DROP COLUMN address')
