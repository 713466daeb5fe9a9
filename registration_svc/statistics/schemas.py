"""Response body of the registration statistics endpoint."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel


class StatisticsGroup(BaseModel):
    """Registrations of one county, residence type and status on the as-of date."""

    region_code: str
    residence_type: str
    status: str
    count: int


class StatisticsTotals(BaseModel):
    """Totals over every group."""

    registered: int
    pending_verification: int
    urban_registered_unemployed: int


class StatisticsExplanation(BaseModel):
    """How the figures are counted."""

    reason: str
    reason_zh: str
    source: str


class RegistrationStatistics(BaseModel):
    """GET /api/v1/registrations/statistics."""

    as_of: date
    region: str
    groups: list[StatisticsGroup]
    totals: StatisticsTotals
    explanation: StatisticsExplanation
