"""A difficulty application keeps the applicant's identity number, so that a citizen reads their own
applications, also one a caseworker filed for them at the window (before, only those they filed themselves).

Revision ID: eligibility_0006
Revises: eligibility_0005
Create Date: 2026-11-29
"""

from collections.abc import Sequence

from alembic import op

revision: str = "eligibility_0006"
down_revision: str | None = "eligibility_0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "eligibility"


def upgrade() -> None:
    op.execute(f'ALTER TABLE "{SCHEMA}".difficulty_application ADD COLUMN id_number varchar(32)')
    op.execute(f'CREATE INDEX ix_difficulty_application_id_number ON "{SCHEMA}".difficulty_application (id_number)')
    # With the one above, a citizen's "id_number = … OR created_by = …" is two index scans, not a table scan.
    op.execute(f'CREATE INDEX ix_difficulty_application_created_by ON "{SCHEMA}".difficulty_application (created_by)')


def downgrade() -> None:
    op.execute(f'DROP INDEX "{SCHEMA}".ix_difficulty_application_created_by')
    op.execute(f'DROP INDEX "{SCHEMA}".ix_difficulty_application_id_number')
    op.execute(f'ALTER TABLE "{SCHEMA}".difficulty_application DROP COLUMN id_number')
