"""HTTP endpoints of the working-day calendar (api.md "Working-day calendar")."""

from __future__ import annotations

from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Path, Query, Request

from shared.auth import Principal, PrincipalDep, Role, require_provincial
from shared.calendar import WorkdayCalendar
from shared.calendar_store import CalendarHolder
from shared.db import SessionDep
from shared.platform_tables import PlatformTables
from shared.settings import PlatformSettings
from subsidy_svc.calendar import service
from subsidy_svc.calendar.schemas import (
    AddMonthsRead,
    AddWorkdaysRead,
    DayRead,
    IsoDate,
    MonthShift,
    YearArrangementRead,
    YearArrangementWrite,
)

router = APIRouter(prefix="/calendar", tags=["calendar"])


def current_calendar(request: Request) -> WorkdayCalendar:
    """Gets the calendar this process answers from."""
    holder: CalendarHolder = request.app.state.calendar_holder
    return holder.calendar


CalendarDep = Annotated[WorkdayCalendar, Depends(current_calendar)]
# The calendar every service counts deadlines with: changed only by a provincial admin or a system.
CalendarAdmin = Annotated[Principal, Depends(require_provincial(Role.ADMIN, Role.SYSTEM))]


def _timezone(request: Request) -> ZoneInfo:
    settings: PlatformSettings = request.app.state.settings
    return ZoneInfo(settings.timezone)


@router.get("/days/{date}", response_model=DayRead)
async def get_day(
    date: Annotated[IsoDate, Path()], calendar: CalendarDep, principal: PrincipalDep
) -> DayRead:
    """Gets what a day is: working day, weekend, holiday or make-up workday (T-WORKDAY)."""
    return service.describe_day(calendar, date)


@router.get("/add-workdays", response_model=AddWorkdaysRead)
async def add_workdays(
    start: Annotated[IsoDate, Query()],
    days: Annotated[int, Query(ge=0, le=service.MAX_WORKDAYS)],
    calendar: CalendarDep,
    principal: PrincipalDep,
) -> AddWorkdaysRead:
    """Gets the N-th working day after start; start is not counted and N = 0 returns start (T-WORKDAY)."""
    return service.workdays_after(calendar, start, days)


@router.get("/add-months", response_model=AddMonthsRead)
async def add_months(
    start: Annotated[IsoDate, Query()],
    months: Annotated[int, Query(ge=0, le=service.MAX_MONTHS)],
    calendar: CalendarDep,
    principal: PrincipalDep,
    shift: Annotated[MonthShift, Query()] = MonthShift.NEXT_WORKDAY,
) -> AddMonthsRead:
    """Gets the last day of a period of months from start (T-PERIOD), by default moved off rest days."""
    return service.months_after(calendar, start, months, shift)


@router.get("/years/{year}", response_model=YearArrangementRead)
async def get_year(
    year: Annotated[int, Path()],
    request: Request,
    session: SessionDep,
    calendar: CalendarDep,
    principal: PrincipalDep,
) -> YearArrangementRead:
    """Gets a year's arrangement in force and whether it is seeded, replaced by an admin, or estimated."""
    platform: PlatformTables = request.app.state.platform
    return await service.read_year(session, platform, calendar, year, tz=_timezone(request))


@router.put("/years/{year}", response_model=YearArrangementRead)
async def put_year(
    year: Annotated[int, Path()],
    body: YearArrangementWrite,
    request: Request,
    session: SessionDep,
    principal: CalendarAdmin,
) -> YearArrangementRead:
    """Replaces a year's holidays and make-up workdays (provincial admin or system), for every service."""
    arrangement = service.validated_arrangement(year, body)
    platform: PlatformTables = request.app.state.platform
    await service.replace_year(
        session, platform, principal, arrangement, published_on=body.published_on,
        holder=request.app.state.calendar_holder, request=request,
    )
    return await service.read_year(session, platform, current_calendar(request), year, tz=_timezone(request))
