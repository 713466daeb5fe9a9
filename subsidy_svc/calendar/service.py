"""Answers calendar questions (T-WORKDAY, T-PERIOD) and replaces a year's holiday arrangement."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import date, tzinfo
from typing import Final, TypeVar

from fastapi import Request
from sqlalchemy.ext.asyncio import AsyncSession

from shared import audit, outbox
from shared.auth import Principal
from shared.calendar import (
    MAX_DATE,
    MIN_DATE,
    T_WORKDAY_RULE_ID,
    T_WORKDAY_SOURCE,
    TimeRuleError,
    WorkdayCalendar,
    YearArrangement,
)
from shared.calendar_store import CalendarHolder, save_year
from shared.db import after_commit
from shared.errors import Violation
from shared.events import CalendarYearReplaced, EventType
from shared.platform_tables import PlatformTables
from shared.timerules import T_PERIOD_RULE_ID, T_PERIOD_SOURCE, period_end
from subsidy_svc.calendar.errors import DateOutsideCalendar, InvalidArrangement, InvalidYear
from subsidy_svc.calendar.repository import get_stored_year
from subsidy_svc.calendar.schemas import (
    AddMonthsRead,
    AddWorkdaysRead,
    CalendarExplanation,
    DayRead,
    MonthShift,
    NamedDay,
    YearArrangementRead,
    YearArrangementWrite,
    YearStatus,
)

# The State Council has published an arrangement every year since the chinesecalendar data begins
# (2004); earlier years are answered as plain weekends and cannot be replaced through the API.
YEAR_WRITABLE_MIN: Final = 2004
YEAR_WRITABLE_MAX: Final = MAX_DATE.year
YEAR_READABLE_MIN: Final = MIN_DATE.year
MAX_WORKDAYS: Final = 1000
MAX_MONTHS: Final = 1200

T = TypeVar("T")

_KIND_ZH: Final = {
    "workday": "工作日", "weekend": "周末休息日", "holiday": "法定节假日", "makeup_workday": "调休上班日",
}


def ordinal(n: int) -> str:
    """Returns an English ordinal such as "1st", "12th" or "23rd"."""
    if 10 <= n % 100 <= 20:
        suffix = "th"
    else:
        suffix = {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _estimate_note(estimated: bool) -> tuple[str, str]:
    if not estimated:
        return "", ""
    return (
        "; estimated: a year on the way has no published arrangement, so plain weekends were used",
        "；估算：途经年份尚无公布的节假日安排，按普通周末计算",
    )


def time_rule_problem(exc: TimeRuleError, field_name: str) -> DateOutsideCalendar:
    """Returns the 422 error for a date the calendar cannot answer (outside its range, ...)."""
    return DateOutsideCalendar(
        exc.message, exc.message_zh, [Violation(exc.rule, field_name, exc.message, exc.message_zh)],
    )


def answer_or_422(field_name: str, compute: Callable[[], T]) -> T:
    """Runs a time-rule computation, turning a TimeRuleError into a 422 problem naming the field."""
    try:
        return compute()
    except TimeRuleError as exc:
        raise time_rule_problem(exc, field_name) from None


def describe_day(calendar: WorkdayCalendar, day: date) -> DayRead:
    """Returns what a day is under the holiday arrangement (T-WORKDAY)."""
    info = answer_or_422("date", lambda: calendar.day(day))
    name = f" ({info.holiday_name})" if info.holiday_name else ""
    note, note_zh = _estimate_note(info.estimated)
    kind_zh = _KIND_ZH
    return DayRead(
        date=info.date, workday=info.workday, kind=info.kind, holiday_name=info.holiday_name,
        estimated=info.estimated,
        explanation=CalendarExplanation(
            rule=T_WORKDAY_RULE_ID,
            reason=f"{day.isoformat()} is a {info.kind.value.replace('_', ' ')}{name}, "
            f"{'a working day' if info.workday else 'a rest day'}{note}",
            reason_zh=f"{day.isoformat()} 为{kind_zh[info.kind.value]}{name}，"
            f"{'需上班' if info.workday else '休息'}{note_zh}",
            source=T_WORKDAY_SOURCE,
        ),
    )


def workdays_after(calendar: WorkdayCalendar, start: date, days: int) -> AddWorkdaysRead:
    """Returns the days-th working day after start, start not counted (T-WORKDAY)."""
    due = answer_or_422("start", lambda: calendar.add_workdays(start, days))
    note, note_zh = _estimate_note(due.estimated)
    return AddWorkdaysRead(
        start=start, days=days, due=due.due, estimated=due.estimated,
        explanation=CalendarExplanation(
            rule=T_WORKDAY_RULE_ID,
            reason=(
                f"{due.due.isoformat()} is the {ordinal(days)} working day after {start.isoformat()} "
                f"(the start day is not counted){note}"
                if days
                else f"0 working days after {start.isoformat()} is the start day itself{note}"
            ),
            reason_zh=(
                f"{start.isoformat()} 之后第 {days} 个工作日为 {due.due.isoformat()}（起算日不计入）{note_zh}"
                if days
                else f"0 个工作日即起算日 {start.isoformat()} 本身{note_zh}"
            ),
            source=T_WORKDAY_SOURCE,
        ),
    )


def months_after(calendar: WorkdayCalendar, start: date, months: int, shift: MonthShift) -> AddMonthsRead:
    """Returns the last day of a period of months from start, shifted to a working day if asked (T-PERIOD)."""
    shifted = shift is MonthShift.NEXT_WORKDAY
    due = answer_or_422("start", lambda: period_end(start, months, calendar, shift=shifted))
    if due.due > MAX_DATE:
        # Without a shift no calendar is consulted, so the range is checked here.
        raise time_rule_problem(
            TimeRuleError(
                T_PERIOD_RULE_ID,
                f"{start.isoformat()} plus {months} months ({due.due.isoformat()}) "
                f"is after {MAX_DATE.isoformat()}",
                f"{start.isoformat()} 加 {months} 个月（{due.due.isoformat()}）晚于 {MAX_DATE.isoformat()}",
            ),
            "months",
        )
    note, note_zh = _estimate_note(due.estimated)
    how = "moved to the next working day if a rest day" if shifted else "not shifted off rest days"
    how_zh = "如遇休息日顺延至下一个工作日" if shifted else "不因休息日顺延"
    return AddMonthsRead(
        start=start, months=months, shift=shift, due=due.due, estimated=due.estimated,
        explanation=CalendarExplanation(
            rule=T_PERIOD_RULE_ID,
            reason=f"{months} months from {start.isoformat()} end on {due.due.isoformat()}: the start day is "
            f"not counted, the corresponding day of the last month or its last day, {how}{note}",
            reason_zh=f"自 {start.isoformat()} 起 {months} 个月的期间届满日为 {due.due.isoformat()}："
            f"起算日不计入，到期月的对应日（无对应日的为该月末日），{how_zh}{note_zh}",
            source=T_PERIOD_SOURCE,
        ),
    )


# --- replacing a year --------------------------------------------------------------------------------


def check_year_in_range(year: int, *, writable: bool) -> None:
    """Raises the 422 problem when a year is outside what can be read or replaced."""
    low = YEAR_WRITABLE_MIN if writable else YEAR_READABLE_MIN
    high = YEAR_WRITABLE_MAX
    if not low <= year <= high:
        message = f"year {year} is outside {low}..{high}"
        message_zh = f"年份 {year} 超出范围（{low} 至 {high}）"
        raise InvalidYear(
            message, message_zh,
            [Violation(T_WORKDAY_RULE_ID, "year", message, message_zh)],
        )


def arrangement_violations(year: int, body: YearArrangementWrite) -> list[Violation]:
    """Returns every problem of a year's arrangement, one per bad entry (empty when it is valid).

    Holidays may fall on any day: the notices list the weekend days inside a holiday block (e.g.
    Sat 2026-10-03, National Day) as holidays too, which is how the day is shown with its name.
    A make-up workday must be a Saturday or Sunday, since only a rest day can be turned into one.
    """
    violations: list[Violation] = []

    def bad(field_name: str, message: str, message_zh: str) -> None:
        violations.append(Violation(T_WORKDAY_RULE_ID, field_name, message, message_zh))

    holiday_dates = Counter(entry.date for entry in body.holidays)
    if not body.holidays:
        # Every year has at least New Year's Day (元旦); an empty list is a mistake, not a year off.
        bad("holidays", f"the arrangement for {year} lists no holidays", f"{year} 年的安排未列出任何放假日")
    for list_name, entries, label_zh in (
        ("holidays", body.holidays, "放假日"),
        ("makeup_workdays", body.makeup_workdays, "调休上班日"),
    ):
        seen: set[date] = set()
        for index, entry in enumerate(entries):
            where = f"{list_name}.{index}.date"
            day = entry.date.isoformat()
            if entry.date.year != year:
                bad(where, f"{day} is not in {year}", f"{label_zh} {day} 不在 {year} 年内")
            if entry.date in seen:
                bad(where, f"{day} is listed twice in {list_name}", f"{label_zh} {day} 重复列出")
            seen.add(entry.date)
            if list_name == "makeup_workdays":
                if entry.date in holiday_dates:
                    bad(where, f"{day} is both a holiday and a make-up workday",
                        f"{day} 同时被列为放假日和调休上班日")
                if entry.date.weekday() < 5:
                    bad(where, f"make-up workday {day} is a weekday; only a Saturday or Sunday can be one",
                        f"调休上班日 {day} 是工作日，只有周六或周日才能调休上班")
    if body.published_on is not None and body.published_on.year > year:
        bad("published_on", f"published_on {body.published_on.isoformat()} is after the year {year}",
            f"发布日期 {body.published_on.isoformat()} 晚于 {year} 年")
    return violations


def validated_arrangement(year: int, body: YearArrangementWrite) -> YearArrangement:
    """Returns the arrangement of a PUT body, or raises one 422 problem listing every bad entry."""
    check_year_in_range(year, writable=True)
    violations = arrangement_violations(year, body)
    if violations:
        raise InvalidArrangement(
            f"The arrangement for {year} has {len(violations)} invalid entries; see violations.",
            f"{year} 年的节假日安排有 {len(violations)} 处错误，详见各项说明。",
            violations,
        )
    return YearArrangement(
        year=year,
        holidays={e.date: e.name for e in sorted(body.holidays, key=lambda e: e.date)},
        makeup_workdays={e.date: e.name for e in sorted(body.makeup_workdays, key=lambda e: e.date)},
        source=body.source,
    )


async def replace_year(
    session: AsyncSession,
    platform: PlatformTables,
    principal: Principal,
    arrangement: YearArrangement,
    *,
    published_on: date | None,
    holder: CalendarHolder,
    request: Request | None = None,
) -> None:
    """Stores a year's arrangement, emits calendar.year_replaced and audits it in the caller's transaction;
    this process's calendar takes the year only once that transaction has committed, so a failed commit
    never leaves it answering from a year the database does not hold."""
    after_commit(session, lambda: holder.swap_in(arrangement))
    await save_year(
        session, platform.calendar_year, arrangement, updated_by=principal.sub, published_on=published_on
    )
    holidays = {d.isoformat(): n for d, n in sorted(arrangement.holidays.items())}
    makeups = {d.isoformat(): n for d, n in sorted(arrangement.makeup_workdays.items())}
    await outbox.emit(
        session, platform.outbox, EventType.CALENDAR_YEAR_REPLACED,
        CalendarYearReplaced(
            year=arrangement.year, holidays=holidays, makeup_workdays=makeups, source=arrangement.source,
            updated_by=principal.sub,
        ),
    )
    await audit.record(
        session, platform.audit_log, principal, "calendar.year_replace", "calendar_year",
        str(arrangement.year), request=request,
        details={
            "holidays": len(holidays), "makeup_workdays": len(makeups), "source": arrangement.source,
            "published_on": published_on.isoformat() if published_on else None,
        },
    )
    await session.flush()


def _named_days(days: dict[date, str]) -> list[NamedDay]:
    return [NamedDay(date=d, name=n) for d, n in sorted(days.items())]


async def read_year(
    session: AsyncSession, platform: PlatformTables, calendar: WorkdayCalendar, year: int, *, tz: tzinfo
) -> YearArrangementRead:
    """Returns the arrangement in force for a year: the stored replacement, the seed, or none (estimated)."""
    check_year_in_range(year, writable=False)
    stored = await get_stored_year(session, platform.calendar_year, year)
    if stored is not None:
        # The stored row is what every process answers from within one refresh interval.
        return YearArrangementRead(
            year=year, status=YearStatus.ADMIN_REPLACED, estimated=False,
            holidays=_named_days(stored.arrangement.holidays),
            makeup_workdays=_named_days(stored.arrangement.makeup_workdays),
            source=stored.arrangement.source, published_on=stored.published_on,
            updated_by=stored.updated_by, updated_at=stored.updated_at.astimezone(tz),
        )
    arrangement = calendar.arrangement(year)
    if arrangement is None:
        return YearArrangementRead(
            year=year, status=YearStatus.ESTIMATED, estimated=True, holidays=[], makeup_workdays=[],
            source=None, published_on=None, updated_by=None, updated_at=None,
        )
    return YearArrangementRead(
        year=year, status=YearStatus.SEEDED, estimated=False,
        holidays=_named_days(arrangement.holidays), makeup_workdays=_named_days(arrangement.makeup_workdays),
        source=arrangement.source, published_on=None, updated_by=None, updated_at=None,
    )
