"""The monthly follow-up ledger (台账): registration facts from events, one entry per registration per month,
contacts, closed months and the per-county counts of each close (FU-MONTHLY ... FU-DATA-MATCH).

Revision ID: followup_0006
Revises: followup_0005
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "followup_0006"
down_revision: str | None = "followup_0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "followup"


def upgrade() -> None:
    op.create_table(
        "ledger_registration",
        sa.Column("registration_id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column("person_id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column("agency_region_code", sa.String(9), nullable=False),
        sa.Column("registered_on", sa.Date(), nullable=False),
        sa.Column("deregistered_on", sa.Date(), nullable=True),
        sa.Column("deregistration_reason", sa.String(32), nullable=True),
        sa.Column("requested_reason", sa.String(32), nullable=True),
        sa.Column("requested_effective_date", sa.Date(), nullable=True),
        sa.Column("requested_rule", sa.String(24), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.PrimaryKeyConstraint("registration_id", name=op.f("pk_ledger_registration")),
        schema=SCHEMA,
    )
    op.create_index(op.f("ix_ledger_registration_person_id"), "ledger_registration", ["person_id"], schema=SCHEMA)
    op.create_index(
        op.f("ix_ledger_registration_agency_region_code"), "ledger_registration", ["agency_region_code"],
        schema=SCHEMA, postgresql_ops={"agency_region_code": "varchar_pattern_ops"},
    )
    op.create_table(
        "ledger_entry",
        sa.Column("id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column("registration_id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column("person_id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column("agency_region_code", sa.String(9), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("status", sa.String(16), server_default="pending", nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("first_contacted_on", sa.Date(), nullable=True),
        sa.Column("attempts", sa.SmallInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("data_matched_on", sa.Date(), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.CheckConstraint(
            "status IN ('pending', 'attempted', 'contacted', 'ended', 'missed', 'unreachable')",
            name=op.f("ck_ledger_entry_status"),
        ),
        sa.CheckConstraint("EXTRACT(DAY FROM month) = 1", name=op.f("ck_ledger_entry_month_first_day")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_entry")),
        sa.UniqueConstraint("month", "registration_id", name=op.f("uq_ledger_entry_month_registration_id")),
        schema=SCHEMA,
    )
    op.create_index(
        op.f("ix_ledger_entry_month_region_status"), "ledger_entry", ["month", "agency_region_code", "status"],
        schema=SCHEMA, postgresql_ops={"agency_region_code": "varchar_pattern_ops"},
    )
    op.create_index(
        op.f("ix_ledger_entry_registration_id_month"), "ledger_entry", ["registration_id", "month"], schema=SCHEMA
    )
    op.create_table(
        "ledger_contact",
        sa.Column("id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column("entry_id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column("registration_id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column("method", sa.String(16), nullable=False),
        sa.Column("contacted_on", sa.Date(), nullable=False),
        sa.Column("result", sa.String(16), nullable=False),
        sa.Column("refusal_justified", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("employment_status", sa.String(24), nullable=True),
        sa.Column("monthly_income_fen", sa.BigInteger(), nullable=True),
        sa.Column("employer_name", sa.String(200), nullable=True),
        sa.Column("employer_credit_code", sa.String(18), nullable=True),
        sa.Column("note", sa.Text(), server_default="", nullable=False),
        sa.Column("recorded_by", sa.String(128), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("deregistration_reason", sa.String(32), nullable=True),
        sa.Column("deregistration_rule", sa.String(24), nullable=True),
        sa.Column("deregistration_effective_date", sa.Date(), nullable=True),
        sa.CheckConstraint("method IN ('data_match', 'visit', 'phone')", name=op.f("ck_ledger_contact_method")),
        sa.CheckConstraint("result IN ('reached', 'unreachable', 'refused')", name=op.f("ck_ledger_contact_result")),
        sa.CheckConstraint(
            "employment_status IS NULL OR employment_status IN ('unemployed', 'hired', 'self_employed', "
            "'stable_income', 'pension', 'enrolled_in_school', 'military_service', 'moved_abroad', "
            "'lost_work_ability', 'imprisoned', 'deceased')",
            name=op.f("ck_ledger_contact_employment_status"),
        ),
        sa.CheckConstraint(
            "result <> 'reached' OR employment_status IS NOT NULL", name=op.f("ck_ledger_contact_reached_has_status")
        ),
        sa.CheckConstraint(
            "monthly_income_fen IS NULL OR monthly_income_fen >= 0", name=op.f("ck_ledger_contact_income")
        ),
        sa.ForeignKeyConstraint(
            ["entry_id"], [f"{SCHEMA}.ledger_entry.id"], name=op.f("fk_ledger_contact_entry_id_ledger_entry"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_contact")),
        schema=SCHEMA,
    )
    op.create_index(op.f("ix_ledger_contact_entry_id"), "ledger_contact", ["entry_id", "contacted_on"], schema=SCHEMA)
    op.create_index(
        op.f("ix_ledger_contact_registration_id"), "ledger_contact", ["registration_id", "contacted_on"],
        schema=SCHEMA,
    )
    op.create_table(
        "ledger_month",
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_by", sa.String(128), nullable=True),
        sa.Column("close_runs", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.PrimaryKeyConstraint("month", name=op.f("pk_ledger_month")),
        schema=SCHEMA,
    )
    op.create_table(
        "ledger_month_count",
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("region", sa.String(9), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("entries", sa.Integer(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.PrimaryKeyConstraint("month", "region", "status", name=op.f("pk_ledger_month_count")),
        schema=SCHEMA,
    )


    op.create_table(
        "ledger_count",
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("agency_region_code", sa.String(9), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("entries", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.PrimaryKeyConstraint("month", "agency_region_code", "status", name=op.f("pk_ledger_count")),
        schema=SCHEMA,
    )
    # Entries per (month, region, state), kept by statement-level triggers with transition tables: one
    # set-based upsert per statement, whatever path writes ledger_entry (events, contacts, imports, batches).
    # Keys are upserted in order so that two writers lock counter rows in the same order.
    for statement in COUNT_TRIGGERS:
        op.execute(statement)


COUNT_UPSERT = """
    INSERT INTO followup.ledger_count (month, agency_region_code, status, entries)
    SELECT month, agency_region_code, status, sum(n) FROM ({delta}) AS delta
    GROUP BY month, agency_region_code, status HAVING sum(n) <> 0
    ORDER BY month, agency_region_code, status
    ON CONFLICT (month, agency_region_code, status)
    DO UPDATE SET entries = followup.ledger_count.entries + EXCLUDED.entries;
"""
NEW = "SELECT month, agency_region_code, status, 1 AS n FROM new_rows"
OLD = "SELECT month, agency_region_code, status, -1 AS n FROM old_rows"
COUNT_TRIGGERS = [
    f"""CREATE FUNCTION followup.ledger_count_{name}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN {COUNT_UPSERT.format(delta=delta)} RETURN NULL; END $$"""
    for name, delta in (("insert", NEW), ("update", f"{OLD} UNION ALL {NEW}"), ("delete", OLD))
] + [
    "CREATE TRIGGER ledger_entry_count_insert AFTER INSERT ON followup.ledger_entry REFERENCING NEW TABLE AS "
    "new_rows FOR EACH STATEMENT EXECUTE FUNCTION followup.ledger_count_insert()",
    "CREATE TRIGGER ledger_entry_count_update AFTER UPDATE ON followup.ledger_entry REFERENCING OLD TABLE AS "
    "old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION followup.ledger_count_update()",
    "CREATE TRIGGER ledger_entry_count_delete AFTER DELETE ON followup.ledger_entry REFERENCING OLD TABLE AS "
    "old_rows FOR EACH STATEMENT EXECUTE FUNCTION followup.ledger_count_delete()",
]


def downgrade() -> None:
    for name in ("insert", "update", "delete"):
        op.execute(f"DROP TRIGGER IF EXISTS ledger_entry_count_{name} ON followup.ledger_entry")
        op.execute(f"DROP FUNCTION IF EXISTS followup.ledger_count_{name}()")
    op.drop_table("ledger_count", schema=SCHEMA)
    op.drop_table("ledger_month_count", schema=SCHEMA)
    op.drop_table("ledger_month", schema=SCHEMA)
    op.drop_table("ledger_contact", schema=SCHEMA)
    op.drop_table("ledger_entry", schema=SCHEMA)
    op.drop_table("ledger_registration", schema=SCHEMA)
