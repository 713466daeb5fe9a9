"""The eligibility service as its peers call it: difficulty status, startup-loan evaluation and schedule (api.md)."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict

from shared.clients.base import ServiceClient
from shared.errors import InvalidInput, Violation
from shared.settings import PlatformSettings


class DifficultyStatus(BaseModel):
    """Whether a person is certified with employment difficulty on a date (GET /api/v1/difficulty/status)."""

    model_config = ConfigDict(extra="ignore")

    certified: bool
    certificate_number: str | None = None
    categories: list[str] = []
    tier: str | None = None
    certified_on: date | None = None
    ended_on: date | None = None


class PeerViolation(BaseModel):
    """A rule the peer found not met."""

    model_config = ConfigDict(extra="ignore")

    rule: str
    field: str | None = None
    message: str
    message_zh: str


class LoanEvaluation(BaseModel):
    """The startup-loan evaluation (POST /api/v1/startup-loan/evaluate), as far as a peer needs it."""

    model_config = ConfigDict(extra="ignore")

    eligible: bool
    max_amount_fen: int
    max_term_months: int
    violations: list[PeerViolation]
    rate_cap_bp_over_lpr: int
    interest_subsidy_share_bp: int
    policy_pack: str


class SchedulePeriod(BaseModel):
    """One period of an interest-subsidy schedule."""

    model_config = ConfigDict(extra="ignore")

    number: int
    period_start: date
    period_end: date
    days: int
    principal_outstanding_fen: int
    interest_fen: int
    subsidy_fen: int


class InterestSchedule(BaseModel):
    """The interest-subsidy schedule (POST /api/v1/startup-loan/interest-schedule)."""

    model_config = ConfigDict(extra="ignore")

    rounding: str
    periods: list[SchedulePeriod]
    total_interest_fen: int
    total_subsidy_fen: int
    policy_pack: str


class EligibilityRefused(InvalidInput):
    """The eligibility service refused the request (422); its violations are passed on."""

    code = "eligibility.refused"
    title = "Refused by the eligibility service"


class EligibilityClient(ServiceClient):
    """Calls of the eligibility service."""

    peer = "eligibility"
    peer_zh = "资格认定服务"

    @classmethod
    def from_settings(cls, settings: PlatformSettings, *, caller: str) -> EligibilityClient:
        """Returns the client at ELIGIBILITY_URL."""
        return cls(settings.eligibility_url, settings, caller=caller)

    def _refused(self, body: dict[str, Any]) -> EligibilityRefused:
        return EligibilityRefused(
            str(body.get("detail", "The eligibility service refused the request.")),
            str(body.get("detail_zh", "资格认定服务拒绝了该请求。")),
            [Violation(v["rule"], v.get("field"), v["message"], v["message_zh"]) for v in body.get("violations", [])],
        )

    async def difficulty_status(self, person_id: uuid.UUID, on: date) -> DifficultyStatus:
        """Tells whether a person is certified with employment difficulty on a date.

        Anything but a 200 is the peer unable to answer (503): a living allowance waits rather than guesses.
        """
        response = await self.request(
            "GET", "/api/v1/difficulty/status", params={"person_id": str(person_id), "on": on.isoformat()}
        )
        if response.status_code != 200:
            raise self.unavailable(f"GET /difficulty/status answered HTTP {response.status_code}")
        return DifficultyStatus.model_validate(response.json())

    async def evaluate_startup_loan(self, body: dict[str, Any]) -> LoanEvaluation:
        """Evaluates every LOAN-* rule of a loan (stateless, so retried safely under an idempotency key)."""
        response = await self.request(
            "POST", "/api/v1/startup-loan/evaluate", json=body, idempotency_key=str(uuid.uuid4())
        )
        if response.status_code == 422:
            raise self._refused(response.json())
        if response.status_code != 200:
            raise self.unavailable(f"HTTP {response.status_code}")
        return LoanEvaluation.model_validate(response.json())

    async def interest_schedule(self, body: dict[str, Any]) -> InterestSchedule:
        """Returns a loan's interest-subsidy schedule; a 422 (LOAN-RATE, ranges) is passed on."""
        response = await self.request(
            "POST", "/api/v1/startup-loan/interest-schedule", json=body, idempotency_key=str(uuid.uuid4())
        )
        if response.status_code == 422:
            raise self._refused(response.json())
        if response.status_code != 200:
            raise self.unavailable(f"HTTP {response.status_code}")
        return InterestSchedule.model_validate(response.json())
