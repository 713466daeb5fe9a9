"""The audit log refuses TRUNCATE as it refuses UPDATE and DELETE: a statement-level trigger (the row-level
one never fires for TRUNCATE). The application's role is granted no TRUNCATE either (deploy/postgres/roles.sql).

Revision ID: registration_0012
Revises: registration_0011
Create Date: 2026-11-29
"""

from collections.abc import Sequence

from alembic import op

revision: str = "registration_0012"
down_revision: str | None = "registration_0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute(
        'CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON "registration".audit_log '
        'FOR EACH STATEMENT EXECUTE FUNCTION "registration".audit_log_append_only()'
    )


def downgrade() -> None:
    op.execute('DROP TRIGGER IF EXISTS audit_log_no_truncate ON "registration".audit_log')
