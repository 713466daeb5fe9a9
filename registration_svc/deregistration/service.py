"""Deregistration of unemployment registrations (seed 002 §五): checks, DEREG-NOTIFY and the event."""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import date, datetime

from fastapi import Request
from pydantic import JsonValue
from sqlalchemy.ext.asyncio import AsyncSession

from registration_svc.deregistration.errors import (
    AlreadyDeregistered,
    DeregistrationNotAllowed,
    FollowupReasonNeedsOverride,
    NotRegistered,
)
from registration_svc.deregistration.rules import (
    DeregistrationReason,
    check_effective_date,
    check_income,
    manual_reason_rule,
    notify_rule,
)
from registration_svc.deregistration.schemas import DeregistrationCreate
from registration_svc.models import platform
from registration_svc.notification.service import notify_person
from registration_svc.person.models import Person
from registration_svc.registration import repository
from registration_svc.registration.models import Registration, RegistrationStatus
from shared import audit, outbox
from shared.auth import Principal, Role, forbidden
from shared.errors import DomainError, Violation
from shared.events import EventType, FollowupDeregistrationRequested, RegistrationDeregistered
from shared.explain import RuleResult, failures
from shared.labels import label_zh
from shared.policy import ParameterNotInForceError, PolicyRegistry

logger = logging.getLogger(__name__)

NOTIFICATION_TEMPLATE = "registration.deregistered"


@dataclass(frozen=True, slots=True)
class DeregistrationOutcome:
    """The deregistered registration, its person and the DEREG-NOTIFY result."""

    registration: Registration
    person: Person
    notify: RuleResult


async def deregister_by_hand(
    session: AsyncSession,
    principal: Principal,
    policy: PolicyRegistry,
    registration_id: uuid.UUID,
    body: DeregistrationCreate,
    now: datetime,
    today: date,
    request: Request,
) -> DeregistrationOutcome:
    """Deregisters at staff's request (the endpoint): DEREG-MANUAL first, then as deregister does, audited
    with the administrator's override reason when one was needed."""
    outcome = await deregister(session, principal, policy, registration_id, body, now, today, by_hand=True)
    await record_audit(session, principal, outcome, body, request=request)
    return outcome


async def deregister(
    session: AsyncSession,
    principal: Principal,
    policy: PolicyRegistry,
    registration_id: uuid.UUID,
    body: DeregistrationCreate,
    now: datetime,
    today: date,
    *,
    by_hand: bool = False,
) -> DeregistrationOutcome:
    """Ends a registered registration with a reason, tells the person unless DEREG-NOTIFY exempts it.

    by_hand: asked at the endpoint, so DEREG-MANUAL applies (unreachable and refused_services only as an
    administrator's documented override). Every rule cites the deregistration clause of the pack of the
    registration's agency region."""
    found = await repository.get_registration(session, registration_id, for_update=True)
    if found is None or not principal.covers_region(found[0].agency_region_code):
        raise forbidden()
    registration, person = found
    if registration.status == RegistrationStatus.DEREGISTERED:
        raise AlreadyDeregistered(
            f"The registration was already deregistered ({registration.deregistration_reason}, "
            f"effective {registration.deregistration_effective_date}).",
            "该失业登记已注销。",
        )
    if registration.status != RegistrationStatus.REGISTERED or registration.registered_on is None:
        raise NotRegistered(
            f"Only a registered registration can be deregistered; this one is {registration.status}.",
            f"只有已登记的失业登记可以注销，该登记状态为“{label_zh(RegistrationStatus(registration.status))}”。",
        )
    pack = policy.for_region(registration.agency_region_code)
    source = pack.citation("deregistration")
    if by_hand:
        manual = manual_reason_rule(
            body.reason, source, is_admin=principal.role is Role.ADMIN, override_reason=body.override_reason
        )
        if not manual.met:
            raise FollowupReasonNeedsOverride(
                manual.reason, manual.reason_zh,
                [Violation(manual.rule, manual.field, manual.reason, manual.reason_zh)],
            )
    results = [check_effective_date(body.effective_date, registration.registered_on, today, source)]
    if body.reason is DeregistrationReason.STABLE_INCOME:
        try:
            minimum = pack.param("minimum_living_standard_fen", body.effective_date)
        except ParameterNotInForceError:
            minimum = pack.history("minimum_living_standard_fen")[0]
        income = check_income(body.reason, body.monthly_income_fen, int(minimum.value), minimum.source, source)
        if income is not None:
            results.append(income)
    failed = failures(results)
    if failed:
        rules = ", ".join(dict.fromkeys(r.rule for r in failed))
        raise DeregistrationNotAllowed(
            f"The deregistration fails {len(failed)} check(s): {rules}; see violations.",
            f"注销未通过 {len(failed)} 项检查：{rules}，详见各项说明。",
            [
                Violation(
                    r.rule,
                    r.field,
                    f"{r.reason} ({r.rule}, {r.source})",
                    f"{r.reason_zh}（{r.rule}，{r.source}）",
                )
                for r in failed
            ],
        )

    notify = notify_rule(body.reason, source)
    registration.status = RegistrationStatus.DEREGISTERED
    registration.deregistration_reason = body.reason.value
    registration.deregistration_effective_date = body.effective_date
    registration.deregistration_note = body.note or None
    registration.deregistration_monthly_income_fen = body.monthly_income_fen
    registration.deregistered_at = now
    registration.deregistered_by = principal.sub
    registration.notify_person = notify.met
    registration.false_information = body.false_information
    registration.updated_at = now
    await session.flush()
    if notify.met:
        registration.notification_id = await notify_person(
            session,
            person_id=person.id,
            phone=person.phone,
            address=registration.contact_address,
            template=NOTIFICATION_TEMPLATE,
            params={
                "name": person.name,
                "reason": body.reason.value,
                "effective_date": body.effective_date.isoformat(),
                "agency_region_code": registration.agency_region_code,
                "source": source,
            },
        )
        await session.flush()
    await outbox.emit(
        session,
        platform.outbox,
        EventType.REGISTRATION_DEREGISTERED,
        RegistrationDeregistered(
            registration_id=registration.id,
            person_id=registration.person_id,
            agency_region_code=registration.agency_region_code,
            reason=body.reason.value,
            effective_date=body.effective_date,
        ),
    )
    return DeregistrationOutcome(registration, person, notify)


async def record_audit(
    session: AsyncSession,
    principal: Principal,
    outcome: DeregistrationOutcome,
    body: DeregistrationCreate,
    *,
    request: Request | None = None,
    evidence: dict[str, JsonValue] | None = None,
) -> None:
    """Writes the audit entry of a deregistration, whether asked at the endpoint or by a follow-up event."""
    details: dict[str, JsonValue] = {
        "reason": body.reason.value,
        "effective_date": body.effective_date.isoformat(),
        "notify_person": outcome.notify.met,
        "false_information": body.false_information,
    }
    if evidence is not None:
        details["requested_by_followup"] = evidence
    if body.override_reason is not None:
        details["override_reason"] = body.override_reason
    await audit.record(
        session, platform.audit_log, principal, "registration.deregister", "registration",
        str(outcome.registration.id), request=request, details=details,
    )


async def deregister_on_request(
    session: AsyncSession,
    policy: PolicyRegistry,
    request: FollowupDeregistrationRequested,
    now: datetime,
    today: date,
) -> DeregistrationOutcome | None:
    """Carries out a deregistration the follow-up service asked for (followup.deregistration_requested),
    exactly as the endpoint would, with the requesting caseworker as the actor.

    A registration already deregistered, or not (yet) in effect, is left as it is; a request a DEREG rule
    refuses is logged with the rules that failed and changes nothing. Either way the event is done: a
    retry could not turn out differently.
    """
    found = await repository.get_registration(session, request.registration_id, for_update=True)
    if found is None or found[0].status != RegistrationStatus.REGISTERED:
        logger.info(
            "deregistration request left alone: the registration is not in effect",
            extra={"registration_id": str(request.registration_id), "reason": request.reason,
                   "status": found[0].status if found else None},
        )
        return None
    registration = found[0]
    principal = Principal(request.requested_by, Role.CASEWORKER, registration.agency_region_code)
    try:
        body = DeregistrationCreate(
            reason=DeregistrationReason(request.reason), effective_date=request.effective_date,
            note=request.note, monthly_income_fen=request.monthly_income_fen,
        )
        outcome = await deregister(session, principal, policy, registration.id, body, now, today)
    except (DomainError, ValueError) as exc:
        logger.warning(
            "deregistration request refused",
            extra={"registration_id": str(request.registration_id), "reason": request.reason,
                   "error": str(exc)[:300],
                   "rules": [v.rule for v in getattr(exc, "violations", ())]},
        )
        return None
    await record_audit(session, principal, outcome, body, evidence=request.evidence)
    return outcome
