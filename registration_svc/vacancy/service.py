"""Vacancies (招聘登记, seed 001 §四(二)): an employer or a caseworker registers one, JOB-FAIR-HIRING refuses
discriminatory requirements, the agency reviews it before publication (JOB-REVIEW), it closes when filled,
withdrawn or expired."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from registration_svc.job_seeker.models import ReviewStatus
from registration_svc.job_seeker.rules import REVIEW_RULE, review_deadline, review_timeliness
from registration_svc.job_seeker.schemas import ReviewCreate
from registration_svc.job_seeker.service import deadline_read, review_workdays
from registration_svc.registration.service import RegistrationEnv
from registration_svc.vacancy import repository
from registration_svc.vacancy.errors import UnfairHiring, VacancyClosed, VacancyInvalid, VacancyNotPending
from registration_svc.vacancy.models import CloseReason, Vacancy
from registration_svc.vacancy.rules import FAIR_HIRING_RULE, check_fair_hiring, check_form, is_expired
from registration_svc.vacancy.schemas import (
    EmployerRead,
    OpenVacancyRead,
    RequirementsRead,
    VacancyCreate,
    VacancyRead,
)
from shared.auth import Forbidden, Principal, Role, forbidden
from shared.credit_code import normalize_credit_code
from shared.deadlines import Deadline
from shared.errors import Violation
from shared.explain import RuleResult, failures
from shared.labels import label_zh
from shared.pagination import PageRequest
from shared.regions import unknown_region_violation
from shared.wording import date_zh


def not_own_vacancy() -> Forbidden:
    """Returns the 403 for an employer acting on a vacancy that is not its own (or does not exist)."""
    return Forbidden(
        "An employer may act only on its own vacancies, or the vacancy does not exist.",
        "用人单位只能操作本单位的招聘信息，或该招聘信息不存在。",
        [Violation("JOB-EMPLOYER", "employer.credit_code",
                   "an employer's token (sub = its credit code) acts only on vacancies of that credit code",
                   "用人单位令牌（主体为统一社会信用代码）只能操作该代码的招聘信息")],
    )


def authorize_create(principal: Principal, body: VacancyCreate) -> None:
    """Admits an employer registering its own vacancy and caseworkers of the vacancy's region."""
    if principal.role is Role.EMPLOYER:
        if normalize_credit_code(body.employer.credit_code) != principal.sub:
            raise not_own_vacancy()
        return
    if principal.role is not Role.CASEWORKER or not principal.covers_region(body.region_code):
        raise forbidden()


def _violation(result: RuleResult) -> Violation:
    return Violation(result.rule, result.field, f"{result.reason} ({result.rule}, {result.source})",
                     f"{result.reason_zh}（{result.rule}，{result.source}）")


def check_vacancy(body: VacancyCreate, today: date) -> None:
    """Checks JOB-FAIR-HIRING and the form (JOB-POSITIONS, JOB-WAGE-RANGE, JOB-AGE-RANGE, JOB-VALID-UNTIL,
    JOB-EMPLOYER, T-REGION), raising every failure at once: a discriminatory requirement as
    vacancy.fair_hiring, anything else as vacancy.invalid."""
    requirements = body.requirements
    results = check_fair_hiring(
        gender=requirements.gender, ethnicity=requirements.ethnicity, hukou=requirements.hukou,
        texts=[("title", body.title), ("description", body.description)],
    )
    results += check_form(
        positions=body.positions, wage_min_fen=body.monthly_wage_min_fen, wage_max_fen=body.monthly_wage_max_fen,
        min_age=requirements.min_age, max_age=requirements.max_age, valid_until=body.valid_until, today=today,
        credit_code=body.employer.credit_code,
    )
    violations = [_violation(r) for r in failures(results)]
    violations += [
        v for name, code in (("region_code", body.region_code), ("employer.region_code", body.employer.region_code))
        if (v := unknown_region_violation(name, code)) is not None
    ]
    if any(v.rule == FAIR_HIRING_RULE for v in violations):
        articles = "; ".join(dict.fromkeys(r.source for r in failures(results) if r.rule == FAIR_HIRING_RULE))
        raise UnfairHiring(
            f"The vacancy restricts applicants on a ground the law forbids ({articles}); nothing was saved.",
            "招聘信息含有法律禁止的就业歧视性限制（就业促进法第二十六条至第三十一条），未予登记。",
            violations,
        )
    if violations:
        rules = ", ".join(dict.fromkeys(v.rule for v in violations))
        raise VacancyInvalid(f"The vacancy fails {rules}; see violations. Nothing was saved.",
                             f"招聘信息未通过 {rules} 校验，详见各项说明，未保存任何内容。", violations)


async def create_vacancy(
    session: AsyncSession, env: RegistrationEnv, principal: Principal, body: VacancyCreate, now: datetime
) -> Vacancy:
    """Records a fair, consistent vacancy pending review, with its JOB-REVIEW due date."""
    authorize_create(principal, body)
    today = now.astimezone(env.timezone).date()
    check_vacancy(body, today)
    workdays, source = review_workdays(env.policy, body.region_code, "vacancy_review_workdays", today)
    deadline = review_deadline(today, workdays, source, env.calendar)
    requirements = body.requirements
    vacancy = Vacancy(
        id=uuid.uuid4(),
        status=ReviewStatus.PENDING_REVIEW,
        employer_credit_code=normalize_credit_code(body.employer.credit_code),
        employer_name=body.employer.name,
        employer_region_code=body.employer.region_code,
        employer_contact_phone=body.employer.contact_phone,
        title=body.title,
        description=body.description,
        occupation_code=body.occupation_code,
        positions=body.positions,
        region_code=body.region_code,
        monthly_wage_min_fen=body.monthly_wage_min_fen,
        monthly_wage_max_fen=body.monthly_wage_max_fen,
        full_time=body.full_time,
        education=requirements.education,
        min_age=requirements.min_age,
        max_age=requirements.max_age,
        skills=list(dict.fromkeys(requirements.skills)),
        valid_until=body.valid_until,
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
    session.add(vacancy)
    await session.flush()
    return vacancy


async def review(
    session: AsyncSession, principal: Principal, vacancy_id: uuid.UUID, body: ReviewCreate, now: datetime,
    today: date,
) -> Vacancy:
    """Publishes or rejects a vacancy waiting for review (JOB-REVIEW); a vacancy whose validity has ended
    cannot be published; a late review is recorded and flagged overdue."""
    vacancy = await repository.get_for_update(session, vacancy_id)
    if vacancy is None or not principal.covers_region(vacancy.region_code):
        raise forbidden()
    if vacancy.status != ReviewStatus.PENDING_REVIEW:
        raise VacancyNotPending(
            f"Only a vacancy waiting for review can be reviewed; this one is {vacancy.status}.",
            f"只有待审核的招聘信息可以审核，该信息状态为“{label_zh(ReviewStatus(vacancy.status))}”。",
        )
    if body.decision == "publish" and is_expired(vacancy.valid_until, today):
        raise VacancyInvalid(
            f"The vacancy was valid until {vacancy.valid_until}; an expired vacancy cannot be published.",
            f"该招聘信息有效期至{date_zh(vacancy.valid_until)}，已过期，不能发布。",
            [Violation("JOB-VALID-UNTIL", "valid_until", f"valid until {vacancy.valid_until}, before {today}",
                       f"有效期至{date_zh(vacancy.valid_until)}，早于今天（{date_zh(today)}）")],
        )
    vacancy.status = ReviewStatus.PUBLISHED if body.decision == "publish" else ReviewStatus.REJECTED
    vacancy.reviewed_on, vacancy.reviewed_by, vacancy.review_reason = today, principal.sub, body.reason
    if not review_timeliness(stored_deadline(vacancy), today).met and not vacancy.overdue:
        vacancy.overdue, vacancy.overdue_flagged_at = True, now
    vacancy.updated_at = now
    await session.flush()
    return vacancy


async def close(
    session: AsyncSession, principal: Principal, vacancy_id: uuid.UUID, reason: CloseReason, now: datetime,
    today: date,
) -> Vacancy:
    """Closes a vacancy waiting for review or published: by its employer, or a caseworker of its region."""
    vacancy = await repository.get_for_update(session, vacancy_id)
    if principal.role is Role.EMPLOYER:
        if vacancy is None or vacancy.employer_credit_code != principal.sub:
            raise not_own_vacancy()
    elif vacancy is None or not principal.covers_region(vacancy.region_code):
        raise forbidden()
    if vacancy.status not in (ReviewStatus.PENDING_REVIEW, ReviewStatus.PUBLISHED):
        raise VacancyClosed(
            f"The vacancy is {vacancy.status} already; only an open one can be closed.",
            f"该招聘信息已是“{label_zh(ReviewStatus(vacancy.status))}”状态，只有待审核或已发布的信息可以关闭。",
        )
    vacancy.status, vacancy.close_reason = ReviewStatus.CLOSED, reason
    vacancy.closed_on, vacancy.closed_by, vacancy.updated_at = today, principal.sub, now
    await session.flush()
    return vacancy


async def load_for_read(session: AsyncSession, principal: Principal, vacancy_id: uuid.UUID) -> Vacancy:
    """Gets a vacancy the caller may see, else the 403 that reveals nothing."""
    vacancy = await repository.get_readable(session, principal, vacancy_id)
    if vacancy is None:
        raise forbidden()
    return vacancy


async def list_vacancies(
    session: AsyncSession, principal: Principal, flt: repository.ListFilter, page: PageRequest
) -> Sequence[Vacancy]:
    """Lists what the caller may see (repository.readable), filtered."""
    return await repository.list_vacancies(session, principal, flt, page)


def stored_deadline(vacancy: Vacancy) -> Deadline:
    """Returns JOB-REVIEW's deadline as stored on a vacancy."""
    return Deadline(REVIEW_RULE, vacancy.applied_on, vacancy.review_workdays, vacancy.review_due,
                    vacancy.review_estimated, vacancy.review_source)


def to_read(vacancy: Vacancy) -> VacancyRead:
    """Returns the API view of a vacancy."""
    return VacancyRead(
        id=vacancy.id,
        status=vacancy.status,
        employer=EmployerRead(name=vacancy.employer_name, credit_code=vacancy.employer_credit_code,
                              region_code=vacancy.employer_region_code,
                              contact_phone=vacancy.employer_contact_phone),
        title=vacancy.title,
        description=vacancy.description,
        occupation_code=vacancy.occupation_code,
        positions=vacancy.positions,
        region_code=vacancy.region_code,
        monthly_wage_min_fen=vacancy.monthly_wage_min_fen,
        monthly_wage_max_fen=vacancy.monthly_wage_max_fen,
        full_time=vacancy.full_time,
        requirements=RequirementsRead(education=vacancy.education, min_age=vacancy.min_age,
                                      max_age=vacancy.max_age, skills=list(vacancy.skills)),
        valid_until=vacancy.valid_until,
        applied_on=vacancy.applied_on,
        review_due=vacancy.review_due,
        review_deadline=deadline_read(stored_deadline(vacancy), vacancy.reviewed_on),
        overdue=vacancy.overdue,
        reviewed_on=vacancy.reviewed_on,
        reviewed_by=vacancy.reviewed_by,
        review_reason=vacancy.review_reason,
        close_reason=vacancy.close_reason,
        closed_on=vacancy.closed_on,
        created_at=vacancy.created_at,
    )


def to_open(vacancy: Vacancy) -> OpenVacancyRead:
    """Returns the compact view of an open vacancy that the matching reads."""
    return OpenVacancyRead(
        id=vacancy.id, employer_name=vacancy.employer_name, title=vacancy.title,
        occupation_code=vacancy.occupation_code, positions=vacancy.positions, region_code=vacancy.region_code,
        monthly_wage_min_fen=vacancy.monthly_wage_min_fen, monthly_wage_max_fen=vacancy.monthly_wage_max_fen,
        full_time=vacancy.full_time, education=vacancy.education, skills=list(vacancy.skills),
        valid_until=vacancy.valid_until, published_on=vacancy.reviewed_on, created_at=vacancy.created_at,
    )
