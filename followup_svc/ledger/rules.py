"""Ledger rules as pure functions (rules.md "Ledger rules in detail"): FU-MONTHLY, FU-CONTACT-DATE, FU-OUTCOME,
DEREG-INCOME, FU-REFUSAL, FU-UNREACHABLE and FU-DATA-MATCH. Each result names its rule, why, and the clause.

The clause is the policy pack's of the registration's region (PolicyPack.citation): followup_monthly for
FU-MONTHLY and FU-CONTACT-DATE, followup_outcome for FU-OUTCOME, followup_data_match for FU-DATA-MATCH and
deregistration for DEREG-INCOME, FU-REFUSAL and FU-UNREACHABLE. The rules take it as `source`."""

from __future__ import annotations

import calendar as _calendar
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from shared.calendar import WorkdayCalendar
from shared.explain import RuleResult
from shared.labels import code_zh
from shared.wording import date_zh, month_zh, yuan

# Days before the month's last working day from which a pending entry is shown as at risk of being missed.
AT_RISK_WORKDAYS = 5
# A month in the range shared.inputs bounds dates to (1900-2199): "0000-01" is not a month a date can hold.
MONTH_PATTERN = r"^(19[0-9]{2}|2[01][0-9]{2})-(0[1-9]|1[0-2])$"
_MONTH = re.compile(MONTH_PATTERN)


class EntryStatus(StrEnum):
    """Where a ledger entry stands (mirrors models.EntryStatus; kept here so the rules need no ORM)."""

    PENDING = "pending"
    ATTEMPTED = "attempted"
    CONTACTED = "contacted"
    ENDED = "ended"
    MISSED = "missed"
    UNREACHABLE = "unreachable"


# A reached contact with one of these statuses asks for the deregistration of the same name (FU-OUTCOME).
DEREGISTRATION_STATUSES = frozenset({
    "hired", "self_employed", "stable_income", "pension", "enrolled_in_school", "military_service",
    "moved_abroad", "lost_work_ability", "imprisoned", "deceased",
})

# The most urgent first: who still needs a contact, then who was tried, then the rest.
URGENCY = {"pending": 0, "attempted": 1, "missed": 2, "unreachable": 3, "contacted": 4, "ended": 5}


# ---------------------------------------------------------------- months


def parse_month(text: str) -> date | None:
    """Returns the first day of a `YYYY-MM` month, or None when the text is not one."""
    found = _MONTH.match(text)
    return date(int(found.group(1)), int(found.group(2)), 1) if found else None


def month_text(month: date) -> str:
    """Returns a month as `YYYY-MM`."""
    return f"{month.year:04d}-{month.month:02d}"


def month_of(day: date) -> date:
    """Returns the first day of the month holding `day`."""
    return day.replace(day=1)


def month_end(month: date) -> date:
    """Returns the last calendar day of a month."""
    return month.replace(day=_calendar.monthrange(month.year, month.month)[1])


def add_months(month: date, months: int) -> date:
    """Returns the first day of the month `months` after (or before) `month`."""
    index = month.year * 12 + month.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def months_from(first: date, last: date) -> list[date]:
    """Returns the first days of every month from `first`'s through `last`'s (empty when last < first)."""
    months, current, end = [], month_of(first), month_of(last)
    while current <= end:
        months.append(current)
        current = add_months(current, 1)
    return months


def last_workday(month: date, calendar: WorkdayCalendar) -> date:
    """Returns the month's last working day: the day its follow-up is due by (FU-MONTHLY)."""
    day = month_end(month)
    while not calendar.is_workday(day) and day > month:
        day -= timedelta(days=1)
    return day


def valid_in_month(registered_on: date, deregistered_on: date | None, month: date) -> bool:
    """Tells whether a registration is valid on at least one day of the month (FU-MONTHLY)."""
    return registered_on <= month_end(month) and (deregistered_on is None or deregistered_on >= month)


def entry_status_at_creation(deregistered_on: date | None, month: date) -> EntryStatus:
    """Returns a new entry's status: ended when the registration ended during that month, else pending."""
    if deregistered_on is not None and deregistered_on <= month_end(month):
        return EntryStatus.ENDED
    return EntryStatus.PENDING


def at_risk(status: str, closed: bool, due_on: date, today: date, calendar: WorkdayCalendar) -> bool:
    """Tells whether an open entry is still pending within AT_RISK_WORKDAYS working days of its due date
    (or past it): the caseworker must act before the month is closed as missed."""
    if status != EntryStatus.PENDING or closed:
        return False
    return today >= due_on or calendar.workdays_between(today, due_on) <= AT_RISK_WORKDAYS


def month_has_ended(month: date, today: date, source: str) -> RuleResult:
    """FU-MONTHLY: a month may be closed from the first day of the next month, never before it ends."""
    ended = today > month_end(month)
    return RuleResult(
        "FU-MONTHLY", ended,
        f"month {month_text(month)} {'ended' if ended else 'has not ended'} on {month_end(month)}; today is {today}",
        f"{month_zh(month)}{'已结束' if ended else '尚未结束'}（月末为{date_zh(month_end(month))}），"
        f"今天是{date_zh(today)}",
        source, "month",
    )


# ---------------------------------------------------------------- contacts


def check_contact_date(contacted_on: date, month: date, registered_on: date, today: date, source: str
                       ) -> RuleResult:
    """FU-CONTACT-DATE: a contact is dated inside its entry's month, not before the registration and not
    in the future."""
    first = max(month, registered_on)
    last = min(month_end(month), today)
    met = first <= contacted_on <= last
    if met:
        why = f"contact date {contacted_on} lies in {month_text(month)} and not after today {today}"
        why_zh = f"联系日期{date_zh(contacted_on)}在{month_zh(month)}内且不晚于今天（{date_zh(today)}）"
    elif contacted_on > today:
        why = f"contact date {contacted_on} is after today {today}"
        why_zh = f"联系日期{date_zh(contacted_on)}晚于今天（{date_zh(today)}）"
    elif contacted_on < registered_on and contacted_on >= month:
        why = f"contact date {contacted_on} is before the registration on {registered_on}"
        why_zh = f"联系日期{date_zh(contacted_on)}早于登记日期{date_zh(registered_on)}"
    else:
        why = f"contact date {contacted_on} lies outside the entry's month {month_text(month)}"
        why_zh = f"联系日期{date_zh(contacted_on)}不在台账月份{month_zh(month)}内"
    return RuleResult("FU-CONTACT-DATE", met, why, why_zh, source, "contacted_on")


def check_outcome_recorded(result: str, employment_status: str | None, source: str) -> RuleResult:
    """FU-OUTCOME: a reached contact records the person's employment status."""
    met = result != "reached" or employment_status is not None
    return RuleResult(
        "FU-OUTCOME", met,
        "a reached contact records the employment status" if met
        else "result reached needs employment_status",
        "已联系上的须记录就业状态" if met else "联系结果为已联系上时须填写就业状态",
        source, "employment_status",
    )


def check_income(employment_status: str | None, monthly_income_fen: int | None, minimum_fen: int,
                 minimum_source: str, deregistration_source: str) -> RuleResult | None:
    """DEREG-INCOME: stable_income holds only with a monthly income at least the region's minimum living
    standard; None for any other status. Cites the region's deregistration clause and the standard's source."""
    if employment_status != "stable_income":
        return None
    source = f"{deregistration_source}; {minimum_source}"
    if monthly_income_fen is None:
        return RuleResult(
            "DEREG-INCOME", False,
            f"stable_income needs monthly_income_fen to compare with the minimum living standard {minimum_fen} fen",
            f"稳定收入须填写月收入，以与最低生活保障标准{yuan(minimum_fen)}比较", source, "monthly_income_fen",
        )
    met = monthly_income_fen >= minimum_fen
    return RuleResult(
        "DEREG-INCOME", met,
        f"monthly income {monthly_income_fen} fen is {'at least' if met else 'below'} the minimum living "
        f"standard {minimum_fen} fen",
        f"月收入{yuan(monthly_income_fen)}{'不低于' if met else '低于'}最低生活保障标准{yuan(minimum_fen)}",
        source, "monthly_income_fen",
    )


@dataclass(frozen=True, slots=True)
class DeregistrationRequest:
    """A deregistration the follow-up asks the registration service for, with the rule and why."""

    reason: str
    effective_date: date
    rule: str
    why: str
    why_zh: str
    source: str


def outcome_deregistration(employment_status: str | None, contacted_on: date, source: str,
                           rule: str = "FU-OUTCOME") -> DeregistrationRequest | None:
    """FU-OUTCOME: a status that is a deregistration reason requests that deregistration, effective on the
    contact date; `unemployed` (or none) requests nothing. `source` is the region's followup_outcome clause,
    or its followup_data_match clause for FU-DATA-MATCH."""
    if employment_status not in DEREGISTRATION_STATUSES:
        return None
    return DeregistrationRequest(
        employment_status, contacted_on, rule,
        f"{rule}: the contact on {contacted_on} found the person {employment_status}: "
        f"deregistration {employment_status} effective {contacted_on}",
        f"{rule}：{date_zh(contacted_on)}联系发现本人“{code_zh('EmploymentStatus', employment_status)}”，"
        f"申请以该原因注销，{date_zh(contacted_on)}生效",
        source,
    )


def entry_status_after(current: str, result: str) -> EntryStatus:
    """Returns an open entry's status after a contact: reached (or refusing, so reached) makes it contacted,
    a failed attempt makes a pending entry attempted; contacted stays contacted."""
    if current == EntryStatus.CONTACTED or result in ("reached", "refused"):
        return EntryStatus.CONTACTED
    return EntryStatus.ATTEMPTED


# ---------------------------------------------------------------- FU-REFUSAL


class ServiceResponse(StrEnum):
    """How a person answered one offer of public employment services, as FU-REFUSAL counts it."""

    ACCEPTED = "accepted"  # a reached contact without refusal, an accepted service: resets the count
    REFUSED_JUSTIFIED = "refused_justified"  # resets the count
    REFUSED_UNJUSTIFIED = "refused_unjustified"  # counts
    NEUTRAL = "neutral"  # an unreachable attempt: neither counts nor resets


@dataclass(frozen=True, slots=True)
class ServiceEvent:
    """One offer and its answer, on a day: a monthly contact or the outcome of a job recommendation."""

    on: date
    response: ServiceResponse


def contact_response(result: str, refusal_justified: bool) -> ServiceResponse:
    """Returns how FU-REFUSAL counts a contact."""
    if result == "refused":
        return ServiceResponse.REFUSED_JUSTIFIED if refusal_justified else ServiceResponse.REFUSED_UNJUSTIFIED
    if result == "reached":
        return ServiceResponse.ACCEPTED
    return ServiceResponse.NEUTRAL


def recommendation_response(result: str, declined_justified: bool) -> ServiceResponse:
    """Returns how FU-REFUSAL counts the outcome of a job recommendation: a decline without good reason counts,
    one with good reason resets, and taking the recommendation up (interviewed, hired, not hired) is an
    accepted service, which resets too."""
    if result == "declined":
        return ServiceResponse.REFUSED_JUSTIFIED if declined_justified else ServiceResponse.REFUSED_UNJUSTIFIED
    return ServiceResponse.ACCEPTED


def refusal_deregistration(events: Iterable[ServiceEvent], threshold: int, source: str
                           ) -> DeregistrationRequest | None:
    """FU-REFUSAL: `threshold` consecutive unjustified refusals, in date order, request deregistration
    refused_services effective on the last of them; an acceptance or a justified refusal resets the count.
    `source` is the region's deregistration clause."""
    run: list[date] = []
    for event in sorted(events, key=lambda e: e.on):
        if event.response is ServiceResponse.REFUSED_UNJUSTIFIED:
            run.append(event.on)
            if len(run) >= threshold:
                days = ", ".join(d.isoformat() for d in run[-threshold:])
                days_zh = "、".join(date_zh(d) for d in run[-threshold:])
                return DeregistrationRequest(
                    "refused_services", run[-1], "FU-REFUSAL",
                    f"FU-REFUSAL: {threshold} consecutive unjustified refusals of public employment services ({days}): "
                    f"deregistration refused_services effective {run[-1]}",
                    f"FU-REFUSAL：连续{threshold}次无正当理由拒绝公共就业服务（{days_zh}），申请注销，"
                    f"{date_zh(run[-1])}生效",
                    source,
                )
        elif event.response is not ServiceResponse.NEUTRAL:
            run = []
    return None


# ---------------------------------------------------------------- FU-UNREACHABLE


def unreachable_deregistration(closed_months: Sequence[tuple[date, str]], month: date, months_needed: int,
                               source: str) -> DeregistrationRequest | None:
    """FU-UNREACHABLE: `months_needed` consecutive closed months ending with `month` in state unreachable
    request deregistration unreachable, effective the last day of the last of them; a missed month (the
    agency did not try) or a gap breaks the run. The close job runs the same test in SQL. `source` is the
    region's deregistration clause."""
    states = dict(closed_months)
    for back in range(months_needed):
        if states.get(add_months(month, -back)) != EntryStatus.UNREACHABLE:
            return None
    first = add_months(month, -(months_needed - 1))
    return DeregistrationRequest(
        "unreachable", month_end(month), "FU-UNREACHABLE",
        f"FU-UNREACHABLE: unreachable in {months_needed} consecutive closed months {month_text(first)} to "
        f"{month_text(month)}: deregistration unreachable effective {month_end(month)}",
        f"FU-UNREACHABLE：{month_zh(first)}至{month_zh(month)}连续{months_needed}个月无法取得联系，申请注销，"
        f"{date_zh(month_end(month))}生效",
        source,
    )


# ---------------------------------------------------------------- FU-DATA-MATCH

# Which reference records say what about a person (registration service's sources and kinds), the
# strongest first: a death outranks a pension, a pension an employment, an employment a business.
MATCH_STATUS: tuple[tuple[str, str], ...] = (
    ("death", "deceased"),
    ("pension", "pension"),
    ("employment_contribution", "hired"),
    ("employment_filing", "hired"),
    ("business_owner", "self_employed"),
)
MATCH_KINDS = tuple(kind for kind, _ in MATCH_STATUS)


def data_match_status(kinds: Iterable[str]) -> str:
    """FU-DATA-MATCH: the employment status the reference data shows (the strongest matching record), or
    `unemployed` when nothing matches: the data confirms the person is still unemployed."""
    found = set(kinds)
    for kind, status in MATCH_STATUS:
        if kind in found:
            return status
    return "unemployed"
