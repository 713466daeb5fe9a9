"""Difficulty certification workflow (DIFF-*): applications with every step's due and actual date,
objections, decisions with the rule results they were made on, certifications, quarterly reviews and
screening candidates.

Revision ID: eligibility_0003
Revises: eligibility_0002
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "eligibility_0003"
down_revision: str | None = "eligibility_0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "eligibility"

EXIT_REASONS = (
    "'retirement', 'lost_work_ability', 'school_military_abroad', 'employed', 'family_member_employed', "
    "'refused_services', 'stopped_seeking', 'unreachable', 'voluntary', 'sentenced', 'false_information', "
    "'fraud', 'no_longer_meets_category', 'deceased'"
)


def _uuid(name: str, nullable: bool = False) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, postgresql.UUID(as_uuid=True), nullable=nullable)


def _created_at() -> sa.Column:  # type: ignore[type-arg]
    return sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False)


def upgrade() -> None:
    op.create_table(
        "difficulty_application",
        _uuid("id"),
        _uuid("person_id"),
        sa.Column("applicant_name", sa.String(100), nullable=False),
        sa.Column("agency_region_code", sa.String(12), nullable=False),
        sa.Column("status", sa.String(24), nullable=False),
        sa.Column("applied_on", sa.Date(), nullable=False),
        sa.Column("case", postgresql.JSONB(), nullable=False),
        sa.Column("facts_used", postgresql.JSONB(), nullable=False),
        sa.Column("evaluation", postgresql.JSONB(), nullable=False),
        sa.Column("materials", postgresql.JSONB(), nullable=False),
        sa.Column("missing_materials", postgresql.JSONB(), nullable=False),
        sa.Column("complete_on", sa.Date(), nullable=True),
        sa.Column("preliminary_workdays", sa.SmallInteger(), nullable=True),
        sa.Column("preliminary_source", sa.Text(), nullable=True),
        sa.Column("preliminary_due", sa.Date(), nullable=True),
        sa.Column("preliminary_due_estimated", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("preliminary_reviewed_on", sa.Date(), nullable=True),
        sa.Column("preliminary_finding", sa.Text(), nullable=True),
        sa.Column("notice_start", sa.Date(), nullable=True),
        sa.Column("notice_end", sa.Date(), nullable=True),
        sa.Column("notice_source", sa.Text(), nullable=True),
        sa.Column("notice_estimated", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("review_from", sa.Date(), nullable=True),
        sa.Column("review_workdays", sa.SmallInteger(), nullable=True),
        sa.Column("review_source", sa.Text(), nullable=True),
        sa.Column("review_due", sa.Date(), nullable=True),
        sa.Column("review_due_estimated", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("decided_on", sa.Date(), nullable=True),
        sa.Column("rejection_reason", sa.Text(), nullable=True),
        sa.Column("rejection_issued_on", sa.Date(), nullable=True),
        sa.Column("rereview_by", sa.Date(), nullable=True),
        sa.Column("rereview_requested_on", sa.Date(), nullable=True),
        sa.Column("rereview_grounds", sa.Text(), nullable=True),
        sa.Column("overdue_flagged_on", sa.Date(), nullable=True),
        sa.Column("created_by", sa.String(128), nullable=False),
        _created_at(),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.CheckConstraint(
            "status IN ('materials_incomplete', 'submitted', 'in_public_notice', 'certified', 'rejected', "
            "'under_re_review')",
            name=op.f("ck_difficulty_application_status"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_difficulty_application")),
        schema=SCHEMA,
    )
    op.create_index(
        "uq_difficulty_application_open_person", "difficulty_application", ["person_id"], unique=True,
        schema=SCHEMA,
        postgresql_where=sa.text(
            "status IN ('materials_incomplete', 'submitted', 'in_public_notice', 'under_re_review')"
        ),
    )
    op.create_index(
        "ix_difficulty_application_region_created", "difficulty_application",
        ["agency_region_code", "created_at", "id"], schema=SCHEMA,
        postgresql_ops={"agency_region_code": "varchar_pattern_ops"},
    )
    op.create_index("ix_difficulty_application_person", "difficulty_application", ["person_id"], schema=SCHEMA)

    op.create_table(
        "difficulty_objection",
        _uuid("id"),
        _uuid("application_id"),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("recorded_by", sa.String(128), nullable=False),
        _created_at(),
        sa.ForeignKeyConstraint(
            ["application_id"], [f"{SCHEMA}.difficulty_application.id"],
            name=op.f("fk_difficulty_objection_application_id_difficulty_application"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_difficulty_objection")),
        schema=SCHEMA,
    )
    op.create_index(
        "ix_difficulty_objection_application", "difficulty_objection", ["application_id"], schema=SCHEMA
    )

    op.create_table(
        "difficulty_decision",
        _uuid("id"),
        _uuid("application_id"),
        sa.Column("step", sa.String(16), nullable=False),
        sa.Column("decision", sa.String(16), nullable=False),
        sa.Column("decided_on", sa.Date(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("objection_finding", sa.Text(), nullable=True),
        sa.Column("tier", sa.String(4), nullable=True),
        sa.Column("policy_pack", sa.String(64), nullable=False),
        sa.Column("evaluation", postgresql.JSONB(), nullable=False),
        sa.Column("decided_by", sa.String(128), nullable=False),
        _created_at(),
        sa.CheckConstraint("step IN ('preliminary', 'certification')", name=op.f("ck_difficulty_decision_step")),
        sa.CheckConstraint(
            "decision IN ('pass', 'certify', 'reject')", name=op.f("ck_difficulty_decision_decision")
        ),
        sa.ForeignKeyConstraint(
            ["application_id"], [f"{SCHEMA}.difficulty_application.id"],
            name=op.f("fk_difficulty_decision_application_id_difficulty_application"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_difficulty_decision")),
        schema=SCHEMA,
    )
    op.create_index(
        "ix_difficulty_decision_application", "difficulty_decision", ["application_id"], schema=SCHEMA
    )

    op.create_table(
        "difficulty_certification",
        _uuid("id"),
        sa.Column("certificate_number", sa.String(32), nullable=False),
        _uuid("application_id"),
        _uuid("person_id"),
        sa.Column("agency_region_code", sa.String(12), nullable=False),
        sa.Column("categories", postgresql.JSONB(), nullable=False),
        sa.Column("tier", sa.String(4), nullable=False),
        sa.Column("certified_on", sa.Date(), nullable=False),
        sa.Column("retirement_date", sa.Date(), nullable=False),
        sa.Column("case", postgresql.JSONB(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("ended_on", sa.Date(), nullable=True),
        sa.Column("exit_reason", sa.String(32), nullable=True),
        sa.Column("exit_note", sa.Text(), nullable=True),
        sa.Column("ended_by", sa.String(128), nullable=True),
        _created_at(),
        sa.CheckConstraint("status IN ('active', 'ended')", name=op.f("ck_difficulty_certification_status")),
        sa.CheckConstraint("tier IN ('II', 'III')", name=op.f("ck_difficulty_certification_tier")),
        sa.CheckConstraint(
            f"exit_reason IS NULL OR exit_reason IN ({EXIT_REASONS})",
            name=op.f("ck_difficulty_certification_exit_reason"),
        ),
        sa.CheckConstraint(
            "(status = 'ended') = (ended_on IS NOT NULL AND exit_reason IS NOT NULL)",
            name=op.f("ck_difficulty_certification_ended_has_reason"),
        ),
        sa.ForeignKeyConstraint(
            ["application_id"], [f"{SCHEMA}.difficulty_application.id"],
            name=op.f("fk_difficulty_certification_application_id_difficulty_application"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_difficulty_certification")),
        sa.UniqueConstraint("certificate_number", name=op.f("uq_difficulty_certification_certificate_number")),
        schema=SCHEMA,
    )
    op.create_index(
        "uq_difficulty_certification_active_person", "difficulty_certification", ["person_id"], unique=True,
        schema=SCHEMA, postgresql_where=sa.text("status = 'active'"),
    )
    op.create_index("ix_difficulty_certification_person", "difficulty_certification", ["person_id"], schema=SCHEMA)
    op.create_index(
        "ix_difficulty_certification_region_created", "difficulty_certification",
        ["agency_region_code", "created_at", "id"], schema=SCHEMA,
        postgresql_ops={"agency_region_code": "varchar_pattern_ops"},
    )
    op.create_index(
        "ix_difficulty_certification_active_retirement", "difficulty_certification", ["retirement_date"],
        schema=SCHEMA, postgresql_where=sa.text("status = 'active'"),
    )

    op.create_table(
        "difficulty_review",
        _uuid("id"),
        _uuid("certification_id"),
        _uuid("person_id"),
        sa.Column("quarter", sa.String(7), nullable=False),
        sa.Column("agency_region_code", sa.String(12), nullable=False),
        sa.Column("reasons", postgresql.JSONB(), nullable=False),
        sa.Column("report_due", sa.Date(), nullable=False),
        sa.Column("status", sa.String(24), nullable=False),
        sa.Column("method", sa.String(16), nullable=True),
        sa.Column("verified_on", sa.Date(), nullable=True),
        sa.Column("result_reason", sa.Text(), nullable=True),
        sa.Column("reported_by", sa.String(128), nullable=True),
        _created_at(),
        sa.CheckConstraint(
            "status IN ('pending', 'confirmed', 'no_longer_eligible')", name=op.f("ck_difficulty_review_status")
        ),
        sa.CheckConstraint(
            "method IS NULL OR method IN ('data_match', 'visit', 'phone')", name=op.f("ck_difficulty_review_method")
        ),
        sa.ForeignKeyConstraint(
            ["certification_id"], [f"{SCHEMA}.difficulty_certification.id"],
            name=op.f("fk_difficulty_review_certification_id_difficulty_certification"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_difficulty_review")),
        sa.UniqueConstraint("certification_id", "quarter", name=op.f("uq_difficulty_review_certification_id_quarter")),
        schema=SCHEMA,
    )
    op.create_index(
        "ix_difficulty_review_region_created", "difficulty_review", ["agency_region_code", "created_at", "id"],
        schema=SCHEMA, postgresql_ops={"agency_region_code": "varchar_pattern_ops"},
    )

    op.create_table(
        "difficulty_screening_candidate",
        _uuid("id"),
        _uuid("person_id"),
        _uuid("registration_id"),
        sa.Column("agency_region_code", sa.String(12), nullable=False),
        sa.Column("categories", postgresql.JSONB(), nullable=False),
        sa.Column("reasons", postgresql.JSONB(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("listed_on", sa.Date(), nullable=False),
        sa.Column("updated_by", sa.String(128), nullable=True),
        _created_at(),
        sa.CheckConstraint(
            "status IN ('listed', 'invited', 'declined')", name=op.f("ck_difficulty_screening_candidate_status")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_difficulty_screening_candidate")),
        sa.UniqueConstraint("person_id", name=op.f("uq_difficulty_screening_candidate_person_id")),
        schema=SCHEMA,
    )
    op.create_index(
        "ix_difficulty_screening_candidate_region_created", "difficulty_screening_candidate",
        ["agency_region_code", "created_at", "id"], schema=SCHEMA,
        postgresql_ops={"agency_region_code": "varchar_pattern_ops"},
    )


def downgrade() -> None:
    for table in ("difficulty_screening_candidate", "difficulty_review", "difficulty_certification",
                  "difficulty_decision", "difficulty_objection", "difficulty_application"):
        op.drop_table(table, schema=SCHEMA)
