"""Revisit use cases: schedule the revisits of an assisted person who found work, record one made (a problem
found opens a follow-up action), and list those due (FU-REVISIT)."""

from __future__ import annotations

import logging
import uuid
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from followup_svc.assistance import repository as assistance
from followup_svc.person.service import require_person
from followup_svc.revisit import repository
from followup_svc.revisit.errors import InvalidRevisit
from followup_svc.revisit.models import FollowupAction, Revisit, RevisitSlot, RevisitTarget
from followup_svc.revisit.rules import (
    RULE_ID,
    EmploymentFindings,
    problems_found,
    revisit_schedule,
    revisit_source,
)
from followup_svc.revisit.schemas import ActionRead, Employment, RevisitCreate, RevisitRead, SlotRead
from shared.auth import Principal
from shared.calendar import WorkdayCalendar
from shared.errors import Violation
from shared.pagination import Page, PageRequest, to_page
from shared.policy import PolicyRegistry
from shared.wording import date_zh

logger = logging.getLogger(__name__)

PARAMETERS = ("revisit_first_months", "revisit_interval_months", "revisit_until_months")


def slot_read(slot: RevisitSlot, today: date) -> SlotRead:
    """Returns the API view of a revisit owed."""
    return SlotRead(
        id=slot.id, person_id=slot.person_id, agency_region_code=slot.agency_region_code, target=slot.target,
        started_work_on=slot.started_work_on, sequence=slot.sequence, months_after_start=slot.months_after_start,
        due_on=slot.due_on, estimated=slot.due_estimated, overdue=slot.revisit_id is None and today > slot.due_on,
        done_by_revisit=slot.revisit_id, source=slot.due_source,
    )


async def schedule_revisits(
    session: AsyncSession, person_id: uuid.UUID, started_work_on: date, policy: PolicyRegistry,
    calendar: WorkdayCalendar,
) -> list[RevisitSlot]:
    """Schedules the revisits of an assisted person (tier I–III, now or before) who started work on a day, to
    the person and to the employer (FU-REVISIT); a repeat call for the same start schedules nothing new.
    Returns the revisits owed for that start, none for a person never assisted.

    Called when a person is known to have found work: the end of a certification for employment here; the
    monthly contacts and recommendation outcomes call it too."""
    await assistance.lock_person(session, person_id)
    row = await assistance.get(session, person_id)
    if row is None:
        logger.info("not an assisted person; no revisits", extra={"person_id": str(person_id), "rule": RULE_ID})
        return []
    pack = policy.for_region(row.agency_region_code)
    first, interval, until = (pack.param(name, started_work_on) for name in PARAMETERS)
    source = revisit_source(pack.citation("revisit"), first, interval, until)
    schedule = revisit_schedule(started_work_on, int(first.value), int(interval.value), int(until.value), calendar)
    await repository.insert_slots(session, [
        RevisitSlot(
            id=uuid.uuid4(), person_id=person_id, agency_region_code=row.agency_region_code, target=target,
            started_work_on=started_work_on, sequence=due.sequence, due_on=due.due_on,
            months_after_start=due.months_after_start, due_source=source, due_estimated=due.estimated,
        )
        for target in RevisitTarget for due in schedule
    ])
    await session.flush()
    return list(await repository.of_start(session, person_id, started_work_on))


async def record_revisit(
    session: AsyncSession, principal: Principal, person_id: uuid.UUID, body: RevisitCreate, today: date
) -> RevisitRead:
    """Records a revisit of a known person, fulfilling the earliest one owed to that target; the problems it
    found (no contract, no social insurance, late wages, long hours, heavy work, not employed, issues named)
    open a follow-up action on the person."""
    person = await require_person(session, principal, person_id, RULE_ID)
    violations = []
    if body.visited_on > today:
        violations.append(Violation(
            RULE_ID, "visited_on", f"visited_on {body.visited_on.isoformat()} is after today {today.isoformat()}",
            f"回访日期{date_zh(body.visited_on)}晚于今天（{date_zh(today)}）",
        ))
    if body.target is RevisitTarget.EMPLOYER and body.employed and body.employment is None:
        violations.append(Violation(
            RULE_ID, "employment", "an employer revisit records hours, workload, contract, social insurance and wages",
            "回访用人单位须记录工作时间、劳动强度、签订合同、参加社会保险和工资发放情况",
        ))
    if violations:
        raise InvalidRevisit(
            "The revisit cannot be recorded as given.", "回访记录不符合要求。", violations,
        )
    found = body.employment
    revisit = Revisit(
        id=uuid.uuid4(), person_id=person_id, agency_region_code=person.agency_region_code, target=body.target,
        visited_on=body.visited_on, employed=body.employed,
        hours_per_week=found.hours_per_week if found else None, workload=found.workload if found else None,
        contract_signed=found.contract_signed if found else None,
        social_insurance=found.social_insurance if found else None,
        wages_paid_on_time=found.wages_paid_on_time if found else None,
        issues=body.issues, actions=body.actions, visited_by=principal.sub,
    )
    session.add(revisit)
    await session.flush()
    slot = await repository.next_open(session, person_id, body.target, body.visited_on)
    if slot is not None:
        slot.revisit_id = revisit.id
    findings = EmploymentFindings(
        found.hours_per_week, found.workload.value if found.workload else None, found.contract_signed,
        found.social_insurance, found.wages_paid_on_time,
    ) if found else None
    problems = problems_found(body.employed, findings, body.issues)
    action = None
    if problems:
        action = FollowupAction(
            id=uuid.uuid4(), person_id=person_id, agency_region_code=person.agency_region_code,
            revisit_id=revisit.id, problems=problems,
            action=body.actions.strip() or f"follow up the problems found: {', '.join(problems)}", status="open",
        )
        session.add(action)
    await session.flush()
    await session.refresh(revisit, ["created_at"])
    return RevisitRead(
        id=revisit.id, person_id=person_id, target=revisit.target, visited_on=revisit.visited_on,
        employed=revisit.employed, employment=Employment.model_validate(found.model_dump()) if found else None,
        issues=revisit.issues, actions=revisit.actions, visited_by=revisit.visited_by, created_at=revisit.created_at,
        fulfils=slot_read(slot, today) if slot else None,
        follow_up_action=ActionRead(id=action.id, problems=action.problems, action=action.action, status=action.status)
        if action else None,
    )


async def list_due(
    session: AsyncSession, principal: Principal, region: str | None, before: date, page: PageRequest, today: date
) -> Page[SlotRead]:
    """Lists the revisits still owed and due on or before `before` in the caller's region, one page at a time."""
    rows = await repository.due_page(session, principal, region, before, page)
    return to_page(rows, page, lambda slot: slot_read(slot, today), lambda slot: (slot.created_at, slot.id))
