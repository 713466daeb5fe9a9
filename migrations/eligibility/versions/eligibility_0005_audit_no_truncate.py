"""The audit log refuses TRUNCATE as it refuses UPDATE and DELETE: a statement-level trigger (the row-level
one never fires for TRUNCATE). The application's role is granted no TRUNCATE either (deploy/postgres/roles.sql).

Revision ID: eligibility_0005
Revises: eligibility_0004
Create Date: 2026-11-29
"""

from collections.abc import Sequence

from alembic import op

revision: str = "eligibility_0005"
down_revision: str | None = "eligibility_0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute(
        'CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON "eligibility".audit_log '
        'FOR EACH STATEMENT EXECUTE FUNCTION "eligibility".audit_log_append_only()'
    )


def downgrade() -> None:
    op.execute('DROP TRIGGER IF EXISTS audit_log_no_truncate ON "eligibility".audit_log')
