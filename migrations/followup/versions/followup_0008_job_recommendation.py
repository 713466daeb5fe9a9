"""Job recommendations (issue 14): a published vacancy recommended to a person, which is also a
job_recommendation service, and its outcome (interviewed, hired, not hired, declined with or without good
reason; FU-REFUSAL counts the unjustified declines).

Frozen literal DDL. Only `down_revision` names what this comes after; re-chaining it changes nothing else.

Revision ID: followup_0008
Revises: followup_0007
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "followup_0008"
down_revision: str | None = "followup_0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "followup"


def upgrade() -> None:
    op.create_table(
        "job_recommendation",
        sa.Column("id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column("person_id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column("agency_region_code", sa.String(length=9), nullable=False),
        sa.Column("vacancy_id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column("vacancy_title", sa.Text(), nullable=False),
        sa.Column("occupation_code", sa.String(length=20), nullable=False),
        sa.Column("vacancy_region_code", sa.String(length=9), nullable=False),
        sa.Column("recommended_on", sa.Date(), nullable=False),
        sa.Column("recommended_by", sa.String(length=128), nullable=False),
        sa.Column("service_record_id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column("interviewed_on", sa.Date(), nullable=True),
        sa.Column("result", sa.String(length=20), nullable=True),
        sa.Column("result_on", sa.Date(), nullable=True),
        sa.Column("declined_justified", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("outcome_by", sa.String(length=128), nullable=True),
        sa.Column("deregistration_reason", sa.String(length=40), nullable=True),
        sa.Column("deregistration_rule", sa.String(length=20), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint(
            "result IS NULL OR result IN ('interviewed', 'hired', 'not_hired', 'declined')",
            name=op.f("ck_job_recommendation_result"),
        ),
        sa.CheckConstraint("(result IS NULL) = (result_on IS NULL)", name=op.f("ck_job_recommendation_result_dated")),
        sa.CheckConstraint(
            "NOT declined_justified OR result = 'declined'", name=op.f("ck_job_recommendation_justified_decline")
        ),
        sa.CheckConstraint(
            "result_on IS NULL OR result_on >= recommended_on",
            name=op.f("ck_job_recommendation_result_after_recommendation"),
        ),
        sa.ForeignKeyConstraint(
            ["service_record_id"],
            ["followup.service_record.id"],
            name=op.f("fk_job_recommendation_service_record_id_service_record"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_job_recommendation")),
        sa.UniqueConstraint("person_id", "vacancy_id", name=op.f("uq_job_recommendation_person_id_vacancy_id")),
        sa.UniqueConstraint("service_record_id", name=op.f("uq_job_recommendation_service_record_id")),
        schema=SCHEMA,
    )
    op.create_index(
        "ix_job_recommendation_person", "job_recommendation", ["person_id", "recommended_on"], unique=False,
        schema=SCHEMA,
    )


def downgrade() -> None:
    op.drop_index("ix_job_recommendation_person", table_name="job_recommendation", schema=SCHEMA)
    op.drop_table("job_recommendation", schema=SCHEMA)
