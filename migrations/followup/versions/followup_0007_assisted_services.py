"""Classified services, three-tier assistance, revisits and the region lists (issue 11): the baseline survey
and its class (FU-CLASSIFY), every service given, the versioned policy / service / agency lists (seed 002
§四(二)), each person's assistance tiers (FU-TIER), revisits owed and made, and the follow-up actions a
revisit opens (FU-REVISIT).

Frozen literal DDL. Only `down_revision` names what this comes after; re-chaining it changes nothing else.

Revision ID: followup_0007
Revises: followup_0006
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "followup_0007"
down_revision: str | None = "followup_0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "followup"


def upgrade() -> None:
    # The person lookup (followup_svc/person) reads registrations by person.
    op.create_index(
        "ix_first_contact_task_person", "first_contact_task", ["person_id", "registered_on"], schema=SCHEMA
    )
    op.create_table(
        "assistance",
        sa.Column("person_id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column("agency_region_code", sa.String(length=9), nullable=False),
        sa.Column("tier", sa.String(3), nullable=True),
        sa.Column("since", sa.Date(), nullable=False),
        sa.Column("application_id", postgresql.UUID(as_uuid=True), nullable=True),
        sa.Column("tier1_started_on", sa.Date(), nullable=True),
        sa.Column("tier1_due_on", sa.Date(), nullable=True),
        sa.Column("certification_id", postgresql.UUID(as_uuid=True), nullable=True),
        sa.Column("tier2_started_on", sa.Date(), nullable=True),
        sa.Column("tier2_due_on", sa.Date(), nullable=True),
        sa.Column("tier2_due_months", sa.SmallInteger(), nullable=True),
        sa.Column("tier2_due_source", sa.Text(), nullable=True),
        sa.Column("tier2_due_estimated", sa.Boolean(), nullable=True),
        sa.Column("tier3_started_on", sa.Date(), nullable=True),
        sa.Column("tier3_plan_due_on", sa.Date(), nullable=True),
        sa.Column("tier3_plan_workdays", sa.SmallInteger(), nullable=True),
        sa.Column("tier3_plan_due_source", sa.Text(), nullable=True),
        sa.Column("tier3_plan_due_estimated", sa.Boolean(), nullable=True),
        sa.Column("tier_reason", sa.Text(), nullable=False),
        sa.Column("tier_changed_by", sa.String(length=128), nullable=False),
        sa.Column("ended_on", sa.Date(), nullable=True),
        sa.Column("end_reason", sa.String(length=40), nullable=True),
        sa.Column("overdue_flagged_on", sa.Date(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint("tier IS NULL OR tier IN ('I', 'II', 'III')", name=op.f("ck_assistance_tier")),
        sa.CheckConstraint("(tier IS NULL) = (ended_on IS NOT NULL)", name=op.f("ck_assistance_ended_has_no_tier")),
        sa.CheckConstraint("(tier1_started_on IS NULL) = (tier1_due_on IS NULL)", name=op.f("ck_assistance_tier1_due")),
        sa.CheckConstraint(
            "(tier2_started_on IS NULL) = (tier2_due_on IS NULL) "
            "AND (tier2_due_on IS NULL) = (tier2_due_months IS NULL)",
            name=op.f("ck_assistance_tier2_due"),
        ),
        sa.CheckConstraint(
            "(tier3_started_on IS NULL) = (tier3_plan_due_on IS NULL) "
            "AND (tier3_plan_due_on IS NULL) = (tier3_plan_workdays IS NULL)",
            name=op.f("ck_assistance_tier3_due"),
        ),
        sa.PrimaryKeyConstraint("person_id", name=op.f("pk_assistance")),
        schema=SCHEMA,
    )
    op.create_index(
        "ix_assistance_active_region",
        "assistance",
        ["agency_region_code"],
        unique=False,
        schema=SCHEMA,
        postgresql_where=sa.text("tier IS NOT NULL"),
    )
    op.create_table(
        "person_survey",
        sa.Column("person_id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column("agency_region_code", sa.String(length=9), nullable=False),
        sa.Column("answers", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("classification", sa.String(32), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("reason_zh", sa.Text(), nullable=False),
        sa.Column("package", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("surveyed_by", sa.String(length=128), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint(
            "classification IN ('job_ready', 'needs_training', 'entrepreneur', 'difficulty_candidate', "
            "'not_seeking_now')",
            name=op.f("ck_person_survey_classification"),
        ),
        sa.PrimaryKeyConstraint("person_id", name=op.f("pk_person_survey")),
        schema=SCHEMA,
    )
    op.create_table(
        "revisit",
        sa.Column("id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column("person_id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column("agency_region_code", sa.String(length=9), nullable=False),
        sa.Column("target", sa.String(8), nullable=False),
        sa.Column("visited_on", sa.Date(), nullable=False),
        sa.Column("employed", sa.Boolean(), nullable=False),
        sa.Column("hours_per_week", sa.SmallInteger(), nullable=True),
        sa.Column("workload", sa.String(8), nullable=True),
        sa.Column("contract_signed", sa.Boolean(), nullable=True),
        sa.Column("social_insurance", sa.Boolean(), nullable=True),
        sa.Column("wages_paid_on_time", sa.Boolean(), nullable=True),
        sa.Column("issues", sa.Text(), server_default="", nullable=False),
        sa.Column("actions", sa.Text(), server_default="", nullable=False),
        sa.Column("visited_by", sa.String(length=128), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint("target IN ('person', 'employer')", name=op.f("ck_revisit_target")),
        sa.CheckConstraint(
            "workload IS NULL OR workload IN ('light', 'normal', 'heavy')", name=op.f("ck_revisit_workload")
        ),
        sa.CheckConstraint("hours_per_week IS NULL OR hours_per_week BETWEEN 0 AND 168", name=op.f("ck_revisit_hours")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_revisit")),
        schema=SCHEMA,
    )
    op.create_index("ix_revisit_person", "revisit", ["person_id", "visited_on"], unique=False, schema=SCHEMA)
    op.create_table(
        "service_list",
        sa.Column("id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column("region_code", sa.String(length=9), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("items", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("created_by", sa.String(length=128), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint("kind IN ('policies', 'services', 'agencies')", name=op.f("ck_service_list_kind")),
        sa.CheckConstraint("version >= 1", name=op.f("ck_service_list_version_positive")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_service_list")),
        sa.UniqueConstraint("region_code", "kind", "version", name=op.f("uq_service_list_region_code_kind_version")),
        schema=SCHEMA,
    )
    op.create_table(
        "followup_action",
        sa.Column("id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column("person_id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column("agency_region_code", sa.String(length=9), nullable=False),
        sa.Column("revisit_id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column("problems", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("action", sa.Text(), nullable=False),
        sa.Column("status", sa.String(8), server_default="open", nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint("status IN ('open', 'done')", name=op.f("ck_followup_action_status")),
        sa.ForeignKeyConstraint(
            ["revisit_id"], ["followup.revisit.id"], name=op.f("fk_followup_action_revisit_id_revisit")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_followup_action")),
        schema=SCHEMA,
    )
    op.create_index(
        "ix_followup_action_person", "followup_action", ["person_id", "created_at"], unique=False, schema=SCHEMA
    )
    op.create_table(
        "revisit_slot",
        sa.Column("id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column("person_id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column("agency_region_code", sa.String(length=9), nullable=False),
        sa.Column("target", sa.String(8), nullable=False),
        sa.Column("started_work_on", sa.Date(), nullable=False),
        sa.Column("sequence", sa.SmallInteger(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("months_after_start", sa.SmallInteger(), nullable=False),
        sa.Column("due_source", sa.Text(), nullable=False),
        sa.Column("due_estimated", sa.Boolean(), nullable=False),
        sa.Column("revisit_id", postgresql.UUID(as_uuid=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint("target IN ('person', 'employer')", name=op.f("ck_revisit_slot_target")),
        sa.ForeignKeyConstraint(
            ["revisit_id"], ["followup.revisit.id"], name=op.f("fk_revisit_slot_revisit_id_revisit")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_revisit_slot")),
        sa.UniqueConstraint(
            "person_id",
            "started_work_on",
            "target",
            "sequence",
            name=op.f("uq_revisit_slot_person_id_started_work_on_target_sequence"),
        ),
        schema=SCHEMA,
    )
    op.create_index(
        "ix_revisit_slot_open_due",
        "revisit_slot",
        ["due_on"],
        unique=False,
        schema=SCHEMA,
        postgresql_where=sa.text("revisit_id IS NULL"),
    )
    op.create_table(
        "service_record",
        sa.Column("id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column("person_id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column("agency_region_code", sa.String(length=9), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("delivered_on", sa.Date(), nullable=False),
        sa.Column("detail", sa.Text(), server_default="", nullable=False),
        sa.Column("given_by", sa.String(length=128), nullable=False),
        sa.Column("service_list_id", postgresql.UUID(as_uuid=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint(
            "(kind IN ('policy_list', 'service_list', 'agency_list')) = (service_list_id IS NOT NULL)",
            name=op.f("ck_service_record_list_given"),
        ),
        sa.CheckConstraint(
            "kind IN ('policy_consultation', 'career_guidance', 'job_recommendation', 'training_referral', "
            "'entrepreneurship_service', 'policy_application', 'policy_list', 'service_list', 'agency_list', "
            "'public_welfare_post', 'personal_plan', 'unemployment_insurance_referral')",
            name=op.f("ck_service_record_kind"),
        ),
        sa.ForeignKeyConstraint(
            ["service_list_id"],
            ["followup.service_list.id"],
            name=op.f("fk_service_record_service_list_id_service_list"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_service_record")),
        schema=SCHEMA,
    )
    op.create_index(
        "ix_service_record_person", "service_record", ["person_id", "delivered_on"], unique=False, schema=SCHEMA
    )


def downgrade() -> None:
    op.drop_index("ix_first_contact_task_person", table_name="first_contact_task", schema=SCHEMA)
    op.drop_index("ix_service_record_person", table_name="service_record", schema=SCHEMA)
    op.drop_table("service_record", schema=SCHEMA)
    op.drop_index(
        "ix_revisit_slot_open_due",
        table_name="revisit_slot",
        schema=SCHEMA,
        postgresql_where=sa.text("revisit_id IS NULL"),
    )
    op.drop_table("revisit_slot", schema=SCHEMA)
    op.drop_index("ix_followup_action_person", table_name="followup_action", schema=SCHEMA)
    op.drop_table("followup_action", schema=SCHEMA)
    op.drop_table("service_list", schema=SCHEMA)
    op.drop_index("ix_revisit_person", table_name="revisit", schema=SCHEMA)
    op.drop_table("revisit", schema=SCHEMA)
    op.drop_table("person_survey", schema=SCHEMA)
    op.drop_index(
        "ix_assistance_active_region",
        table_name="assistance",
        schema=SCHEMA,
        postgresql_where=sa.text("tier IS NOT NULL"),
    )
    op.drop_table("assistance", schema=SCHEMA)
