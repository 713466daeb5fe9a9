"""Assistance use cases (FU-TIER): tiers started and ended by the certification events, a caseworker's tier
change, the requirements counted from the services recorded, and the daily report of overdue ones."""

from __future__ import annotations

import logging
import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func
from sqlalchemy.ext.asyncio import AsyncSession

from followup_svc.assistance import repository
from followup_svc.assistance.errors import TierChangeNotAllowed, TierNotSettable, TierReasonRequired
from followup_svc.assistance.models import Assistance, Tier
from followup_svc.assistance.rules import (
    RULE_ID,
    AssistanceFacts,
    Delivery,
    Requirement,
    requirements,
    tier2_due,
    tier3_plan_due,
)
from followup_svc.assistance.schemas import AssistanceRead, RequirementRead, TierPut
from followup_svc.person.service import require_person
from followup_svc.revisit.service import schedule_revisits
from followup_svc.service_record.models import ServiceRecord
from followup_svc.survey.models import PersonSurvey
from shared.auth import Principal
from shared.calendar import WorkdayCalendar
from shared.errors import Violation
from shared.events import DifficultyApplicationSubmitted, DifficultyCertified, DifficultyDecided, DifficultyEnded
from shared.policy import PolicyRegistry
from shared.regions import region_prefix

logger = logging.getLogger(__name__)

EVENT_ACTOR = "eligibility"
# Persons per page of the daily overdue job: one transaction each, so a province's assisted persons never sit
# in one transaction or one IN list.
OVERDUE_PAGE = 1000
# DIFF-EXIT reasons that mean the person found work: their revisits start (FU-REVISIT).
EMPLOYED_REASONS = frozenset({"employed"})


def _reset(row: Assistance) -> None:
    for name in ("application_id", "tier1_started_on", "tier1_due_on", "certification_id", "tier2_started_on",
                 "tier2_due_on", "tier2_due_months", "tier2_due_source", "tier2_due_estimated", "tier3_started_on",
                 "tier3_plan_due_on", "tier3_plan_workdays", "tier3_plan_due_source", "tier3_plan_due_estimated",
                 "ended_on", "end_reason", "overdue_flagged_on"):
        setattr(row, name, None)


def _start_tier3(row: Assistance, started_on: date, policy: PolicyRegistry, calendar: WorkdayCalendar) -> None:
    parameter = policy.for_region(row.agency_region_code).param("tier3_plan_workdays", started_on)
    due = tier3_plan_due(started_on, int(parameter.value), parameter.source, calendar)
    row.tier3_started_on, row.tier3_plan_due_on, row.tier3_plan_workdays = started_on, due.due_on, due.workdays
    row.tier3_plan_due_source, row.tier3_plan_due_estimated = due.source, due.estimated


async def start_tier1(session: AsyncSession, event: DifficultyApplicationSubmitted) -> Assistance:
    """Starts Tier I for a difficulty application, due by its certification due date (FU-TIER); a person whose
    assistance ended starts a new one, a person already certified keeps their tier."""
    await repository.lock_person(session, event.person_id)
    row = await repository.get(session, event.person_id)
    reason = (
        f"{RULE_ID}: difficulty application {event.application_id} submitted on {event.submitted_on.isoformat()}; "
        f"Tier I until its decision, due by the certification due date {event.certification_due.isoformat()}"
    )
    if row is None:
        row = Assistance(person_id=event.person_id, agency_region_code=event.agency_region_code)
        session.add(row)
    elif row.tier is not None and row.tier1_started_on is not None:
        logger.info("assistance already running; application noted", extra={"person_id": str(event.person_id)})
        return row
    if row.tier is None:
        _reset(row)
        row.tier, row.since, row.tier_reason, row.tier_changed_by = Tier.I, event.submitted_on, reason, EVENT_ACTOR
        row.agency_region_code = event.agency_region_code
    row.application_id = event.application_id
    row.tier1_started_on, row.tier1_due_on = event.submitted_on, event.certification_due
    row.updated_at = func.now()
    await session.flush()
    return row


async def certify(
    session: AsyncSession, event: DifficultyCertified, policy: PolicyRegistry, calendar: WorkdayCalendar
) -> Assistance:
    """Moves a certified person to Tier II or III from the certification date (FU-TIER): Tier II's further
    recommendations due `tier2_due_months` later, Tier III's personal plan `tier3_plan_workdays` later."""
    await repository.lock_person(session, event.person_id)
    row = await repository.get(session, event.person_id)
    if row is None:
        row = Assistance(person_id=event.person_id, agency_region_code=event.agency_region_code)
        session.add(row)
    elif row.tier is None:
        keep = row.application_id == event.application_id
        tier1 = (row.tier1_started_on, row.tier1_due_on) if keep else (None, None)
        _reset(row)
        row.tier1_started_on, row.tier1_due_on = tier1
    tier = Tier.III if event.tier == 3 else Tier.II
    pack = policy.for_region(event.agency_region_code)
    months = pack.param("tier2_due_months", event.certified_on)
    row.tier2_due_on, row.tier2_due_estimated, row.tier2_due_source = tier2_due(
        event.certified_on, int(months.value), months.source, calendar
    )
    row.tier2_started_on, row.tier2_due_months = event.certified_on, int(months.value)
    if tier is Tier.III:
        _start_tier3(row, event.certified_on, policy, calendar)
    row.agency_region_code = event.agency_region_code
    row.application_id, row.certification_id = event.application_id, event.certification_id
    row.tier, row.since, row.tier_changed_by = tier, event.certified_on, EVENT_ACTOR
    row.tier_reason = (
        f"{RULE_ID}: certified on {event.certified_on.isoformat()} (certification {event.certification_id}, "
        f"categories {', '.join(event.categories) or '-'}) at tier {tier.value}"
    )
    row.ended_on, row.end_reason = None, None
    row.updated_at = func.now()
    await session.flush()
    return row


async def decided(session: AsyncSession, event: DifficultyDecided) -> bool:
    """Ends Tier I when the application it belongs to is rejected; returns whether it ended one."""
    if event.certified:
        return False
    await repository.lock_person(session, event.person_id)
    row = await repository.get(session, event.person_id)
    if row is None or row.tier is not Tier.I or row.application_id != event.application_id:
        return False
    row.tier, row.ended_on, row.end_reason = None, event.decided_on, "not_certified"
    row.updated_at = func.now()
    await session.flush()
    return True


async def end(
    session: AsyncSession, event: DifficultyEnded, policy: PolicyRegistry, calendar: WorkdayCalendar
) -> bool:
    """Ends the tiers when the certification ends (DIFF-EXIT); for employment, schedules the revisits from the
    end date (FU-REVISIT). Returns whether a running assistance ended."""
    await repository.lock_person(session, event.person_id)
    row = await repository.get(session, event.person_id)
    ended = False
    if row is not None and row.tier is not None and row.certification_id in (None, event.certification_id):
        row.tier, row.ended_on, row.end_reason = None, event.ended_on, event.reason[:40]
        row.updated_at = func.now()
        await session.flush()
        ended = True
    if row is not None and event.reason in EMPLOYED_REASONS:
        await schedule_revisits(session, event.person_id, event.ended_on, policy, calendar)
    return ended


async def set_tier(
    session: AsyncSession, principal: Principal, person_id: uuid.UUID, body: TierPut, today: date,
    policy: PolicyRegistry, calendar: WorkdayCalendar,
) -> Assistance:
    """A caseworker moves a certified person between Tier II and III, saying why (escalation to III for age or
    disability makes the personal plan due `tier3_plan_workdays` from today)."""
    await require_person(session, principal, person_id, RULE_ID)
    if not body.reason.strip():
        raise TierReasonRequired(
            "A tier change needs a reason.", "调整帮扶等级须说明理由。",
            [Violation(RULE_ID, "reason", "reason is empty", "未填写理由")],
        )
    if body.tier is Tier.I:
        raise TierNotSettable(
            "Tier I starts with a difficulty application; it cannot be set by hand.",
            "Ⅰ级帮扶随就业困难人员认定申请开始，不能手工设置。",
            [Violation(RULE_ID, "tier", "tier I is set by the application", "Ⅰ级帮扶由认定申请触发")],
        )
    await repository.lock_person(session, person_id)
    row = await repository.get(session, person_id)
    if row is None or row.tier not in (Tier.II, Tier.III):
        state = "no assistance" if row is None else ("ended" if row.tier is None else "tier I, not yet certified")
        state_zh = "未在帮扶" if row is None else ("帮扶已结束" if row.tier is None else "Ⅰ级帮扶，尚未认定")
        raise TierChangeNotAllowed(
            f"Tiers II and III are for certified persons with running assistance; this person has {state}.",
            "Ⅱ级、Ⅲ级帮扶仅适用于已认定且帮扶进行中的就业困难人员。",
            [Violation(RULE_ID, "tier", f"assistance: {state}", f"帮扶状态：{state_zh}")],
        )
    if row.tier is body.tier:
        return row
    ground = f" ({body.ground})" if body.ground else ""
    if body.tier is Tier.III:
        _start_tier3(row, today, policy, calendar)
    else:
        row.tier3_started_on = row.tier3_plan_due_on = row.tier3_plan_workdays = None
        row.tier3_plan_due_source = row.tier3_plan_due_estimated = None
    row.tier, row.since = body.tier, today
    row.tier_reason = f"{RULE_ID}: set to tier {body.tier.value} by {principal.sub}{ground}: {body.reason.strip()}"
    row.tier_changed_by = principal.sub
    row.updated_at = func.now()
    await session.flush()
    return row


def facts_of(row: Assistance, survey: PersonSurvey | None) -> AssistanceFacts:
    """Returns the plain facts the FU-TIER rule reads from a row and the person's survey."""
    answers = survey.answers if survey is not None else {}
    return AssistanceFacts(
        tier=row.tier.value if row.tier else None, tier1_started_on=row.tier1_started_on,
        tier1_due_on=row.tier1_due_on, tier2_started_on=row.tier2_started_on, tier2_due_on=row.tier2_due_on,
        tier3_started_on=row.tier3_started_on, tier3_plan_due_on=row.tier3_plan_due_on,
        wants_training=bool(answers.get("wants_training")),
        wants_entrepreneurship=bool(answers.get("wants_entrepreneurship")),
    )


def _deliveries(records: list[ServiceRecord]) -> list[Delivery]:
    return [Delivery(record.kind.value, record.delivered_on) for record in records]


def _requirement_read(requirement: Requirement) -> RequirementRead:
    return RequirementRead(
        tier=Tier(requirement.tier), kind=requirement.kind, required=requirement.required,
        delivered=requirement.delivered, due_on=requirement.due_on,
        status=requirement.status,
        reason=requirement.reason, reason_zh=requirement.reason_zh, source=requirement.source,
    )


async def to_read(session: AsyncSession, person_id: uuid.UUID, row: Assistance | None, today: date,
                  policy: PolicyRegistry) -> AssistanceRead:
    """Returns a person's assistance with its requirements counted today, citing the pack of the person's
    region; no tier when none has started."""
    if row is None:
        return AssistanceRead(
            person_id=str(person_id), tier=None, since=None, tier_reason=None, ended_on=None, end_reason=None,
            priority_public_welfare_post=False, requirements=[],
        )
    surveys = await repository.surveys_of(session, [person_id])
    records = list(await repository.deliveries_of(session, [person_id]))
    found = requirements(facts_of(row, surveys[0] if surveys else None), _deliveries(records), today,
                         policy.for_region(row.agency_region_code).citation)
    return AssistanceRead(
        person_id=str(person_id), tier=row.tier, since=row.since, tier_reason=row.tier_reason,
        ended_on=row.ended_on, end_reason=row.end_reason, priority_public_welfare_post=row.tier is Tier.III,
        requirements=[_requirement_read(r) for r in found],
    )


async def get_assistance(
    session: AsyncSession, principal: Principal, person_id: uuid.UUID, today: date, policy: PolicyRegistry
) -> AssistanceRead:
    """Gets a known person's assistance (FU-TIER); a person without one simply has no tier."""
    await require_person(session, principal, person_id, RULE_ID)
    return await to_read(session, person_id, await repository.get(session, person_id), today, policy)


@dataclass(frozen=True, slots=True)
class OverdueRequirement:
    """A requirement past its due date, as reported upward (seed 002 §七(一))."""

    person_id: uuid.UUID
    agency_region_code: str
    tier: str
    kind: str
    required: int
    delivered: int
    due_on: date
    first_flagged_on: date


async def flag_overdue(
    session: AsyncSession, today: date, policy: PolicyRegistry, after: uuid.UUID | None = None,
    limit: int = OVERDUE_PAGE,
) -> tuple[list[OverdueRequirement], uuid.UUID | None]:
    """Finds the overdue requirements of one page of running assistance (persons after `after`), records the
    first day each person was flagged, and returns them with the last person of the page, None after the last
    page (FU-TIER)."""
    rows = list(await repository.active_page(session, after, limit))
    ids = [row.person_id for row in rows]
    surveys = {survey.person_id: survey for survey in await repository.surveys_of(session, ids)}
    records: dict[uuid.UUID, list[ServiceRecord]] = defaultdict(list)
    for record in await repository.deliveries_of(session, ids):
        records[record.person_id].append(record)
    overdue: list[OverdueRequirement] = []
    for row in rows:
        found = requirements(facts_of(row, surveys.get(row.person_id)), _deliveries(records[row.person_id]), today,
                             policy.for_region(row.agency_region_code).citation)
        overdue.extend(
            OverdueRequirement(row.person_id, row.agency_region_code, r.tier, r.kind, r.required, r.delivered,
                               r.due_on, row.overdue_flagged_on or today)
            for r in found if r.status == "overdue"
        )
    await repository.mark_flagged(session, sorted({item.person_id for item in overdue}), today)
    return overdue, (rows[-1].person_id if len(rows) == limit else None)


def rolled_up(counts: dict[str, int]) -> dict[str, int]:
    """Adds each region's count to every region above it (town → county → city → province), so each level
    sees its own total (T-REGION)."""
    totals: dict[str, int] = defaultdict(int)
    for code, count in counts.items():
        prefix = region_prefix(code)
        for length in (9, 6, 4, 2):
            if len(prefix) >= length:
                totals[prefix[:length]] += count
    return dict(sorted(totals.items()))
