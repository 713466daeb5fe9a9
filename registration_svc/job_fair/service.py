"""Job fairs for unemployed persons (专场招聘, seed 001 §四(二)2(3)): an agency plans an online or offline
fair, offers published vacancies at it and invites persons of the registry."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from registration_svc.job_fair import repository
from registration_svc.job_fair.errors import JobFairInvalid, VacancyNotPublished
from registration_svc.job_fair.models import InvitationResponse, JobFair
from registration_svc.job_fair.schemas import (
    FairVacancyRead,
    InvitationRead,
    JobFairCreate,
    JobFairRead,
    JobFairSummary,
)
from registration_svc.job_seeker.models import ReviewStatus
from shared.auth import Principal, Role, forbidden
from shared.errors import Violation
from shared.labels import label_zh
from shared.pagination import PageRequest
from shared.regions import region_prefix, unknown_region_violation


def _state_zh(state: str | None) -> str:
    return "不存在" if state is None else f"状态为“{label_zh(ReviewStatus(state))}”"


def _authorize(principal: Principal, region_code: str) -> None:
    if principal.role is not Role.CASEWORKER or not principal.covers_region(region_code):
        raise forbidden()


async def _offer(session: AsyncSession, fair: JobFair, vacancy_ids: Sequence[uuid.UUID], by: str,
                 now: datetime) -> None:
    """Offers vacancies at a fair; every one must be published (JOB-REVIEW: only reviewed vacancies are
    offered), else none is."""
    wanted = list(dict.fromkeys(vacancy_ids))
    states = await repository.vacancy_states(session, wanted)
    refused = [v for v in wanted if states.get(v) != ReviewStatus.PUBLISHED]
    if refused:
        raise VacancyNotPublished(
            f"{len(refused)} vacancy(ies) are not published; only published vacancies are offered at a fair. "
            "Nothing was saved.",
            f"{len(refused)} 个岗位未发布，招聘会只提供已审核发布的岗位，未保存任何内容。",
            [Violation("JOB-REVIEW", f"vacancy_ids.{wanted.index(v)}",
                       f"vacancy {v} is {states.get(v, 'unknown')}, not published",
                       f"岗位“{v}”{_state_zh(states.get(v))}，未发布") for v in refused],
        )
    await repository.add_vacancies(session, fair.id, wanted, by, now)


async def create_fair(session: AsyncSession, principal: Principal, body: JobFairCreate, now: datetime) -> JobFair:
    """Records a fair of the caseworker's region with the published vacancies it offers."""
    _authorize(principal, body.agency_region_code)
    unknown = unknown_region_violation("agency_region_code", body.agency_region_code)
    if unknown is not None:
        raise JobFairInvalid("The region code names no division of GB/T 2260. Nothing was saved.",
                             "区划代码不是有效的行政区划代码，未保存任何内容。", [unknown])
    fair = JobFair(id=uuid.uuid4(), name=body.name, kind=body.kind, held_on=body.held_on,
                   ends_on=body.ends_on or body.held_on, place=body.place, agency_region_code=body.agency_region_code,
                   created_by=principal.sub, created_at=now, updated_at=now)
    session.add(fair)
    await session.flush()
    await _offer(session, fair, body.vacancy_ids, principal.sub, now)
    return fair


async def _fair_in_scope(session: AsyncSession, principal: Principal, fair_id: uuid.UUID) -> JobFair:
    fair = await repository.get_fair(session, fair_id, for_update=True)
    if fair is None:
        raise forbidden()
    _authorize(principal, fair.agency_region_code)
    return fair


async def add_vacancies(session: AsyncSession, principal: Principal, fair_id: uuid.UUID,
                        vacancy_ids: Sequence[uuid.UUID], now: datetime) -> JobFair:
    """Offers more published vacancies at a fair of the caseworker's region."""
    fair = await _fair_in_scope(session, principal, fair_id)
    await _offer(session, fair, vacancy_ids, principal.sub, now)
    return fair


async def invite(session: AsyncSession, principal: Principal, fair_id: uuid.UUID, person_ids: Sequence[uuid.UUID],
                 today: date, now: datetime) -> JobFair:
    """Invites persons of the registry to a fair of the caseworker's region; all or none."""
    fair = await _fair_in_scope(session, principal, fair_id)
    wanted = list(dict.fromkeys(person_ids))
    known = await repository.existing_persons(session, wanted)
    missing = [p for p in wanted if p not in known]
    if missing:
        raise JobFairInvalid(
            f"{len(missing)} person id(s) are not in the person registry; nobody was invited.",
            f"{len(missing)} 个人员编号不在人员库中，未发出任何邀请。",
            [Violation("PERSON-REGISTRY", f"person_ids.{wanted.index(p)}", f"no person {p} in the registry",
                       f"人员库中没有 {p}") for p in missing],
        )
    await repository.invite(session, fair.id, wanted, today, principal.sub, now)
    return fair


async def respond(session: AsyncSession, principal: Principal, fair_id: uuid.UUID, person_id: uuid.UUID,
                  response: InvitationResponse, now: datetime) -> JobFair:
    """Records what became of one invitation (accepted, declined, attended)."""
    fair = await _fair_in_scope(session, principal, fair_id)
    if not await repository.respond(session, fair.id, person_id, response, now):
        raise forbidden()
    return fair


async def load_fair(session: AsyncSession, fair_id: uuid.UUID) -> JobFair:
    """Gets a fair (fairs are public: any authenticated caller may read one), else the 403."""
    fair = await repository.get_fair(session, fair_id)
    if fair is None:
        raise forbidden()
    return fair


async def list_fairs(session: AsyncSession, principal: Principal, region: str | None, since: date | None,
                     page: PageRequest) -> Sequence[JobFair]:
    """Lists fairs of a region (any region's fairs are public; the caller's own region by default)."""
    prefix = region_prefix(region) if region else ("" if principal.role is Role.SYSTEM else
                                                   region_prefix(principal.region))
    return await repository.list_fairs(session, prefix, since, page)


async def to_read(session: AsyncSession, fair: JobFair, principal: Principal) -> JobFairRead:
    """Returns a fair with its vacancies; the invitations only for staff of its region and systems."""
    vacancies = await repository.fair_vacancies(session, fair.id)
    sees_invitations = (principal.is_staff or principal.role is Role.SYSTEM) and principal.covers_region(
        fair.agency_region_code)
    invitations = (
        [InvitationRead(person_id=i.person_id, name=name, invited_on=i.invited_on, response=i.response)
         for i, name in await repository.invitations(session, fair.id)]
        if sees_invitations else None
    )
    return JobFairRead(
        id=fair.id, name=fair.name, kind=fair.kind, held_on=fair.held_on, ends_on=fair.ends_on, place=fair.place,
        agency_region_code=fair.agency_region_code,
        vacancies=[FairVacancyRead(id=v.id, title=v.title, employer_name=v.employer_name,
                                   occupation_code=v.occupation_code, positions=v.positions, status=v.status)
                   for v in vacancies],
        invited=await repository.invited_count(session, fair.id),
        invitations=invitations,
        created_at=fair.created_at,
    )


def to_summary(fair: JobFair) -> JobFairSummary:
    """Returns the list view of a fair."""
    return JobFairSummary(id=fair.id, name=fair.name, kind=fair.kind, held_on=fair.held_on, ends_on=fair.ends_on,
                          place=fair.place, agency_region_code=fair.agency_region_code)
