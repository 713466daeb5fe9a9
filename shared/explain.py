"""Explanation types shared by every decision: which rule was checked, the figures, the clause."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict

from shared.policy.documents import cite


@dataclass(frozen=True, slots=True)
class RuleResult:
    """One rule checked for one decision, with a bilingual reason naming the figures compared."""

    rule: str
    met: bool
    reason: str
    reason_zh: str
    source: str
    field: str | None = None

    def __post_init__(self) -> None:
        # Sources are written in the rules as document keys or seed numbers; people read them as the
        # document's number or title from the one table of documents (cached: no cost per decision).
        object.__setattr__(self, "source", cite(self.source))


def failures(results: Iterable[RuleResult]) -> list[RuleResult]:
    """Returns the results whose rule is not met, in their original order."""
    return [result for result in results if not result.met]


def all_met(results: Iterable[RuleResult]) -> bool:
    """Returns True when every result is met (and for no results at all)."""
    return all(result.met for result in results)


class RuleResultRead(BaseModel):
    """A RuleResult as every API shows it (base rules, categories, loan rules, subsidy explanations)."""

    model_config = ConfigDict(frozen=True, from_attributes=True)

    rule: str
    met: bool
    reason: str
    reason_zh: str
    source: str
    field: str | None = None


class ViolationRead(BaseModel):
    """A rule a request does not meet, as the violations[] of an evaluation response (api.md)."""

    model_config = ConfigDict(frozen=True, from_attributes=True)

    rule: str
    field: str | None
    message: str
    message_zh: str
    source: str
