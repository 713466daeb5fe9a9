"""Request and response bodies of deregistration (api.md, POST /registrations/{id}/deregistration)."""

from __future__ import annotations

from datetime import date
from typing import Annotated
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from registration_svc.deregistration.rules import DeregistrationReason, ReasonGroup
from shared.inputs import BoundedDate, Fen, Flag


class DeregistrationCreate(BaseModel):
    """Why and from when a registration ends."""

    model_config = ConfigDict(extra="forbid")

    reason: DeregistrationReason
    effective_date: BoundedDate
    note: Annotated[str, StringConstraints(strip_whitespace=True, max_length=1000)] = ""
    # Needed for stable_income (DEREG-INCOME): the person's monthly income in fen.
    monthly_income_fen: Fen | None = None
    # 提供虚假信息骗取待遇的，纳入人社信用体系 (002 §五): recorded for the credit system.
    false_information: Flag = False
    override_reason: Annotated[str, StringConstraints(strip_whitespace=True, max_length=1000)] | None = Field(
        default=None,
        description=(
            "例外说明 Only for an administrator recording unreachable or refused_services by hand (DEREG-MANUAL): "
            "why the follow-up rules FU-UNREACHABLE / FU-REFUSAL cannot establish it (at least 10 characters); "
            "kept in the audit log."
        ),
    )


class NotifyExplanation(BaseModel):
    """DEREG-NOTIFY: whether and why the person is told."""

    rule: str = "DEREG-NOTIFY"
    notify: bool
    reason: str
    reason_zh: str
    source: str


class DeregistrationResult(BaseModel):
    """The deregistered registration."""

    id: UUID
    status: str
    reason: DeregistrationReason
    reason_group: ReasonGroup
    effective_date: date
    note: str
    notify_person: bool
    notification_id: UUID | None
    notify_explanation: NotifyExplanation
    false_information: bool
