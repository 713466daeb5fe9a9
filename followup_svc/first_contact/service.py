"""First-contact use cases: create and cancel from registration events, list, read, complete, flag overdue."""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from followup_svc.first_contact import repository
from followup_svc.first_contact.errors import FirstContactNotOpen, InvalidContactDate
from followup_svc.first_contact.rules import (
    RULE_ID,
    due_reason,
    first_contact_due,
    is_overdue,
    registration_date,
)
from followup_svc.first_contact.schemas import DueExplanation, FirstContactCompletion, FirstContactRead
from followup_svc.models import FirstContactStatus, FirstContactTask
from shared.auth import Principal, forbidden
from shared.calendar import WorkdayCalendar
from shared.deadlines import Deadline
from shared.errors import Violation
from shared.events import RegistrationCreated, RegistrationDeregistered
from shared.labels import label_zh
from shared.pagination import Page, PageRequest, to_page
from shared.policy import PolicyRegistry

logger = logging.getLogger(__name__)


def stored_due(task: FirstContactTask) -> Deadline:
    """Returns the FU-CONTACT deadline as stored on a task."""
    return Deadline(RULE_ID, task.registered_on, task.due_workdays, task.due_on, task.due_estimated, task.due_source)


def to_read(task: FirstContactTask, today: date) -> FirstContactRead:
    """Returns the API view of a task, with the explanation of its due date."""
    reason, reason_zh = due_reason(stored_due(task))
    return FirstContactRead(
        id=task.id,
        registration_id=task.registration_id,
        person_id=task.person_id,
        agency_region_code=task.agency_region_code,
        registered_on=task.registered_on,
        due_on=task.due_on,
        status=task.status,
        overdue=is_overdue(task.status, task.due_on, today),
        created_at=task.created_at,
        completed_at=task.completed_at,
        completed_by=task.completed_by,
        contacted_on=task.contacted_on,
        method=task.method,
        outcome=task.outcome,
        cancelled_at=task.cancelled_at,
        due=DueExplanation(
            workdays=task.due_workdays, source=task.due_source, estimated=task.due_estimated,
            reason=reason, reason_zh=reason_zh,
        ),
    )


async def create_for_registration(
    session: AsyncSession, event: RegistrationCreated, policy: PolicyRegistry, calendar: WorkdayCalendar,
    timezone: str,
) -> bool:
    """Creates the first-contact task of a new registration (FU-CONTACT); returns False if it existed."""
    await repository.lock_registration(session, event.registration_id)
    registered_on = registration_date(event.registered_on, event.applied_at, timezone)
    due = first_contact_due(registered_on, policy.for_region(event.agency_region_code), calendar)
    deregistration = await repository.get_deregistration(session, event.registration_id)
    now = datetime.now(UTC)
    task = FirstContactTask(
        id=uuid.uuid4(),
        registration_id=event.registration_id,
        person_id=event.person_id,
        agency_region_code=event.agency_region_code,
        registered_on=registered_on,
        due_on=due.due_on,
        due_workdays=due.workdays,
        due_source=due.source,
        due_estimated=due.estimated,
        # The deregistration overtook this event on the queue: keep the task, already cancelled.
        status=(FirstContactStatus.CANCELLED if deregistration else FirstContactStatus.OPEN).value,
        cancelled_at=now if deregistration else None,
    )
    created = await repository.insert_if_absent(session, task)
    logger.info(
        "first-contact task %s", "created" if created else "already exists",
        extra={"registration_id": str(event.registration_id), "due_on": due.due_on.isoformat(),
               "rule": RULE_ID, "estimated": due.estimated},
    )
    return created


async def cancel_for_deregistration(session: AsyncSession, event: RegistrationDeregistered) -> bool:
    """Cancels the open first-contact task of a deregistered registration; returns whether one was open."""
    await repository.lock_registration(session, event.registration_id)
    await repository.record_deregistration(session, event.registration_id, event.reason, event.effective_date)
    cancelled = await repository.cancel_open(session, event.registration_id, datetime.now(UTC)) > 0
    logger.info(
        "first-contact task %s", "cancelled" if cancelled else "not open; nothing to cancel",
        extra={"registration_id": str(event.registration_id), "reason": event.reason},
    )
    return cancelled


async def list_tasks(
    session: AsyncSession, principal: Principal, *, region: str | None, status: FirstContactStatus | None,
    overdue: bool | None, page: PageRequest, today: date,
) -> Page[FirstContactRead]:
    """Lists the tasks in the caller's region (or a region inside it), oldest first, one page at a time."""
    rows = await repository.list_page(
        session, principal, region=region, status=status, overdue_on=today, overdue=overdue,
        page=page,
    )
    return to_page(rows, page, lambda task: to_read(task, today), lambda task: (task.created_at, task.id))


async def get_task(
    session: AsyncSession, principal: Principal, task_id: uuid.UUID, *, for_update: bool = False
) -> FirstContactTask:
    """Gets a task in the caller's scope; a missing task and one out of scope give the same 403."""
    task = await repository.get(session, principal, task_id, for_update=for_update)
    if task is None:
        raise forbidden()
    return task


async def complete(
    session: AsyncSession, principal: Principal, task_id: uuid.UUID, body: FirstContactCompletion,
    today: date,
) -> FirstContactTask:
    """Records the first contact of an open task; 409 if the task is done or cancelled."""
    task = await get_task(session, principal, task_id, for_update=True)
    if task.status != FirstContactStatus.OPEN:
        raise FirstContactNotOpen(
            f"The first-contact task is {task.status}, not open; it cannot be completed.",
            f"该首次联系任务状态为“{label_zh(FirstContactStatus(task.status))}”，不是待联系，无法再次办结。",
            [Violation(
                RULE_ID, "status", f"task status is {task.status}",
                f"任务状态为“{label_zh(FirstContactStatus(task.status))}”",
            )],
        )
    violations = []
    if body.contacted_on > today:
        violations.append(Violation(
            RULE_ID, "contacted_on",
            f"contacted_on {body.contacted_on.isoformat()} is after today {today.isoformat()}",
            f"联系日期 {body.contacted_on.isoformat()} 晚于今天 {today.isoformat()}",
        ))
    if body.contacted_on < task.registered_on:
        violations.append(Violation(
            RULE_ID, "contacted_on",
            f"contacted_on {body.contacted_on.isoformat()} is before registration on "
            f"{task.registered_on.isoformat()}",
            f"联系日期 {body.contacted_on.isoformat()} 早于登记日 {task.registered_on.isoformat()}",
        ))
    if violations:
        raise InvalidContactDate(
            "The contact date must lie between the registration date and today.",
            "联系日期须在登记日与今天之间。", violations,
        )
    task.status = FirstContactStatus.DONE
    task.method = body.method
    task.outcome = body.outcome
    task.contacted_on = body.contacted_on
    task.completed_at = datetime.now(UTC)
    task.completed_by = principal.sub
    await session.flush()
    return task


@dataclass(frozen=True, slots=True)
class OverdueFirstContact:
    """An open first contact past its due date, as reported upward (seed 002 §七(一))."""

    task_id: uuid.UUID
    registration_id: uuid.UUID
    agency_region_code: str
    due_on: date
    workdays_overdue: int
    first_flagged_on: date


async def flag_overdue(
    session: AsyncSession, today: date, calendar: WorkdayCalendar
) -> list[OverdueFirstContact]:
    """Finds open tasks past due, records the day each was first flagged and returns them (FU-CONTACT)."""
    tasks = await repository.open_overdue(session, today)
    overdue = [
        OverdueFirstContact(
            task_id=t.id, registration_id=t.registration_id, agency_region_code=t.agency_region_code,
            due_on=t.due_on, workdays_overdue=calendar.workdays_between(t.due_on, today),
            first_flagged_on=t.overdue_flagged_on or today,
        )
        for t in tasks
    ]
    await repository.mark_flagged(session, [t.id for t in tasks], today)
    return overdue
