"""FU-TIER: what each tier of assistance requires, by when, and whether the services recorded meet it.

Each requirement cites the clause of its tier in the policy pack of the person's region
(PolicyPack.citation("assistance_tier1" … "assistance_tier3")): the Shaoguan plan's three tiers (六(五)) in
Guangdong, the Gansu notice's priority help (四(五)) in Gansu. requirements takes them as `citations`."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Final, Literal

from shared.calendar import WorkdayCalendar
from shared.deadlines import Deadline, count_deadline
from shared.timerules import period_end
from shared.wording import date_zh

RULE_ID: Final = "FU-TIER"
# A region's clause of a citation name (PolicyPack.citation of the person's pack).
Citations = Callable[[str], str]

# Tier I (before certification): the basic assistance, counted once each (三个岗位推荐: three).
TIER1_REQUIRED: Final = (("career_guidance", 1), ("policy_list", 1), ("service_list", 1), ("job_recommendation", 3))
TIER2_FURTHER_RECOMMENDATIONS: Final = 3
# Escalation to Tier III is for persons for whom age or disability makes work especially hard (001 §六(五)).
TIER3_GROUNDS: Final = ("age", "disability")

_KIND_ZH: Final = {
    "career_guidance": "职业指导",
    "policy_list": "政策清单",
    "service_list": "服务清单",
    "job_recommendation": "岗位推荐",
    "training_referral": "职业培训推介",
    "entrepreneurship_service": "创业服务",
    "personal_plan": "一人一策援助计划",
}
Status = Literal["met", "open", "overdue"]
_STATUS_ZH: Final = {"met": "已完成", "open": "进行中", "overdue": "已逾期"}


@dataclass(frozen=True, slots=True)
class AssistanceFacts:
    """A person's assistance as stored: the tiers reached, when each began and is due, and their wishes."""

    tier: str | None
    tier1_started_on: date | None
    tier1_due_on: date | None
    tier2_started_on: date | None
    tier2_due_on: date | None
    tier3_started_on: date | None
    tier3_plan_due_on: date | None
    wants_training: bool
    wants_entrepreneurship: bool


@dataclass(frozen=True, slots=True)
class Delivery:
    """A service recorded: its kind and the day it was given."""

    kind: str
    delivered_on: date


@dataclass(frozen=True, slots=True)
class Requirement:
    """One counted service a tier requires: how many, how many given, by when, and where it stands."""

    tier: str
    kind: str
    required: int
    delivered: int
    due_on: date
    status: Status
    rule: str
    reason: str
    reason_zh: str
    source: str


def requirement_status(required: int, delivered: int, due_on: date, today: date) -> Status:
    """Met once enough were given; otherwise open up to and on the due date, overdue after it."""
    if delivered >= required:
        return "met"
    return "overdue" if today > due_on else "open"


_ROMAN: Final = {"I": "Ⅰ", "II": "Ⅱ", "III": "Ⅲ"}


def _requirement(tier: str, kind: str, required: int, delivered: int, due_on: date, today: date,
                 since: date, source: str) -> Requirement:
    status = requirement_status(required, delivered, due_on, today)
    zh = _KIND_ZH.get(kind, kind)
    return Requirement(
        tier, kind, required, delivered, due_on, status, RULE_ID,
        f"{RULE_ID} tier {tier}: {required} {kind} from {since.isoformat()} by {due_on.isoformat()}; "
        f"{delivered} given, so {status}; source {source}.",
        f"{RULE_ID} {_ROMAN.get(tier, tier)}级帮扶：自{date_zh(since)}起应于{date_zh(due_on)}前"
        f"提供{zh}{required}次，"
        f"已提供{delivered}次（{_STATUS_ZH[status]}）；依据{source}。",
        source,
    )


def requirements(facts: AssistanceFacts, deliveries: Sequence[Delivery], today: date, citations: Citations
                 ) -> list[Requirement]:
    """Returns every requirement of the tiers the person has reached, counted from the services recorded
    (FU-TIER), each citing its tier's clause from `citations` (the region's pack). Nothing is required once
    the assistance has ended (tier None).

    Counting: a service counts for a tier when given on or after the day that tier began. Job
    recommendations fill Tier I's three first, in date order; Tier II's three further ones are those left
    that were given on or after certification. Training and entrepreneurship services, due in Tier II
    when the survey says the person wants them, count from the start of the assistance."""
    if facts.tier is None:
        return []
    result: list[Requirement] = []
    starts = [d for d in (facts.tier1_started_on, facts.tier2_started_on) if d is not None]
    recommendations = sorted(d.delivered_on for d in deliveries if d.kind == "job_recommendation")
    used_by_tier1: list[date] = []
    if facts.tier1_started_on is not None and facts.tier1_due_on is not None:
        start1 = facts.tier1_started_on
        for kind, required in TIER1_REQUIRED:
            if kind == "job_recommendation":
                used_by_tier1 = [d for d in recommendations if d >= start1][:required]
                given = len(used_by_tier1)
            else:
                given = sum(1 for d in deliveries if d.kind == kind and d.delivered_on >= start1)
            result.append(_requirement("I", kind, required, given, facts.tier1_due_on, today, start1,
                                       citations("assistance_tier1")))
    if facts.tier2_started_on is not None and facts.tier2_due_on is not None:
        start2 = facts.tier2_started_on
        remaining = list(recommendations)
        for used in used_by_tier1:
            remaining.remove(used)
        further = sum(1 for d in remaining if d >= start2)
        result.append(_requirement("II", "job_recommendation", TIER2_FURTHER_RECOMMENDATIONS, further,
                                   facts.tier2_due_on, today, start2, citations("assistance_tier2")))
        assistance_start = min(starts)
        for wanted, kind in ((facts.wants_training, "training_referral"),
                             (facts.wants_entrepreneurship, "entrepreneurship_service")):
            if wanted:
                given = sum(1 for d in deliveries if d.kind == kind and d.delivered_on >= assistance_start)
                result.append(_requirement("II", kind, 1, given, facts.tier2_due_on, today, assistance_start,
                                           citations("assistance_tier2")))
    if facts.tier3_started_on is not None and facts.tier3_plan_due_on is not None:
        start3 = facts.tier3_started_on
        given = sum(1 for d in deliveries if d.kind == "personal_plan" and d.delivered_on >= start3)
        result.append(_requirement("III", "personal_plan", 1, given, facts.tier3_plan_due_on, today, start3,
                                   citations("assistance_tier3")))
    return result


def tier2_due(certified_on: date, months: int, source: str, calendar: WorkdayCalendar) -> tuple[date, bool, str]:
    """Returns when Tier II's further recommendations are due: `tier2_due_months` after certification
    (T-PERIOD, moved off a rest day), whether that was estimated, and the source."""
    due = period_end(certified_on, months, calendar)
    return due.due, due.estimated, f"{RULE_ID}: tier2_due_months = {months} ({source})"


def tier3_plan_due(started_on: date, workdays: int, source: str, calendar: WorkdayCalendar) -> Deadline:
    """Returns when the personal plan (一人一策) is due: `tier3_plan_workdays` working days after Tier III began."""
    return count_deadline(RULE_ID, started_on, workdays, f"tier3_plan_workdays = {workdays} ({source})", calendar)
