"""Unemployment registration: applications, decisions, reads and lists (REG-* rules, REG-DEADLINE)."""

from __future__ import annotations

import dataclasses
import enum
import logging
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import BaseModel, JsonValue
from sqlalchemy import Row
from sqlalchemy.ext.asyncio import AsyncSession

from registration_svc.deregistration.rules import DeregistrationReason, reason_group
from registration_svc.identity.rules import IdentityClauses, validate_identity
from registration_svc.models import platform
from registration_svc.notification.service import notify_person
from registration_svc.notification.templates import REJECTED as REJECTED_TEMPLATE
from registration_svc.person import service as person_service
from registration_svc.person.models import Person
from registration_svc.person.repository import insert_or_get_person
from registration_svc.person.service import PersonChange, merge_person, person_values
from registration_svc.region.service import agency_of
from registration_svc.registration import repository
from registration_svc.registration.errors import (
    ApplicationInFuture,
    DuplicateRegistration,
    PolicyNotInForce,
    RegistrationIneligible,
    RegistrationNotPending,
    RegistrationNotRejected,
)
from registration_svc.registration.models import Channel, Registration, RegistrationStatus, VerificationState
from registration_svc.registration.rules import (
    DUPLICATE_SOURCE,
    MainlandEmployment,
    check_age,
    check_commitment,
    check_declaration,
    check_hmt_employment,
    check_place,
    decision_deadline,
)
from registration_svc.registration.schemas import (
    DeadlineRead,
    DeclarationRead,
    DeregistrationRead,
    RegistrationCreate,
    RegistrationRead,
    RegistrationSummary,
    VerificationRead,
)
from registration_svc.verification.models import HomeVisitOutcome
from registration_svc.verification.service import (
    Declaration,
    VerificationFinding,
    VerificationOutcome,
    VerificationReport,
    create_home_visit_task,
    verify_declaration,
)
from shared import outbox
from shared.auth import Principal, Role, forbidden
from shared.calendar import WorkdayCalendar
from shared.clients.registration import RegistrationFacts, RegistrationFactsPage
from shared.deadlines import Deadline
from shared.errors import Violation
from shared.events import EventType, RegistrationCreated
from shared.explain import failures
from shared.identity import normalize_id_number
from shared.labels import label_zh
from shared.letters import Agency, DecisionLetter, appeal_by, appeal_remedy_zh
from shared.masking import mask_id_number, mask_phone
from shared.pagination import PageRequest
from shared.policy import ParameterNotInForceError, PolicyRegistry
from shared.policy.documents import cite
from shared.regions import unknown_region_violation
from shared.wording import date_zh

logger = logging.getLogger(__name__)

# Applications dated a little ahead of the server clock are accepted (device clocks drift).
CLOCK_SKEW = timedelta(minutes=5)
VERIFICATION_ACTOR = "verification"


@dataclass(frozen=True, slots=True)
class RegistrationEnv:
    """What the registration rules need from the running service: calendar, policy packs, time zone."""

    calendar: WorkdayCalendar
    policy: PolicyRegistry
    timezone: ZoneInfo


@dataclass(slots=True)
class CreateResult:
    """A new registration, its person and what happened to the person's stored data."""

    registration: Registration
    person: Person
    person_changes: list[PersonChange] = field(default_factory=list)


def _ineligible(violations: Sequence[Violation]) -> RegistrationIneligible:
    rules = ", ".join(dict.fromkeys(v.rule for v in violations))
    return RegistrationIneligible(
        f"The application fails {len(violations)} check(s): {rules}; see violations.",
        f"申请未通过 {len(violations)} 项条件：{rules}，详见各项说明。",
        violations,
    )


async def _duplicate(session: AsyncSession, existing: tuple[str, str] | None) -> DuplicateRegistration:
    """The REG-DUPLICATE 409, naming the agency that holds the valid registration and how to reach it, so
    that a window elsewhere in the city (全城通办) can direct the person there."""
    if existing is None:  # pragma: no cover - the conflict that made this error names a row
        held_en, held_zh = "", ""
    else:
        status, region = existing
        agency = await agency_of(session, region)
        status_zh = label_zh(RegistrationStatus(status))
        if agency is not None:
            held_en = f" (status {status}) held by {agency.name}, region {region}, telephone {agency.telephone}"
            held_zh = f"（{status_zh}），由{agency.name}（地区代码{region}，电话{agency.telephone}）办理"
        else:
            held_en = f" (status {status}) held by the agency of region {region}"
            held_zh = f"（{status_zh}），由地区代码{region}的公共就业服务机构办理"
    return DuplicateRegistration(
        f"The person already has a valid registration{held_en}; nothing was saved.",
        f"该人员已有有效的失业登记{held_zh}，本次未保存。",
        [
            Violation(
                "REG-DUPLICATE",
                "person.id_number",
                f"at most one valid registration per person at a time{held_en} ({DUPLICATE_SOURCE})",
                f"同一人员同一时间只能有一条有效失业登记{held_zh}",
            )
        ],
    )


def _as_violation(
    result_rule: str, field_name: str | None, reason: str, reason_zh: str, source: str
) -> Violation:
    return Violation(
        result_rule,
        field_name,
        f"{reason} ({result_rule}, {source})",
        f"{reason_zh}（{result_rule}，{source}）",
    )


def authorize_create(principal: Principal, body: RegistrationCreate, id_number: str) -> None:
    """Admits caseworkers of the agency's region, and citizens applying for themselves online."""
    if principal.role is Role.CITIZEN:
        if body.channel is Channel.WINDOW or normalize_id_number(principal.sub) != id_number:
            raise forbidden()
        return
    if principal.role is Role.SYSTEM:
        # Trusted platforms (12333, the employment cloud) forward online applications;
        # the window is staff-only.
        if body.channel is Channel.WINDOW:
            raise forbidden()
        return
    if principal.role is not Role.CASEWORKER or not principal.covers_region(body.agency_region_code):
        raise forbidden()


def _finding_json(finding: object) -> dict[str, JsonValue]:
    if isinstance(finding, BaseModel):
        return finding.model_dump(mode="json")
    if dataclasses.is_dataclass(finding) and not isinstance(finding, type):
        return {k: _json_value(v) for k, v in dataclasses.asdict(finding).items()}
    return {"finding": str(finding)}


def _json_value(value: object) -> JsonValue:
    if value is None or isinstance(value, bool | int | str | float):
        return value
    if isinstance(value, enum.Enum):
        return _json_value(value.value)
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, Mapping):
        return {str(k): _json_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_value(v) for v in value]
    return str(value)


async def _insert_registration(session: AsyncSession, values: Mapping[str, object]) -> Registration:
    """Inserts a new registration; a valid one of the same person, even one committed a moment ago by a
    concurrent request, makes it the REG-DUPLICATE 409 and leaves the transaction usable."""
    registration = await repository.insert_registration(session, values)
    if registration is None:
        person_id = values["person_id"]
        assert isinstance(person_id, uuid.UUID)
        raise await _duplicate(session, await repository.valid_registration_status(session, person_id))
    return registration


def created_event(registration: Registration) -> RegistrationCreated:
    """Returns the registration.created event of a registration that has taken effect."""
    return RegistrationCreated(
        registration_id=registration.id,
        person_id=registration.person_id,
        agency_region_code=registration.agency_region_code,
        channel=registration.channel,
        status=registration.status,
        applied_at=registration.applied_at,
        registered_on=registration.registered_on,
    )


def application_date(applied_at: datetime, timezone: ZoneInfo) -> date:
    """Returns the local calendar date of an application."""
    return applied_at.astimezone(timezone).date()


async def create_registration(
    session: AsyncSession,
    env: RegistrationEnv,
    principal: Principal,
    body: RegistrationCreate,
    now: datetime,
) -> CreateResult:
    """Checks every REG-* rule, finds or creates the person and records the registration; a window
    application takes effect at once, an online one once its declaration is confirmed. Every rule cites the
    clauses of the pack of the agency's region."""
    pack = env.policy.for_region(body.agency_region_code)
    facts, violations = validate_identity(
        body.person.id_type,
        body.person.id_number,
        birth_date=body.person.birth_date,
        gender=body.person.gender,
        today=now.astimezone(env.timezone).date(),
        clauses=IdentityClauses.of(pack.citation),
    )
    authorize_create(
        principal, body, facts.id_number if facts else normalize_id_number(body.person.id_number)
    )
    if body.applied_at > now + CLOCK_SKEW:
        raise ApplicationInFuture(
            f"applied_at {body.applied_at.isoformat()} lies in the future.",
            f"申请时间 {body.applied_at.isoformat()} 晚于当前时间。",
            [
                Violation(
                    "SCHEMA-FUTURE-DATETIME",
                    "applied_at",
                    "applied_at must not be in the future",
                    "申请时间不能晚于当前时间",
                )
            ],
        )
    applied_on = application_date(body.applied_at, env.timezone)
    try:
        # One parameter at a time: a pack answers for the registration parameters from its own notice's
        # date even where its other parameters (loans, difficulty) start later.
        working_age = pack.param("working_age_min", applied_on)
        online = pack.param("registration_online_workdays", applied_on)
        window = pack.param("registration_window_workdays", applied_on)
    except ParameterNotInForceError as exc:
        raise PolicyNotInForce(
            f"Policy pack {pack.id} has no parameters in force on {applied_on}: {exc.message}",
            f"{pack.name_zh}政策参数在{date_zh(applied_on)}尚未生效。",
        ) from exc

    values = person_values(body.person, facts) if facts else None
    # The person is written before the checks, which need the stored birth date: a failed application
    # raises, and the request's rollback takes the row away again.
    stored = (await insert_or_get_person(session, values))[0] if values else None
    birth_date = (
        stored.birth_date
        if stored and stored.birth_date
        else (facts.birth_date if facts else None) or body.person.birth_date
    )
    results = []
    # Without a birth date REG-ID has already failed (a travel permit needs it given), so REG-AGE waits.
    if birth_date is not None:
        results.append(check_age(birth_date, applied_on, int(working_age.value), working_age.source))
    results.extend(
        check_declaration(
            unemployed=body.declaration.unemployed,
            able_to_work=body.declaration.able_to_work,
            wants_work=body.declaration.wants_work,
            receiving_pension=body.declaration.receiving_pension,
            source=pack.citation("registration"),
        )
    )
    results.append(check_commitment(body.commitment_signed, pack.citation("registration_commitment")))
    if facts is not None:
        employment = body.mainland_employment
        hmt = check_hmt_employment(
            facts.holder,
            None if employment is None else MainlandEmployment(
                employment.employer, employment.region_code, employment.started_on, employment.ended_on
            ),
            applied_on,
            pack.citation("hmt_registration"),
        )
        if hmt is not None:
            results.append(hmt)
    results.append(
        check_place(body.agency_region_code, body.person.hukou_region_code, body.person.residence_region_code,
                    pack.citation("registration_place"))
    )
    violations.extend(
        _as_violation(r.rule, r.field, r.reason, r.reason_zh, r.source) for r in failures(results)
    )
    # T-REGION: every code of the form names a real division (a town by its county).
    violations.extend(
        violation
        for field_name, code in (
            ("agency_region_code", body.agency_region_code),
            ("person.hukou_region_code", body.person.hukou_region_code),
            ("person.residence_region_code", body.person.residence_region_code),
        )
        if (violation := unknown_region_violation(field_name, code)) is not None
    )
    if violations:
        raise _ineligible(violations)
    assert stored is not None and values is not None

    person = stored
    changes = merge_person(person, values, now)

    deadline = decision_deadline(
        body.channel, applied_on, (int(online.value), online.source), (int(window.value), window.source),
        env.calendar,
    )
    registration = await _insert_registration(session, _registration_values(body, person, principal, deadline, now))

    if body.channel is Channel.WINDOW:
        await _take_effect(session, registration, decided_by=principal.sub, reason=None, on=applied_on, now=now)
    else:
        report = await verify_declaration(
            session,
            person.id_number,
            Declaration(
                unemployed=body.declaration.unemployed,
                able_to_work=body.declaration.able_to_work,
                wants_work=body.declaration.wants_work,
                receiving_pension=body.declaration.receiving_pension,
            ),
            on=applied_on,
            clause=pack.citation("verification"),
            screening=pack.citation("difficulty_screening"),
        )
        await _apply_verification(session, registration, report, applied_on, now, pack.citation("verification"))
    await session.flush()
    return CreateResult(registration, person, changes)


async def _take_effect(
    session: AsyncSession,
    registration: Registration,
    *,
    decided_by: str,
    reason: str | None,
    on: date,
    now: datetime,
) -> None:
    """Makes a registration take effect from `on`: decided, registered, and registration.created emitted.

    The one transition into REGISTERED, whoever decides it: the window at once, the data comparison, a
    home visit or a caseworker's approval.
    """
    registration.status = RegistrationStatus.REGISTERED
    registration.decided_at = now
    registration.decided_by = decided_by
    registration.decision_reason = reason
    registration.registered_on = on
    registration.updated_at = now
    await session.flush()
    await outbox.emit(session, platform.outbox, EventType.REGISTRATION_CREATED, created_event(registration))


def _registration_values(
    body: RegistrationCreate, person: Person, principal: Principal, deadline: Deadline, now: datetime
) -> dict[str, object]:
    """Returns the columns of a new registration, pending until it takes effect."""
    return dict(
        id=uuid.uuid4(),
        person_id=person.id,
        status=RegistrationStatus.PENDING_VERIFICATION,
        channel=body.channel.value,
        agency_region_code=body.agency_region_code,
        applied_at=body.applied_at,
        decision_due=deadline.due_on,
        deadline_workdays=deadline.workdays,
        deadline_source=deadline.source,
        deadline_estimated=deadline.estimated,
        hukou_region_code=body.person.hukou_region_code,
        hukou_type=body.person.hukou_type.value,
        residence_region_code=body.person.residence_region_code,
        residence_type=body.person.residence_type.value,
        unemployed_since=body.unemployed_since,
        unemployment_reason=body.unemployment_reason,
        education=body.education,
        health_status=body.health_status,
        disability_category=body.disability_category,
        disability_certificate_number=body.disability_certificate_number,
        skills=list(body.skills),
        certificates=[c.model_dump(mode="json") for c in body.certificates],
        job_intentions=[j.model_dump(mode="json") for j in body.job_intentions],
        training_intentions=list(body.training_intentions),
        wants_startup_support=body.wants_startup_support,
        claims_unemployment_insurance=body.claims_unemployment_insurance,
        contact_address=body.contact_address,
        emergency_contact=body.emergency_contact.model_dump(mode="json") if body.emergency_contact else None,
        mainland_employment=(
            body.mainland_employment.model_dump(mode="json") if body.mainland_employment else None
        ),
        declared_unemployed=body.declaration.unemployed,
        declared_able_to_work=body.declaration.able_to_work,
        declared_wants_work=body.declaration.wants_work,
        declared_receiving_pension=body.declaration.receiving_pension,
        commitment_signed=body.commitment_signed,
        verification_state=VerificationState.NOT_REQUIRED,
        verification_findings=[],
        overdue=False,
        false_information=False,
        created_by=principal.sub,
        created_at=now,
        updated_at=now,
    )


async def _apply_verification(
    session: AsyncSession,
    registration: Registration,
    report: VerificationReport,
    applied_on: date,
    now: datetime,
    clause: str,
) -> None:
    """Registers at once what the data confirms; else leaves it pending for a caseworker or a home visit (its
    reason citing `clause`, the region's verification clause)."""
    registration.verification_findings = [_finding_json(f) for f in report.findings]
    if report.contradicted:
        registration.verification_state = VerificationState.CONTRADICTED
    elif report.confirmed:
        registration.verification_state = VerificationState.CONFIRMED
        await _take_effect(
            session, registration, decided_by=VERIFICATION_ACTOR,
            reason="declaration confirmed by data comparison / 经数据比对核实", on=applied_on, now=now,
        )
    elif report.needs_home_visit:
        registration.verification_state = VerificationState.HOME_VISIT
    else:
        registration.verification_state = VerificationState.UNCONFIRMED
    if report.needs_home_visit and registration.status == RegistrationStatus.PENDING_VERIFICATION:
        registration.home_visit_task_id = await create_home_visit_task(
            session,
            registration.id,
            registration.person_id,
            registration.agency_region_code,
            registration.decision_due,
            f"the declaration could not be confirmed by data comparison ({clause}) / 无法通过数据比对核实，需上门调查",
        )


# What a caseworker's visit establishes about a declaration (002 §三): no work, able to work, wants work.
VISIT_CONFIRMS = ("REG-UNEMPLOYED", "REG-ABLE", "REG-WILLING")


def _visit_findings(
    outcome: HomeVisitOutcome, visited_on: date, rules: Sequence[str], note: str, clause: str
) -> list[VerificationFinding]:
    day = visited_on.isoformat()
    if outcome is HomeVisitOutcome.CONFIRMED:
        return [
            VerificationFinding("home_visit", rule, VerificationOutcome.CONFIRMED,
                                f"confirmed by home visit on {day}: {note} ({rule}, {clause})",
                                f"{day}上门调查核实：{note}（{rule}，{clause}）")
            for rule in VISIT_CONFIRMS
        ]
    if outcome is HomeVisitOutcome.CONTRADICTED:
        return [
            VerificationFinding("home_visit", rule, VerificationOutcome.CONTRADICTED,
                                f"contradicted by home visit on {day}: {note} ({rule}, {clause})",
                                f"{day}上门调查与申报不符：{note}（{rule}，{clause}）")
            for rule in rules
        ]
    return [VerificationFinding("home_visit", "REG-UNEMPLOYED", VerificationOutcome.UNKNOWN,
                                f"home visit on {day} found no one: {note} ({clause})",
                                f"{day}上门调查未能见到本人：{note}（{clause}）")]


async def applied_on(session: AsyncSession, registration_id: uuid.UUID, timezone: ZoneInfo) -> date | None:
    """Returns the local date a registration was applied for, None if there is no such registration."""
    found = await repository.get_registration(session, registration_id)
    return found[0].applied_at.astimezone(timezone).date() if found is not None else None


async def record_home_visit(
    session: AsyncSession,
    registration_id: uuid.UUID,
    outcome: HomeVisitOutcome,
    visited_on: date,
    rules: Sequence[str],
    note: str,
    visitor: Principal,
    now: datetime,
    timezone: ZoneInfo,
    policy: PolicyRegistry,
) -> Registration | None:
    """Adds a completed home visit to its pending registration, citing the verification clause of the pack of
    its region; returns the registration if it changed.

    A confirmed declaration makes the registration take effect on the day the visit is recorded, as a
    caseworker's approval does; a contradicted or unreachable visit leaves it pending for a decision.
    A registration decided in the meantime is left as it is (the visit stays on its task).
    """
    found = await repository.get_registration(session, registration_id, for_update=True)
    if found is None or found[0].status != RegistrationStatus.PENDING_VERIFICATION:
        return None
    registration = found[0]
    clause = policy.for_region(registration.agency_region_code).citation("verification")
    findings = _visit_findings(outcome, visited_on, rules, note, clause)
    registration.verification_findings = [
        *registration.verification_findings, *(_finding_json(f) for f in findings)
    ]
    registration.updated_at = now
    if outcome is HomeVisitOutcome.CONFIRMED:
        registration.verification_state = VerificationState.CONFIRMED
        await _take_effect(
            session, registration, decided_by=visitor.sub,
            reason="declaration confirmed by home visit / 经上门调查核实", on=now.astimezone(timezone).date(),
            now=now,
        )
    elif outcome is HomeVisitOutcome.CONTRADICTED:
        registration.verification_state = VerificationState.CONTRADICTED
    else:
        registration.verification_state = VerificationState.UNCONFIRMED
    await session.flush()
    return registration


async def load_for_read(
    session: AsyncSession, principal: Principal, registration_id: uuid.UUID
) -> tuple[Registration, Person]:
    """Gets a registration the caller may see, else the 403 that reveals nothing."""
    found = await repository.get_readable(session, principal, registration_id)
    if found is None:
        raise forbidden()
    return found


async def decide(
    session: AsyncSession,
    principal: Principal,
    registration_id: uuid.UUID,
    approve: bool,
    reason: str,
    now: datetime,
    timezone: ZoneInfo,
    policy: PolicyRegistry,
) -> tuple[Registration, Person]:
    """Approves or rejects a pending registration; approval takes effect and emits registration.created,
    rejection tells the applicant (registration.rejected notice)."""
    found = await repository.get_registration(session, registration_id, for_update=True)
    if found is None or not principal.covers_region(found[0].agency_region_code):
        raise forbidden()
    registration, person = found
    if registration.status != RegistrationStatus.PENDING_VERIFICATION:
        raise RegistrationNotPending(
            f"Only a pending registration can be decided; this one is {registration.status}.",
            f"只有待核实的登记可以作出决定，该登记状态为“{label_zh(RegistrationStatus(registration.status))}”。",
        )
    if approve:
        await _take_effect(
            session, registration, decided_by=principal.sub, reason=reason, on=now.astimezone(timezone).date(),
            now=now,
        )
    else:
        registration.status = RegistrationStatus.REJECTED
        registration.decided_at = now
        registration.decided_by = principal.sub
        registration.decision_reason = reason
        registration.updated_at = now
        await session.flush()
        # The applicant is told (不予登记告知): the reason, the clause and the agency to ask.
        registration.notification_id = await notify_person(
            session,
            person_id=person.id,
            phone=person.phone,
            address=registration.contact_address,
            template=REJECTED_TEMPLATE,
            params={
                "name": person.name,
                "reason": reason,
                "applied_on": registration.applied_at.astimezone(timezone).date().isoformat(),
                "agency_region_code": registration.agency_region_code,
                "source": policy.for_region(registration.agency_region_code).citation("registration"),
            },
        )
        await session.flush()
    return registration, person


async def list_registrations(
    session: AsyncSession,
    principal: Principal,
    flt: repository.ListFilter,
    page: PageRequest,
) -> Sequence[Row[Registration, Person]]:
    """Lists what the caller may see (repository.readable): staff their region, citizens their own,
    systems everything; filtered by region, identity number, status and channel."""
    if flt.id_number is not None:
        flt = dataclasses.replace(flt, id_number=normalize_id_number(flt.id_number))
    return await repository.list_registrations(session, principal, flt, page)


# The API views of a registration: the one place that maps the tables to the responses.


def to_read(
    registration: Registration,
    person: Person,
    principal: Principal,
    tz: ZoneInfo,
    *,
    full_number: bool = False,
    changes: list[PersonChange] | None = None,
) -> RegistrationRead:
    """Returns the API view of a registration; findings only for staff and systems."""
    deregistration = None
    if registration.deregistration_reason and registration.deregistration_effective_date:
        assert registration.deregistered_at is not None and registration.deregistered_by is not None
        reason = DeregistrationReason(registration.deregistration_reason)
        deregistration = DeregistrationRead(
            reason=reason.value,
            reason_group=reason_group(reason).value,
            effective_date=registration.deregistration_effective_date,
            note=registration.deregistration_note,
            notify_person=bool(registration.notify_person),
            notification_id=registration.notification_id,
            false_information=registration.false_information,
            deregistered_at=registration.deregistered_at,
            deregistered_by=registration.deregistered_by,
        )
    sees_findings = principal.role is not Role.CITIZEN
    return RegistrationRead(
        id=registration.id,
        person_id=registration.person_id,
        status=RegistrationStatus(registration.status),
        channel=Channel(registration.channel),
        agency_region_code=registration.agency_region_code,
        applied_at=registration.applied_at,
        decision_due=registration.decision_due,
        deadline=DeadlineRead(
            workdays=registration.deadline_workdays,
            source=registration.deadline_source,
            estimated=registration.deadline_estimated,
            reason=(
                f"decision due {registration.decision_due}: "
                + (
                    "window applications are decided at once"
                    if registration.deadline_workdays == 0
                    else f"{registration.deadline_workdays} working days after the application date "
                    "(T-WORKDAY)"
                )
            ),
            reason_zh=(
                f"办结期限 {registration.decision_due}："
                + (
                    "现场办理即时办结"
                    if registration.deadline_workdays == 0
                    else f"申请之日起 {registration.deadline_workdays} 个工作日内办结（T-WORKDAY）"
                )
            ),
        ),
        overdue=registration.overdue,
        decided_at=registration.decided_at if registration.decided_at else None,
        decided_by=registration.decided_by,
        decision_reason=registration.decision_reason,
        registered_on=registration.registered_on,
        person=person_service.to_read(person, full_number or principal.role is Role.SYSTEM),
        person_notes=[person_service.note(c) for c in changes or []],
        hukou_region_code=registration.hukou_region_code,
        hukou_type=registration.hukou_type,
        residence_region_code=registration.residence_region_code,
        residence_type=registration.residence_type,
        unemployed_since=registration.unemployed_since,
        unemployment_reason=registration.unemployment_reason,
        education=registration.education,
        health_status=registration.health_status,
        disability_category=registration.disability_category,
        skills=list(registration.skills),
        certificates=[dict(c) for c in registration.certificates],
        job_intentions=[dict(j) for j in registration.job_intentions],
        training_intentions=list(registration.training_intentions),
        wants_startup_support=registration.wants_startup_support,
        claims_unemployment_insurance=registration.claims_unemployment_insurance,
        contact_address=registration.contact_address,
        emergency_contact=_contact(registration.emergency_contact, full_number or principal.role is Role.SYSTEM),
        mainland_employment=dict(registration.mainland_employment) if registration.mainland_employment else None,
        declaration=DeclarationRead(
            unemployed=registration.declared_unemployed,
            able_to_work=registration.declared_able_to_work,
            wants_work=registration.declared_wants_work,
            receiving_pension=registration.declared_receiving_pension,
        ),
        commitment_signed=registration.commitment_signed,
        verification=VerificationRead(
            state=registration.verification_state,
            findings=[dict(f) for f in registration.verification_findings] if sees_findings else None,
            home_visit_task_id=registration.home_visit_task_id if sees_findings else None,
        ),
        deregistration=deregistration,
        created_at=registration.created_at,
    )


async def registration_facts(
    session: AsyncSession, principal: Principal, *, person_ids: Sequence[uuid.UUID],
    status: RegistrationStatus | None, after: uuid.UUID | None, limit: int,
) -> RegistrationFactsPage:
    """Reads one page of registration facts in the caller's region, in registration-id order."""
    rows = await repository.registration_facts(
        session, principal, person_ids=person_ids, status=status, after=after, limit=limit
    )
    return to_facts_page(rows, limit)


def to_facts_page(rows: Sequence[tuple[Any, ...]], limit: int) -> RegistrationFactsPage:
    """Returns a page of registration facts from rows fetched one beyond `limit`."""
    shown = rows[:limit]
    items = [RegistrationFacts.model_validate(dict(zip(_FACT_FIELDS, row, strict=True))) for row in shown]
    next_after = items[-1].registration_id if len(rows) > limit and items else None
    return RegistrationFactsPage(items=items, next_after=next_after)


_FACT_FIELDS = (
    "registration_id", "person_id", "status", "agency_region_code", "registered_on", "gender", "birth_date",
    "hukou_region_code", "hukou_type", "disability", "deregistration_reason", "deregistration_effective_date",
)


def _contact(contact: dict[str, JsonValue] | None, full_number: bool) -> dict[str, JsonValue] | None:
    """Returns the emergency contact as shown: its phone number masked as the person's is."""
    if not contact:
        return None
    shown = dict(contact)
    if not full_number and isinstance(shown.get("phone"), str):
        shown["phone"] = mask_phone(str(shown["phone"]))
    return shown


def to_summary(r: Registration, p: Person, *, full_number: bool) -> RegistrationSummary:
    """Returns the list view of a registration."""
    return RegistrationSummary(
        id=r.id,
        person_id=r.person_id,
        id_number=p.id_number if full_number else mask_id_number(p.id_number),
        name=p.name,
        status=r.status,
        channel=r.channel,
        agency_region_code=r.agency_region_code,
        applied_at=r.applied_at,
        decision_due=r.decision_due,
        overdue=r.overdue,
        registered_on=r.registered_on,
        created_at=r.created_at,
    )


async def rejection_letter(
    session: AsyncSession, principal: Principal, registration_id: uuid.UUID, timezone: ZoneInfo,
    policy: PolicyRegistry,
) -> DecisionLetter:
    """Returns the letter telling an applicant their registration was not accepted (不予登记告知书): the agency and
    how to reach it, the reason, the conditions of registration and the appeal deadline; 409 unless rejected."""
    registration, person = await load_for_read(session, principal, registration_id)
    if registration.status != RegistrationStatus.REJECTED or registration.decided_at is None:
        raise RegistrationNotRejected(
            f"The registration is {registration.status}; only a rejected one has a rejection letter.",
            f"该登记状态为“{label_zh(RegistrationStatus(registration.status))}”，只有不予登记的才有告知书。",
        )
    issued = registration.decided_at.astimezone(timezone).date()
    applied = registration.applied_at.astimezone(timezone).date()
    found = await agency_of(session, registration.agency_region_code)
    agency = Agency(registration.agency_region_code, found.name, found.telephone, found.address) if found else Agency(
        registration.agency_region_code)
    reason = registration.decision_reason or ""
    return DecisionLetter(
        title_zh="不予登记告知书", addressee=person.name,
        decision_zh=f"您于{date_zh(applied)}提出的失业登记申请，经审核，不予登记。",
        reason_zh=reason, legal_basis=cite(policy.for_region(registration.agency_region_code).citation("registration")),
        remedy_zh=appeal_remedy_zh(issued), agency=agency, issued_on=issued,
        title_en="Notice of refusal of unemployment registration",
        summary_en=f"The application of {applied.isoformat()} is not accepted. Reason: {reason}. An administrative "
        f"review may be asked for until {appeal_by(issued).isoformat()}.",
        rule="REG-DECISION",
    )
