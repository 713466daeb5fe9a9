"""The CHECK constraints of first-contact tasks get the names the models give them.

followup_0002 created them under doubled names (`ck_first_contact_task_ck_first_contact_task_status`:
the naming convention was applied to names already spelled out).

Revision ID: followup_0004
Revises: followup_0003
Create Date: 2026-11-29
"""

from collections.abc import Sequence

from alembic import op

revision: str = "followup_0004"
down_revision: str | None = "followup_0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "followup"
TABLE = "first_contact_task"
NAMES = ("done_has_completion", "method", "status")


def _rename(doubled_to_single: bool) -> None:
    for name in NAMES:
        doubled, single = f"ck_{TABLE}_ck_{TABLE}_{name}", f"ck_{TABLE}_{name}"
        old, new = (doubled, single) if doubled_to_single else (single, doubled)
        op.execute(f'ALTER TABLE {SCHEMA}.{TABLE} RENAME CONSTRAINT "{old}" TO "{new}"')


def upgrade() -> None:
    _rename(doubled_to_single=True)


def downgrade() -> None:
    _rename(doubled_to_single=False)
