"""Notification delivery: sending and dead-letter states, retry schedule, sender claims (DEREG-NOTIFY).

Before this revision nothing sent notifications, so rows are pending; a row the unscheduled sender had
marked `failed` (given up after its attempts) becomes `dead_letter`, which is what `failed` meant then.

registration_0003 created this table's CHECK constraints under doubled names
(`ck_notification_ck_notification_status`: the naming convention was applied to names already spelled
out); they get the names the models give them (`ck_notification_status`).

Revision ID: registration_0004
Revises: registration_0003
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "registration_0004"
down_revision: str | None = "registration_0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "registration"
TABLE = "notification"
# 0003's names and ours, for the constraints this revision keeps.
RENAMED = {
    "ck_notification_ck_notification_channel": "ck_notification_channel",
    "ck_notification_ck_notification_sent_has_time": "ck_notification_sent_has_time",
}
DOUBLED_STATUS, STATUS = "ck_notification_ck_notification_status", "ck_notification_status"


def _rename_constraints(names: dict[str, str]) -> None:
    existing = set(
        op.get_bind().execute(
            sa.text("SELECT conname FROM pg_constraint WHERE conrelid = CAST(:t AS regclass)"),
            {"t": f"{SCHEMA}.{TABLE}"},
        ).scalars()
    )
    for old, new in names.items():
        if old in existing:
            op.execute(f"ALTER TABLE {SCHEMA}.{TABLE} RENAME CONSTRAINT {old} TO {new}")


def upgrade() -> None:
    _rename_constraints(RENAMED)
    op.execute(f"ALTER TABLE {SCHEMA}.{TABLE} DROP CONSTRAINT IF EXISTS {DOUBLED_STATUS}")
    op.execute(f"ALTER TABLE {SCHEMA}.{TABLE} DROP CONSTRAINT IF EXISTS {STATUS}")
    op.drop_index("ix_notification_pending", table_name=TABLE, schema=SCHEMA)
    op.alter_column(TABLE, "status", type_=sa.String(16), existing_type=sa.String(8), existing_nullable=False,
                    schema=SCHEMA)
    op.add_column(TABLE, sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True), schema=SCHEMA)
    op.add_column(TABLE, sa.Column("claim_id", postgresql.UUID(as_uuid=True), nullable=True), schema=SCHEMA)
    op.add_column(TABLE, sa.Column("last_attempt_at", sa.DateTime(timezone=True), nullable=True), schema=SCHEMA)
    op.add_column(TABLE, sa.Column("dead_lettered_at", sa.DateTime(timezone=True), nullable=True), schema=SCHEMA)
    op.add_column(TABLE, sa.Column("delivery_reference", sa.String(128), nullable=True), schema=SCHEMA)

    op.execute(f"UPDATE {SCHEMA}.{TABLE} SET next_attempt_at = created_at WHERE status = 'pending'")
    op.execute(f"UPDATE {SCHEMA}.{TABLE} SET status = 'dead_letter', dead_lettered_at = now() WHERE status = 'failed'")

    op.create_check_constraint(op.f(STATUS), TABLE,
                               "status IN ('pending', 'sending', 'sent', 'failed', 'dead_letter')", schema=SCHEMA)
    op.create_check_constraint(op.f("ck_notification_dead_letter_has_time"), TABLE,
                               "(status = 'dead_letter') = (dead_lettered_at IS NOT NULL)", schema=SCHEMA)
    op.create_check_constraint(op.f("ck_notification_scheduled_has_time"), TABLE,
                               "(status IN ('pending', 'sending', 'failed')) = (next_attempt_at IS NOT NULL)",
                               schema=SCHEMA)
    op.create_check_constraint(op.f("ck_notification_sending_has_claim"), TABLE,
                               "status <> 'sending' OR claim_id IS NOT NULL", schema=SCHEMA)
    op.create_index(op.f("ix_notification_next_attempt"), TABLE, ["next_attempt_at"], schema=SCHEMA,
                    postgresql_where=sa.text("status IN ('pending', 'sending', 'failed')"))
    op.create_index(op.f("ix_notification_status_created"), TABLE, ["status", "created_at", "id"], schema=SCHEMA)


def downgrade() -> None:
    op.drop_index("ix_notification_status_created", table_name=TABLE, schema=SCHEMA)
    op.drop_index("ix_notification_next_attempt", table_name=TABLE, schema=SCHEMA)
    for name in ("sending_has_claim", "scheduled_has_time", "dead_letter_has_time", "status"):
        op.drop_constraint(op.f(f"ck_notification_{name}"), TABLE, type_="check", schema=SCHEMA)
    # The old states: given up was `failed`; anything still to send (or of unknown outcome) was `pending`.
    op.execute(f"UPDATE {SCHEMA}.{TABLE} SET status = 'failed' WHERE status = 'dead_letter'")
    op.execute(f"UPDATE {SCHEMA}.{TABLE} SET status = 'pending' WHERE status IN ('sending', 'failed') "
               "AND dead_lettered_at IS NULL")
    for column in ("delivery_reference", "dead_lettered_at", "last_attempt_at", "claim_id", "next_attempt_at"):
        op.drop_column(TABLE, column, schema=SCHEMA)
    op.alter_column(TABLE, "status", type_=sa.String(8), existing_type=sa.String(16), existing_nullable=False,
                    schema=SCHEMA)
    # As 0003 left them, doubled names included.
    op.create_check_constraint(op.f(DOUBLED_STATUS), TABLE, "status IN ('pending', 'sent', 'failed')",
                               schema=SCHEMA)
    _rename_constraints({new: old for old, new in RENAMED.items()})
    op.create_index(op.f("ix_notification_pending"), TABLE, ["channel", "created_at"], schema=SCHEMA,
                    postgresql_where=sa.text("status = 'pending'"))
