"""Job-seeker registration (求职登记, seed 001 §四(二)): register with a verified identity, review within
JOB-REVIEW's working days, read and list."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import Row
from sqlalchemy.ext.asyncio import AsyncSession

from registration_svc.identity.rules import IdentityClauses
from registration_svc.job_seeker import repository
from registration_svc.job_seeker.errors import JobSeekerDuplicate, JobSeekerInvalid, JobSeekerNotPending
from registration_svc.job_seeker.models import JobSeeker, ReviewStatus
from registration_svc.job_seeker.rules import REVIEW_RULE, review_deadline, review_timeliness
from registration_svc.job_seeker.schemas import (
    IntentionsRead,
    JobSeekerCreate,
    JobSeekerRead,
    ReviewCreate,
    ReviewDeadlineRead,
)
from registration_svc.person import service as person_service
from registration_svc.person.models import Person
from registration_svc.person.schemas import PersonPut
from registration_svc.person.service import PersonChange
from registration_svc.registration.errors import PolicyNotInForce
from registration_svc.registration.service import RegistrationEnv
from shared.auth import Principal, Role, forbidden
from shared.deadlines import Deadline
from shared.identity import normalize_id_number
from shared.labels import label_zh
from shared.masking import mask_id_number
from shared.pagination import PageRequest
from shared.policy import ParameterNotInForceError, PolicyRegistry
from shared.regions import unknown_region_violation
from shared.wording import date_zh


def authorize_create(principal: Principal, agency_region_code: str, id_number: str) -> None:
    """Admits a citizen registering themselves and caseworkers of the agency's region."""
    if principal.role is Role.CITIZEN:
        if normalize_id_number(principal.sub) != id_number:
            raise forbidden()
        return
    if principal.role is not Role.CASEWORKER or not principal.covers_region(agency_region_code):
        raise forbidden()


def review_workdays(policy: PolicyRegistry, region_code: str, parameter: str, on: date) -> tuple[int, str]:
    """Returns JOB-REVIEW's number of working days for a region on a date, with its source clause."""
    pack = policy.for_region(region_code)
    try:
        value = pack.param(parameter, on)
    except ParameterNotInForceError as exc:
        raise PolicyNotInForce(
            f"Policy pack {pack.id} has no {parameter} in force on {on}: {exc.message}",
            f"政策参数包“{pack.id}”在{date_zh(on)}无生效的参数“{parameter}”。",
        ) from exc
    assert isinstance(value.value, int)
    return value.value, value.source


async def create_job_seeker(
    session: AsyncSession, env: RegistrationEnv, principal: Principal, body: JobSeekerCreate, now: datetime
) -> tuple[JobSeeker, Person, list[PersonChange]]:
    """Verifies the identity as a registration does (REG-ID, through the person registry), records the
    registration pending review and counts its JOB-REVIEW due date."""
    authorize_create(principal, body.agency_region_code, normalize_id_number(body.person.id_number))
    # T-REGION: the agency and every region wished for name real divisions.
    codes = [("agency_region_code", body.agency_region_code)] + [
        (f"intentions.region_codes.{i}", code) for i, code in enumerate(body.intentions.region_codes)
    ]
    unknown = [v for name, code in codes if (v := unknown_region_violation(name, code)) is not None]
    if unknown:
        raise JobSeekerInvalid(
            "A region code names no division of GB/T 2260; see violations. Nothing was saved.",
            "区划代码不是有效的行政区划代码，详见各项说明，未保存任何内容。",
            unknown,
        )
    today = now.astimezone(env.timezone).date()
    workdays, source = review_workdays(env.policy, body.agency_region_code, "job_seeker_review_workdays", today)
    person, _, changes = await person_service.put_person(
        session, PersonPut.model_validate(body.person.model_dump()), now, today,
        IdentityClauses.of(env.policy.for_region(body.agency_region_code).citation),
    )
    deadline = review_deadline(today, workdays, source, env.calendar)
    intentions = body.intentions
    values: dict[str, object] = dict(
        id=uuid.uuid4(),
        person_id=person.id,
        agency_region_code=body.agency_region_code,
        status=ReviewStatus.PENDING_REVIEW,
        occupation_codes=list(dict.fromkeys(intentions.occupation_codes)),
        region_codes=list(dict.fromkeys(intentions.region_codes)),
        min_monthly_wage_fen=intentions.min_monthly_wage_fen,
        full_time=intentions.full_time,
        skills=list(dict.fromkeys(body.skills)),
        education=body.education,
        experience_years=body.experience_years,
        applied_on=today,
        review_due=deadline.due_on,
        review_workdays=deadline.workdays,
        review_source=deadline.source,
        review_estimated=deadline.estimated,
        overdue=False,
        created_by=principal.sub,
        created_at=now,
        updated_at=now,
    )
    job_seeker = await repository.insert_job_seeker(session, values)
    if job_seeker is None:
        existing = await repository.valid_job_seeker_id(session, person.id)
        raise JobSeekerDuplicate(
            f"The person already has a job-seeker registration waiting for review or published ({existing}); "
            "nothing was saved.",
            f"该人员已有待审核或已发布的求职登记（编号“{existing}”），本次未保存。",
        )
    return job_seeker, person, changes


async def review(
    session: AsyncSession,
    principal: Principal,
    job_seeker_id: uuid.UUID,
    body: ReviewCreate,
    now: datetime,
    timezone: ZoneInfo,
) -> tuple[JobSeeker, Person]:
    """Publishes or rejects a registration waiting for review (JOB-REVIEW); a review after the due date is
    recorded and stays flagged overdue."""
    found = await repository.get_for_update(session, job_seeker_id)
    if found is None or not principal.covers_region(found[0].agency_region_code):
        raise forbidden()
    job_seeker, person = found
    if job_seeker.status != ReviewStatus.PENDING_REVIEW:
        raise JobSeekerNotPending(
            f"Only a registration waiting for review can be reviewed; this one is {job_seeker.status}.",
            f"只有待审核的求职登记可以审核，该登记状态为“{label_zh(ReviewStatus(job_seeker.status))}”。",
        )
    today = now.astimezone(timezone).date()
    job_seeker.status = ReviewStatus.PUBLISHED if body.decision == "publish" else ReviewStatus.REJECTED
    job_seeker.reviewed_on = today
    job_seeker.reviewed_by = principal.sub
    job_seeker.review_reason = body.reason
    if not review_timeliness(stored_deadline(job_seeker), today).met and not job_seeker.overdue:
        job_seeker.overdue, job_seeker.overdue_flagged_at = True, now
    job_seeker.updated_at = now
    await session.flush()
    return job_seeker, person


async def load_for_read(
    session: AsyncSession, principal: Principal, job_seeker_id: uuid.UUID
) -> tuple[JobSeeker, Person]:
    """Gets a registration the caller may see, else the 403 that reveals nothing."""
    found = await repository.get_readable(session, principal, job_seeker_id)
    if found is None:
        raise forbidden()
    return found


async def list_job_seekers(
    session: AsyncSession, principal: Principal, flt: repository.ListFilter, page: PageRequest
) -> Sequence[Row[JobSeeker, Person]]:
    """Lists what the caller may see (repository.readable), filtered by region, person, status, overdue."""
    return await repository.list_job_seekers(session, principal, flt, page)


def stored_deadline(job_seeker: JobSeeker) -> Deadline:
    """Returns JOB-REVIEW's deadline as stored on a registration."""
    return Deadline(REVIEW_RULE, job_seeker.applied_on, job_seeker.review_workdays, job_seeker.review_due,
                    job_seeker.review_estimated, job_seeker.review_source)


def deadline_read(deadline: Deadline, reviewed_on: date | None) -> ReviewDeadlineRead:
    """Explains a JOB-REVIEW due date, and whether a review made was on time."""
    if reviewed_on is not None:
        result = review_timeliness(deadline, reviewed_on)
        reason, reason_zh = result.reason, result.reason_zh
    else:
        estimated = " (estimated)" if deadline.estimated else ""
        reason = (f"review due {deadline.due_on}: {deadline.workdays} working day(s) after {deadline.start} "
                  f"(T-WORKDAY){estimated}")
        reason_zh = (f"审核期限{date_zh(deadline.due_on)}：{date_zh(deadline.start)}后{deadline.workdays}个工作日内"
                     "（T-WORKDAY）"
                     + ("（估算）" if deadline.estimated else ""))
    return ReviewDeadlineRead(workdays=deadline.workdays, source=deadline.source, estimated=deadline.estimated,
                              reason=reason, reason_zh=reason_zh)


def to_read(
    job_seeker: JobSeeker, person: Person, principal: Principal, changes: list[PersonChange] | None = None
) -> JobSeekerRead:
    """Returns the API view of a registration; the identity number masked unless the caller is a system;
    on creation, what happened to an existing person's stored data."""
    return JobSeekerRead(
        id=job_seeker.id,
        person_id=job_seeker.person_id,
        name=person.name,
        id_number=person.id_number if principal.role is Role.SYSTEM else mask_id_number(person.id_number),
        status=job_seeker.status,
        agency_region_code=job_seeker.agency_region_code,
        intentions=IntentionsRead(
            occupation_codes=list(job_seeker.occupation_codes),
            region_codes=list(job_seeker.region_codes),
            min_monthly_wage_fen=job_seeker.min_monthly_wage_fen,
            full_time=job_seeker.full_time,
        ),
        skills=list(job_seeker.skills),
        education=job_seeker.education,
        experience_years=job_seeker.experience_years,
        applied_on=job_seeker.applied_on,
        review_due=job_seeker.review_due,
        review_deadline=deadline_read(stored_deadline(job_seeker), job_seeker.reviewed_on),
        overdue=job_seeker.overdue,
        reviewed_on=job_seeker.reviewed_on,
        reviewed_by=job_seeker.reviewed_by,
        review_reason=job_seeker.review_reason,
        person_notes=[person_service.note(c) for c in changes or []],
        created_at=job_seeker.created_at,
    )

