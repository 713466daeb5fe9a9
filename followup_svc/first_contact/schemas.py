"""Request and response bodies of the first-contact endpoints."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from followup_svc.models import FirstContactStatus, FollowupMethod
from shared.clock import LocalDateTime
from shared.inputs import BoundedDate


class DueExplanation(BaseModel):
    """Why a first contact is due when it is (FU-CONTACT counted by T-WORKDAY)."""

    rule: Literal["FU-CONTACT"] = "FU-CONTACT"
    workdays: int
    source: str
    estimated: bool
    reason: str
    reason_zh: str


class FirstContactRead(BaseModel):
    """A first-contact task as the API shows it."""

    id: UUID
    registration_id: UUID
    person_id: UUID
    agency_region_code: str
    registered_on: date
    due_on: date
    status: FirstContactStatus
    overdue: bool
    created_at: LocalDateTime
    completed_at: LocalDateTime | None
    completed_by: str | None
    contacted_on: date | None
    method: FollowupMethod | None
    outcome: str | None
    cancelled_at: LocalDateTime | None
    due: Annotated[DueExplanation, Field(description="截止日期及其计算依据")]


class FirstContactCompletion(BaseModel):
    """Body of POST .../completion: how and when the person was contacted, and what came of it."""

    model_config = ConfigDict(extra="forbid")

    method: FollowupMethod
    outcome: str = Field(min_length=1, max_length=2000)
    contacted_on: BoundedDate
