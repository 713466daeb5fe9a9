"""Job services (seed 001 §四): job-seeker registrations and employers' vacancies, each reviewed before
publication (JOB-REVIEW), vacancies refused on discriminatory requirements (JOB-FAIR-HIRING), and job fairs
for unemployed persons with their vacancies and invitations.

Revision ID: registration_0009
Revises: registration_0008
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "registration_0009"
down_revision: str | None = "registration_0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "registration"


def upgrade() -> None:
    op.create_table(
        "job_seeker",
        sa.Column("id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column("person_id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column("agency_region_code", sa.String(9), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("occupation_codes", postgresql.JSONB(), nullable=False),
        sa.Column("region_codes", postgresql.JSONB(), nullable=False),
        sa.Column("min_monthly_wage_fen", sa.BigInteger(), nullable=True),
        sa.Column("full_time", sa.Boolean(), nullable=True),
        sa.Column("skills", postgresql.JSONB(), nullable=False),
        sa.Column("education", sa.String(32), nullable=True),
        sa.Column("experience_years", sa.SmallInteger(), nullable=True),
        sa.Column("applied_on", sa.Date(), nullable=False),
        sa.Column("review_due", sa.Date(), nullable=False),
        sa.Column("review_workdays", sa.SmallInteger(), nullable=False),
        sa.Column("review_source", sa.String(200), nullable=False),
        sa.Column("review_estimated", sa.Boolean(), nullable=False),
        sa.Column("overdue", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("overdue_flagged_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reviewed_on", sa.Date(), nullable=True),
        sa.Column("reviewed_by", sa.String(128), nullable=True),
        sa.Column("review_reason", sa.Text(), nullable=True),
        sa.Column("created_by", sa.String(128), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.ForeignKeyConstraint(["person_id"], [f"{SCHEMA}.person.id"],
                                name=op.f("fk_job_seeker_person_id_person")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_job_seeker")),
        schema=SCHEMA,
    )
    op.create_index(op.f("uq_job_seeker_valid_person"), "job_seeker", ["person_id"], unique=True, schema=SCHEMA,
                    postgresql_where=sa.text("status IN ('pending_review', 'published')"))
    op.create_index(op.f("ix_job_seeker_region_created"), "job_seeker", ["agency_region_code", "created_at", "id"],
                    schema=SCHEMA, postgresql_ops={"agency_region_code": "varchar_pattern_ops"})
    op.create_index(op.f("ix_job_seeker_person"), "job_seeker", ["person_id"], schema=SCHEMA)
    op.create_index(op.f("ix_job_seeker_pending_due"), "job_seeker", ["review_due"], schema=SCHEMA,
                    postgresql_where=sa.text("status = 'pending_review'"))

    op.create_table(
        "vacancy",
        sa.Column("id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("employer_credit_code", sa.String(18), nullable=False),
        sa.Column("employer_name", sa.String(200), nullable=False),
        sa.Column("employer_region_code", sa.String(9), nullable=False),
        sa.Column("employer_contact_phone", sa.String(32), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("occupation_code", sa.String(16), nullable=False),
        sa.Column("positions", sa.Integer(), nullable=False),
        sa.Column("region_code", sa.String(9), nullable=False),
        sa.Column("monthly_wage_min_fen", sa.BigInteger(), nullable=False),
        sa.Column("monthly_wage_max_fen", sa.BigInteger(), nullable=False),
        sa.Column("full_time", sa.Boolean(), nullable=False),
        sa.Column("education", sa.String(32), nullable=True),
        sa.Column("min_age", sa.SmallInteger(), nullable=True),
        sa.Column("max_age", sa.SmallInteger(), nullable=True),
        sa.Column("skills", postgresql.JSONB(), nullable=False),
        sa.Column("valid_until", sa.Date(), nullable=False),
        sa.Column("applied_on", sa.Date(), nullable=False),
        sa.Column("review_due", sa.Date(), nullable=False),
        sa.Column("review_workdays", sa.SmallInteger(), nullable=False),
        sa.Column("review_source", sa.String(200), nullable=False),
        sa.Column("review_estimated", sa.Boolean(), nullable=False),
        sa.Column("overdue", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("overdue_flagged_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reviewed_on", sa.Date(), nullable=True),
        sa.Column("reviewed_by", sa.String(128), nullable=True),
        sa.Column("review_reason", sa.Text(), nullable=True),
        sa.Column("close_reason", sa.String(16), nullable=True),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("closed_by", sa.String(128), nullable=True),
        sa.Column("created_by", sa.String(128), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.CheckConstraint("positions >= 1", name=op.f("ck_vacancy_positions")),
        sa.CheckConstraint("monthly_wage_min_fen >= 0 AND monthly_wage_min_fen <= monthly_wage_max_fen",
                           name=op.f("ck_vacancy_wage")),
        sa.CheckConstraint("min_age IS NULL OR max_age IS NULL OR min_age <= max_age", name=op.f("ck_vacancy_age")),
        sa.CheckConstraint("status IN ('pending_review', 'published', 'rejected', 'closed')",
                           name=op.f("ck_vacancy_status")),
        sa.CheckConstraint("close_reason IS NULL OR close_reason IN ('filled', 'expired', 'withdrawn')",
                           name=op.f("ck_vacancy_close_reason")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vacancy")),
        schema=SCHEMA,
    )
    op.create_index(op.f("ix_vacancy_region_created"), "vacancy", ["region_code", "created_at", "id"],
                    schema=SCHEMA, postgresql_ops={"region_code": "varchar_pattern_ops"})
    op.create_index(op.f("ix_vacancy_employer"), "vacancy", ["employer_credit_code", "created_at"], schema=SCHEMA)
    op.create_index(op.f("ix_vacancy_published_created"), "vacancy", ["created_at", "id"], schema=SCHEMA,
                    postgresql_where=sa.text("status = 'published'"))
    op.create_index(op.f("ix_vacancy_published_valid"), "vacancy", ["valid_until"], schema=SCHEMA,
                    postgresql_where=sa.text("status = 'published'"))
    op.create_index(op.f("ix_vacancy_pending_due"), "vacancy", ["review_due"], schema=SCHEMA,
                    postgresql_where=sa.text("status = 'pending_review'"))

    op.create_table(
        "job_fair",
        sa.Column("id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("place", sa.Text(), nullable=False),
        sa.Column("agency_region_code", sa.String(9), nullable=False),
        sa.Column("created_by", sa.String(128), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.CheckConstraint("kind IN ('online', 'offline')", name=op.f("ck_job_fair_kind")),
        sa.CheckConstraint("ends_on >= held_on", name=op.f("ck_job_fair_dates")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_job_fair")),
        schema=SCHEMA,
    )
    op.create_index(op.f("ix_job_fair_region_held"), "job_fair", ["agency_region_code", "held_on"], schema=SCHEMA,
                    postgresql_ops={"agency_region_code": "varchar_pattern_ops"})
    op.create_table(
        "job_fair_vacancy",
        sa.Column("fair_id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column("vacancy_id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column("added_by", sa.String(128), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.ForeignKeyConstraint(["fair_id"], [f"{SCHEMA}.job_fair.id"],
                                name=op.f("fk_job_fair_vacancy_fair_id_job_fair")),
        sa.ForeignKeyConstraint(["vacancy_id"], [f"{SCHEMA}.vacancy.id"],
                                name=op.f("fk_job_fair_vacancy_vacancy_id_vacancy")),
        sa.PrimaryKeyConstraint("fair_id", "vacancy_id", name=op.f("pk_job_fair_vacancy")),
        schema=SCHEMA,
    )
    op.create_table(
        "job_fair_invitation",
        sa.Column("fair_id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column("person_id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column("invited_on", sa.Date(), nullable=False),
        sa.Column("response", sa.String(16), nullable=False),
        sa.Column("invited_by", sa.String(128), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.CheckConstraint("response IN ('invited', 'accepted', 'declined', 'attended')",
                           name=op.f("ck_job_fair_invitation_response")),
        sa.ForeignKeyConstraint(["fair_id"], [f"{SCHEMA}.job_fair.id"],
                                name=op.f("fk_job_fair_invitation_fair_id_job_fair")),
        sa.ForeignKeyConstraint(["person_id"], [f"{SCHEMA}.person.id"],
                                name=op.f("fk_job_fair_invitation_person_id_person")),
        sa.PrimaryKeyConstraint("fair_id", "person_id", name=op.f("pk_job_fair_invitation")),
        schema=SCHEMA,
    )
    op.create_index(op.f("ix_job_fair_invitation_person"), "job_fair_invitation", ["person_id"], schema=SCHEMA)


def downgrade() -> None:
    op.drop_table("job_fair_invitation", schema=SCHEMA)
    op.drop_table("job_fair_vacancy", schema=SCHEMA)
    op.drop_table("job_fair", schema=SCHEMA)
    op.drop_table("vacancy", schema=SCHEMA)
    op.drop_table("job_seeker", schema=SCHEMA)
