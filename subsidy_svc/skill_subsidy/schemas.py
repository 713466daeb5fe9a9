"""Request and response models of the skill-subsidy preview (api.md "Subsidy service")."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Final

from pydantic import BaseModel, ConfigDict, Field

from shared.codes import AnyLevelRegionCode, OccupationCode
from shared.explain import RuleResultRead as RuleExplanation
from subsidy_svc.calendar.schemas import IsoDate
from subsidy_svc.skill_subsidy.rules import LivingAllowanceGroup

_IN: Final = ConfigDict(frozen=True, extra="forbid")
_OUT: Final = ConfigDict(frozen=True)

# GB/T 2260 administrative-division code: province (2), city (4), county (6), town (9), village (12).
# ASCII digits only (shared/codes.py).
RegionCode = AnyLevelRegionCode


class LivingAllowanceInput(BaseModel):
    """What the living-allowance decision needs: the groups claimed, graduation, the last allowance."""

    model_config = _IN

    groups: Annotated[
        list[LivingAllowanceGroup], Field(max_length=len(LivingAllowanceGroup)),
        Field(description="申报的生活费补贴对象类别"),
    ] = []
    graduated_on: IsoDate | None = None
    last_allowance_on: IsoDate | None = None


class SkillSubsidyPreviewRequest(BaseModel):
    """A skill-subsidy application to preview; received_on defaults to applied_on."""

    model_config = _IN

    certificate_issued_on: IsoDate
    applied_on: IsoDate
    received_on: IsoDate | None = None
    region_code: RegionCode | None = None
    occupation_code: OccupationCode | None = None
    level: Annotated[int, Field(ge=1, le=5)] | None = None
    living_allowance: LivingAllowanceInput | None = None



class PreviewViolation(BaseModel):
    """A rule the application does not meet (api.md: SUB-WINDOW when outside the window)."""

    model_config = _OUT

    rule: str
    field: str | None
    message: str
    message_zh: str
    source: str


class CatalogueResult(BaseModel):
    """The catalogue lookup for the certificate's occupation and level."""

    model_config = _OUT

    occupation_code: str
    level: int
    found: bool
    amount_fen: int | None
    occupation_name: str | None
    occupation_name_zh: str | None


class LivingAllowanceResult(BaseModel):
    """Whether the one-off living allowance is due, the amount, and why."""

    model_config = _OUT

    eligible: bool
    amount_fen: int
    reasons: list[RuleExplanation]


class SkillSubsidyPreview(BaseModel):
    """The application window, every step's due date, and the amounts (api.md fields first)."""

    model_config = _OUT

    apply_by: date
    within_window: bool
    review_due: date
    notice_start: date
    notice_end: date
    payment_due: date
    estimated: bool
    violations: list[PreviewViolation]
    amount_fen: int | None = None
    catalogue: CatalogueResult | None = None
    living_allowance: LivingAllowanceResult | None = None
    explanations: list[RuleExplanation]
    policy_pack: str
