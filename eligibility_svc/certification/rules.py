"""DIFF-* rules of the certification workflow as plain functions: step deadlines, the notice window, the
re-review window, registration facts over declared ones, exits, quarters and screening (rules.md)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Final

from eligibility_svc.certification.models import ExitReason
from eligibility_svc.difficulty.materials import Material
from eligibility_svc.difficulty.rules import CategoryFacts, DeclaredStatus, DifficultyCategory
from shared.calendar import WorkdayCalendar
from shared.codes import is_ascii_digits
from shared.deadlines import Deadline, count_deadline
from shared.explain import RuleResult
from shared.labels import code_zh
from shared.policy import PolicyPack
from shared.wording import date_zh

SOURCE_WORKFLOW: Final = "shaoguan-plan 六(四); qingxin-difficulty-plan 三(二)"
SOURCE_EXIT: Final = "qingxin-difficulty-plan 三(三)3"
SOURCE_QUARTERLY: Final = "qingxin-difficulty-plan 三(三)2"
SOURCE_SCREENING: Final = "qingxin-difficulty-plan 三(一)"


def _int_param(pack: PolicyPack, name: str, on: date) -> tuple[int, str]:
    parameter = pack.param(name, on)
    if not isinstance(parameter.value, int):
        raise TypeError(f"{pack.id}: {name} must be an integer, got {parameter.value!r}")
    return parameter.value, parameter.source


# ---- DIFF-MATERIALS ---------------------------------------------------------------------------------


def missing_materials(required: Sequence[Material], provided: Iterable[str]) -> list[Material]:
    """Returns every required material not provided, all at once and nothing else (DIFF-MATERIALS)."""
    given = set(provided)
    return [material for material in required if material.code not in given]


# ---- deadlines --------------------------------------------------------------------------------------


def preliminary_due(complete_on: date, pack: PolicyPack, calendar: WorkdayCalendar) -> Deadline:
    """DIFF-PRELIMINARY: the town reviews within difficulty_preliminary_workdays of a complete application."""
    workdays, source = _int_param(pack, "difficulty_preliminary_workdays", complete_on)
    return count_deadline("DIFF-PRELIMINARY", complete_on, workdays, source, calendar)


@dataclass(frozen=True, slots=True)
class NoticeWindow:
    """The public notice (DIFF-NOTICE): first and last day, both inclusive."""

    start: date
    end: date
    workdays: int
    estimated: bool
    source: str


def notice_window(reviewed_on: date, pack: PolicyPack, calendar: WorkdayCalendar) -> NoticeWindow:
    """DIFF-NOTICE: difficulty_notice_workdays working days from the working day after the preliminary review,
    counting that day as the first."""
    workdays, source = _int_param(pack, "difficulty_notice_workdays", reviewed_on)
    start = calendar.next_workday(reviewed_on)
    end = calendar.add_workdays(start.due, max(workdays - 1, 0))
    return NoticeWindow(start.due, end.due, workdays, start.estimated or end.estimated, source)


def review_due(notice_end: date, pack: PolicyPack, calendar: WorkdayCalendar) -> Deadline:
    """DIFF-REVIEW: the district decides within difficulty_review_workdays of the notice's end (or of a
    re-review request)."""
    workdays, source = _int_param(pack, "difficulty_review_workdays", notice_end)
    return count_deadline("DIFF-REVIEW", notice_end, workdays, source, calendar)


@dataclass(frozen=True, slots=True)
class RereviewWindow:
    """Until when a rejected applicant may ask for re-review (DIFF-REJECTION)."""

    by: date
    days: int
    estimated: bool
    source: str


def rereview_window(issued_on: date, pack: PolicyPack, calendar: WorkdayCalendar) -> RereviewWindow:
    """DIFF-REJECTION: difficulty_rereview_days calendar days after the notice is issued (the start day not
    counted); a last day that is not a working day moves to the next working day (T-PERIOD in days)."""
    days, source = _int_param(pack, "difficulty_rereview_days", issued_on)
    end = calendar.next_workday(issued_on + timedelta(days=days), inclusive=True)
    return RereviewWindow(end.due, days, end.estimated, source)


def objection_in_window(received_on: date, window_start: date, window_end: date, source: str) -> RuleResult:
    """DIFF-NOTICE: objections are received only inside the notice window."""
    day, start, end = received_on.isoformat(), window_start.isoformat(), window_end.isoformat()
    day_zh, start_zh, end_zh = date_zh(received_on), date_zh(window_start), date_zh(window_end)
    if window_start <= received_on <= window_end:
        return RuleResult("DIFF-NOTICE", True, f"received {day}, inside the notice {start}..{end}",
                          f"{day_zh}收到，在公示期{start_zh}至{end_zh}内", source, "received_on")
    return RuleResult("DIFF-NOTICE", False, f"received {day}, outside the notice {start}..{end}",
                      f"{day_zh}收到，不在公示期{start_zh}至{end_zh}内", source, "received_on")


def notice_over(decided_on: date, window_end: date, source: str) -> RuleResult:
    """DIFF-NOTICE: the district decides only after the notice's last day."""
    day, end = decided_on.isoformat(), window_end.isoformat()
    if decided_on > window_end:
        return RuleResult("DIFF-NOTICE", True, f"the notice ended {end}, before {day}",
                          f"公示期已于{date_zh(window_end)}结束", source, "decided_on")
    return RuleResult("DIFF-NOTICE", False, f"the notice runs until {end}; no decision on {day}",
                      f"公示期至{date_zh(window_end)}结束，{date_zh(decided_on)}不能作出认定决定", source,
                      "decided_on")


def rereview_in_time(requested_on: date, rereview_by: date, source: str) -> RuleResult:
    """DIFF-REREVIEW-WINDOW: a re-review request after the window is refused."""
    day, by = requested_on.isoformat(), rereview_by.isoformat()
    if requested_on <= rereview_by:
        return RuleResult("DIFF-REREVIEW-WINDOW", True, f"requested {day}, within the window ending {by}",
                          f"{date_zh(requested_on)}申请复核，在{date_zh(rereview_by)}截止的期限内", source,
                          "requested_on")
    return RuleResult("DIFF-REREVIEW-WINDOW", False, f"requested {day}, after the window ended {by}",
                      f"{date_zh(requested_on)}申请复核，已超过{date_zh(rereview_by)}截止的复核期限", source,
                      "requested_on")


def is_overdue(due: date | None, done_on: date | None, today: date) -> bool:
    """Tells whether a step that is not done is past its due date (the due date itself is on time)."""
    return due is not None and done_on is None and today > due


# ---- registration facts over declared ones ----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RegistrationFact:
    """One registration of the person as the registration service holds it."""

    registration_id: str
    status: str
    registered_on: date | None
    deregistration_reason: str | None
    deregistration_effective_date: date | None


# Deregistration reasons meaning the person found work (registration's DeregistrationReason).
EMPLOYED_REASONS: Final = frozenset({"hired", "self_employed", "stable_income"})


@dataclass(frozen=True, slots=True)
class FactUsed:
    """Which value of a fact the evaluation used, declared or registered, and why."""

    fact: str
    declared: object
    registered: object
    used: str
    reason: str
    reason_zh: str


@dataclass(frozen=True, slots=True)
class MergedFacts:
    """Facts and status for the evaluation after the registration service's facts won over declared ones."""

    facts: CategoryFacts
    status: DeclaredStatus
    used: tuple[FactUsed, ...]


def merge_registration_facts(
    declared_facts: CategoryFacts, declared_status: DeclaredStatus, registrations: Sequence[RegistrationFact]
) -> MergedFacts:
    """Applies what the registration service holds (latest registration date, employed since, current
    status) over what the applicant declared; each fact says which value was used."""
    dated = sorted((r for r in registrations if r.registered_on is not None), key=lambda r: r.registered_on or date.min)
    used: list[FactUsed] = []
    facts, status = declared_facts, declared_status
    if not dated:
        used.append(FactUsed(
            "latest_registration_date", _iso(declared_facts.latest_registration_date), None, "declared",
            "the registration service holds no registration of this person: the declared value is used",
            "登记服务中无该人员的失业登记记录，采用申报值",
        ))
        return MergedFacts(facts, status, tuple(used))
    latest = dated[-1]
    employed = latest.status == "deregistered" and (latest.deregistration_reason or "") in EMPLOYED_REASONS
    valid = latest.status == "registered"
    registered_on = latest.registered_on
    facts = _replace_facts(declared_facts, registered_on, employed)
    used.append(FactUsed(
        "latest_registration_date", _iso(declared_facts.latest_registration_date), _iso(registered_on),
        "registration",
        f"the registration service's latest registration {latest.registration_id} on {_iso(registered_on)} is used",
        f"采用登记服务中最近一次失业登记（{date_zh(registered_on) if registered_on else '无'}）",
    ))
    used.append(FactUsed(
        "employed_since_latest_registration", declared_facts.employed_since_latest_registration, employed,
        "registration",
        f"the latest registration is {latest.status}"
        + (f" ({latest.deregistration_reason})" if latest.deregistration_reason else ""),
        f"最近一次失业登记状态为“{code_zh('RegistrationStatus', latest.status)}”"
        + (f"（{code_zh('DeregistrationReason', latest.deregistration_reason)}）"
           if latest.deregistration_reason else ""),
    ))
    if valid or employed:
        unemployed = valid
        status = DeclaredStatus(unemployed, declared_status.able_to_work, declared_status.wants_work)
        used.append(FactUsed(
            "unemployed", declared_status.unemployed, unemployed, "registration",
            "registered as unemployed now" if valid else "deregistered because employed",
            "当前为登记失业人员" if valid else "已因就业注销失业登记",
        ))
    return MergedFacts(facts, status, tuple(used))


def _replace_facts(facts: CategoryFacts, registered_on: date | None, employed: bool) -> CategoryFacts:
    return replace(facts, latest_registration_date=registered_on, employed_since_latest_registration=employed)


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


# ---- DIFF-EXIT --------------------------------------------------------------------------------------

# registration.deregistered reasons that end a certification automatically, and the exit reason recorded.
AUTOMATIC_EXITS: Final[dict[str, ExitReason]] = {
    "hired": ExitReason.EMPLOYED,
    "self_employed": ExitReason.EMPLOYED,
    "stable_income": ExitReason.EMPLOYED,
    "pension": ExitReason.RETIREMENT,
    "deceased": ExitReason.DECEASED,
    "imprisoned": ExitReason.SENTENCED,
}


def exit_for_deregistration(reason: str) -> ExitReason | None:
    """DIFF-EXIT: the exit reason a deregistration brings about, or None when it does not end the status."""
    return AUTOMATIC_EXITS.get(reason)


# ---- DIFF-QUARTERLY ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Quarter:
    """A quarter `YYYY-Qn`: its first day and the day the towns report by (end of its first month)."""

    code: str
    first_day: date
    report_due: date


def parse_quarter(code: str) -> Quarter | None:
    """Returns the quarter of a `YYYY-Qn` code, or None when the code is not one."""
    if len(code) != 7 or code[4:6] != "-Q" or not is_ascii_digits(code[:4]) or code[6] not in "1234":
        return None
    year, number = int(code[:4]), int(code[6])
    if year < 2000:
        return None
    first = date(year, 3 * number - 2, 1)
    next_month = date(year + (first.month == 12), first.month % 12 + 1, 1)
    return Quarter(code, first, next_month - timedelta(days=1))


def quarter_of(day: date) -> str:
    """Returns the `YYYY-Qn` code of the quarter holding a day."""
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


# ---- DIFF-SCREENING ---------------------------------------------------------------------------------

# The categories the registration data can show (age, registered a year, disability, veteran registered
# 6 months); the others need the person's own documents.
SCREENING_CATEGORIES: Final = frozenset({
    DifficultyCategory.OLDER_UNEMPLOYED,
    DifficultyCategory.LONG_TERM_UNEMPLOYED,
    DifficultyCategory.DISABLED,
    DifficultyCategory.SUBSISTENCE_ALLOWANCE,
    DifficultyCategory.RETIRED_SOLDIER,
})
