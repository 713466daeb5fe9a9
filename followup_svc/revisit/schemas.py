"""Bodies of the revisit endpoints (FU-REVISIT)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from followup_svc.revisit.models import ActionStatus, RevisitTarget, Workload
from shared.clock import LocalDateTime
from shared.inputs import BoundedDate, Flag


class Employment(BaseModel):
    """What an employer revisit finds (工作时间、劳动强度、签订合同、参加社会保险、工资发放)."""

    model_config = ConfigDict(extra="forbid")

    hours_per_week: int = Field(ge=0, le=168)
    workload: Workload | None = None
    contract_signed: Flag
    social_insurance: Flag
    wages_paid_on_time: Flag


class RevisitCreate(BaseModel):
    """Body of POST /persons/{person_id}/revisits."""

    model_config = ConfigDict(extra="forbid")

    target: RevisitTarget
    visited_on: BoundedDate
    employed: Flag
    employment: Employment | None = None
    issues: str = Field(default="", max_length=2000)
    actions: str = Field(default="", max_length=2000)


class SlotRead(BaseModel):
    """A revisit owed (FU-REVISIT): to whom, the how-many-th, by when, and whether it is late."""

    id: UUID
    person_id: UUID
    agency_region_code: str
    target: RevisitTarget
    started_work_on: date
    sequence: int
    months_after_start: int
    due_on: date
    estimated: bool
    overdue: bool
    done_by_revisit: UUID | None
    rule: Literal["FU-REVISIT"] = "FU-REVISIT"
    source: str


class ActionRead(BaseModel):
    """A follow-up action a revisit opened on the person."""

    id: UUID
    problems: list[str]
    action: Annotated[str, Field(description="跟进措施")]
    status: ActionStatus


class RevisitRead(BaseModel):
    """A revisit made, the owed revisit it fulfilled, and the follow-up action it opened."""

    id: UUID
    person_id: UUID
    target: RevisitTarget
    visited_on: date
    employed: bool
    employment: Employment | None
    issues: str
    actions: str
    visited_by: str
    created_at: LocalDateTime
    fulfils: SlotRead | None
    follow_up_action: ActionRead | None
