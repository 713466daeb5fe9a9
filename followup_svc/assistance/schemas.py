"""Bodies of the assistance endpoints (FU-TIER)."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from followup_svc.assistance.models import Tier


class RequirementRead(BaseModel):
    """One counted service a tier requires and where it stands."""

    tier: Tier
    kind: str
    required: int
    delivered: int
    due_on: date
    status: Literal["met", "open", "overdue"]
    rule: Literal["FU-TIER"] = "FU-TIER"
    reason: str
    reason_zh: str
    source: str


class AssistanceRead(BaseModel):
    """A person's assistance: the tier (null when none has started or it ended), since when, and requirements."""

    person_id: str
    tier: Tier | None
    since: date | None
    tier_reason: str | None
    ended_on: date | None
    end_reason: str | None
    # Tier III: priority for public-welfare posts (优先推荐在公益性岗位就业).
    priority_public_welfare_post: bool
    requirements: list[RequirementRead]


class TierPut(BaseModel):
    """Body of PUT /persons/{person_id}/assistance/tier: the tier and why (escalation to III for age or
    disability, seed 001 §六(五))."""

    model_config = ConfigDict(extra="forbid")

    tier: Tier
    reason: str = Field(default="", max_length=2000)
    ground: Literal["age", "disability"] | None = None
