"""The declaration under check and what each source found about it (REG-ID, REG-UNEMPLOYED, ...)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from shared.policy.documents import cite_inline


class VerificationOutcome(StrEnum):
    """What a source says about a rule's condition: met (confirmed), not met (contradicted) or nothing."""

    CONFIRMED = "confirmed"
    CONTRADICTED = "contradicted"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Declaration:
    """The applicant's declaration on the registration form (api.md declaration)."""

    unemployed: bool
    able_to_work: bool
    wants_work: bool
    receiving_pension: bool


@dataclass(frozen=True)
class VerificationFinding:
    """One source's answer about one rule, with a bilingual detail naming the record and clause."""

    source: str
    rule: str
    outcome: VerificationOutcome
    detail: str
    detail_zh: str

    def __post_init__(self) -> None:
        # Clauses in the details are written as seed numbers; people read the document (cached).
        object.__setattr__(self, "detail", cite_inline(self.detail))
        object.__setattr__(self, "detail_zh", cite_inline(self.detail_zh))


@dataclass(frozen=True)
class VerificationReport:
    """All findings about a declaration and what follows from them."""

    findings: list[VerificationFinding]
    confirmed: bool
    contradicted: list[VerificationFinding]
    needs_home_visit: bool
