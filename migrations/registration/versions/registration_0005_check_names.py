"""The CHECK constraints of home-visit tasks and reference records get the names the models give them.

registration_0003 created them under doubled names (`ck_home_visit_task_ck_home_visit_task_status`: the
naming convention was applied to names already spelled out); registration_0004 did the same repair for
notifications.

Revision ID: registration_0005
Revises: registration_0004
Create Date: 2026-11-29
"""

from collections.abc import Sequence

from alembic import op

revision: str = "registration_0005"
down_revision: str | None = "registration_0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "registration"
# table: the constraint names after the table's own "ck_<table>_" prefix.
CHECKS = {
    "home_visit_task": ("done_has_outcome", "outcome", "status"),
    "reference_record": ("status", "validity"),
}


def _rename(doubled_to_single: bool) -> None:
    for table, names in CHECKS.items():
        for name in names:
            doubled, single = f"ck_{table}_ck_{table}_{name}", f"ck_{table}_{name}"
            old, new = (doubled, single) if doubled_to_single else (single, doubled)
            op.execute(f'ALTER TABLE {SCHEMA}.{table} RENAME CONSTRAINT "{old}" TO "{new}"')


def upgrade() -> None:
    _rename(doubled_to_single=True)


def downgrade() -> None:
    _rename(doubled_to_single=False)
