"""Request and response bodies of the reference-data and home-visit endpoints."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, model_validator

from registration_svc.verification.models import HomeVisitOutcome, HomeVisitStatus, SourceName
from shared.clock import LocalDateTime
from shared.inputs import BoundedDate

VisitRule = Literal["REG-ID", "REG-UNEMPLOYED", "REG-ABLE", "REG-WILLING", "REG-PENSION"]


class KindCountRead(BaseModel):
    """Number of records of one kind and status."""

    kind: str
    status: str
    count: int


class ReferenceDataSummary(BaseModel):
    """What a reference source holds now."""

    source: Annotated[SourceName, Field(description="数据来源")]
    loaded: bool
    batch_id: Annotated[UUID | None, Field(description="导入批次编号")]
    row_count: int
    loaded_at: LocalDateTime | None
    loaded_by: str | None
    content_sha256: str | None
    kinds: list[KindCountRead]
    allowed_kinds: list[str]


class HomeVisitTaskRead(BaseModel):
    """A home-visit task as staff see it."""

    id: UUID
    registration_id: UUID
    person_id: UUID
    agency_region_code: str
    due_on: date
    overdue: bool
    reason: str
    status: HomeVisitStatus
    created_at: LocalDateTime
    completed_at: LocalDateTime | None
    completed_by: str | None
    visited_on: date | None
    outcome: HomeVisitOutcome | None
    outcome_rules: list[str]
    outcome_note: str | None


class HomeVisitCompletionCreate(BaseModel):
    """The outcome of a visit: confirmed, contradicted (naming the rules found unmet) or unreachable."""

    model_config = ConfigDict(extra="forbid")

    outcome: HomeVisitOutcome
    visited_on: BoundedDate
    rules: list[VisitRule] = Field(default_factory=list, max_length=5)
    note: str = Field(min_length=1, max_length=2000)

    @model_validator(mode="after")
    def _consistent(self) -> HomeVisitCompletionCreate:
        if self.outcome is HomeVisitOutcome.CONTRADICTED and not self.rules:
            raise ValueError("a contradicted outcome names the rules found unmet / 核实不符须列明不符条件")
        if self.outcome is not HomeVisitOutcome.CONTRADICTED and self.rules:
            raise ValueError("rules are given only with a contradicted outcome / 仅核实不符时填写条件")
        return self


class ReferenceMatchQuery(BaseModel):
    """Body of POST /reference-data/matches: a page of persons, the day to compare on, the kinds wanted."""

    model_config = ConfigDict(extra="forbid")

    person_ids: list[UUID] = Field(min_length=1, max_length=10_000)
    on: date
    kinds: list[str] | None = Field(default=None, max_length=20)


class ReferenceMatchRead(BaseModel):
    """One active reference record about a person in force on the day (a contribution, a pension …)."""

    person_id: UUID
    source: Annotated[SourceName, Field(description="数据来源")]
    kind: str
    valid_from: date | None
    valid_to: date | None


class ReferenceMatchesRead(BaseModel):
    """The records found for a page of persons; persons with none are simply absent."""

    on: date
    matches: list[ReferenceMatchRead]
