"""Request and response models of the working-day calendar API (api.md "Working-day calendar")."""

from __future__ import annotations

import re
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Final

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from shared.calendar import DayKind
from shared.clock import LocalDateTime

_ISO_DATE: Final = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _iso_date_only(value: object) -> object:
    # Pydantic's lax date parsing also takes Unix timestamps ("0") and datetimes; the contract says
    # dates are YYYY-MM-DD, so anything else is refused before it can be read as some other day.
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str) and _ISO_DATE.fullmatch(value):
        return value
    raise ValueError("must be a date written YYYY-MM-DD / 应为有效日期（年-月-日，如2026-11-30）")


IsoDate = Annotated[date, BeforeValidator(_iso_date_only)]
"""A calendar date accepted only as YYYY-MM-DD (or a date object)."""

_OUT: Final = ConfigDict(frozen=True)
_IN: Final = ConfigDict(frozen=True, extra="forbid")


class CalendarExplanation(BaseModel):
    """Which counting rule produced an answer, why, and where the rule comes from."""

    model_config = _OUT

    rule: str
    reason: str
    reason_zh: str
    source: str


class DayRead(BaseModel):
    """What one day is under the holiday arrangement."""

    model_config = _OUT

    date: date
    workday: bool
    kind: DayKind
    holiday_name: str | None
    estimated: bool
    explanation: CalendarExplanation


class AddWorkdaysRead(BaseModel):
    """The N-th working day after a start day (T-WORKDAY)."""

    model_config = _OUT

    start: date
    days: int
    due: date
    estimated: bool
    explanation: CalendarExplanation


class MonthShift(StrEnum):
    """Whether the last day of a month period moves off rest days (T-PERIOD, Civil Code art. 203)."""

    NEXT_WORKDAY = "next_workday"
    NONE = "none"


class AddMonthsRead(BaseModel):
    """The last day of a period of months (T-PERIOD)."""

    model_config = _OUT

    start: date
    months: int
    shift: MonthShift
    due: date
    estimated: bool
    explanation: CalendarExplanation


class NamedDay(BaseModel):
    """A day of a year's arrangement and the holiday it belongs to."""

    model_config = _IN

    date: IsoDate
    name: Annotated[str, Field(min_length=1, max_length=100), Field(description="节日名称（如春节）")]


class YearArrangementWrite(BaseModel):
    """A year's holidays and make-up workdays as the State Council notice publishes them."""

    model_config = _IN

    holidays: Annotated[list[NamedDay], Field(max_length=366)]
    makeup_workdays: Annotated[list[NamedDay], Field(max_length=366)]
    source: Annotated[str, Field(min_length=1, max_length=500)]
    published_on: IsoDate | None = None


class YearStatus(StrEnum):
    """Where a year's arrangement in force comes from."""

    ADMIN_REPLACED = "admin_replaced"
    SEEDED = "seeded"
    ESTIMATED = "estimated"


class YearArrangementRead(BaseModel):
    """The arrangement in force for a year and where it comes from."""

    model_config = _OUT

    year: int
    status: YearStatus
    estimated: bool
    holidays: list[NamedDay]
    makeup_workdays: list[NamedDay]
    source: str | None
    published_on: date | None
    updated_by: str | None
    updated_at: LocalDateTime | None
