"""Survey use cases: record a person's baseline survey, classify it (FU-CLASSIFY) and show the package due."""

from __future__ import annotations

import uuid

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from followup_svc.person.service import require_person
from followup_svc.service_record import repository as services
from followup_svc.survey.errors import NoSurvey
from followup_svc.survey.models import PersonSurvey
from followup_svc.survey.rules import RULE_ID, SurveyFacts, classification_source, classify
from followup_svc.survey.schemas import SurveyPut, SurveyRead
from shared.auth import Principal
from shared.errors import Violation
from shared.policy import PolicyRegistry


async def _read(session: AsyncSession, row: PersonSurvey, policy: PolicyRegistry) -> SurveyRead:
    given = {record.kind.value for record in await services.of_person(session, row.person_id)}
    pack = policy.for_region(row.agency_region_code)
    return SurveyRead(
        person_id=str(row.person_id), classification=row.classification, reason=row.reason, reason_zh=row.reason_zh,
        package=row.package, outstanding=[kind for kind in row.package if kind not in given],
        source=classification_source(pack.citation, row.classification.value), surveyed_by=row.surveyed_by,
    )


async def put_survey(
    session: AsyncSession, principal: Principal, person_id: uuid.UUID, body: SurveyPut, policy: PolicyRegistry
) -> SurveyRead:
    """Records a known person's survey (replacing an earlier one) and classifies it (FU-CLASSIFY), citing the
    clauses of the pack of the person's region."""
    person = await require_person(session, principal, person_id, RULE_ID)
    result = classify(SurveyFacts(
        wants_work_now=body.wants_work_now, health=body.health, wants_entrepreneurship=body.wants_entrepreneurship,
        wants_training=body.wants_training, skills=tuple(body.skills),
    ), policy.for_region(person.agency_region_code).citation)
    values = {
        "agency_region_code": person.agency_region_code, "answers": body.model_dump(mode="json"),
        "classification": result.classification, "reason": result.reason, "reason_zh": result.reason_zh,
        "package": list(result.package), "surveyed_by": principal.sub, "updated_at": func.now(),
    }
    await session.execute(
        pg_insert(PersonSurvey).values(person_id=person_id, **values)
        .on_conflict_do_update(index_elements=[PersonSurvey.person_id], set_=values)
    )
    row = (await session.execute(
        select(PersonSurvey).where(PersonSurvey.person_id == person_id).execution_options(populate_existing=True)
    )).scalar_one()
    return await _read(session, row, policy)


async def get_survey(session: AsyncSession, principal: Principal, person_id: uuid.UUID, policy: PolicyRegistry
                     ) -> SurveyRead:
    """Gets a person's class and package with what of it is still to give; 404 when there is no survey."""
    await require_person(session, principal, person_id, RULE_ID)
    row = await session.get(PersonSurvey, person_id)
    if row is None:
        raise NoSurvey(
            f"Person {person_id} has no baseline survey yet.", f"编号为“{person_id}”的人员尚未进行摸底调查。",
            [Violation(RULE_ID, "person_id", "no survey recorded", "尚无摸底调查记录")],
        )
    return await _read(session, row, policy)


async def wishes(session: AsyncSession, person_id: uuid.UUID) -> tuple[bool, bool]:
    """Returns whether the person's survey says they want training and a business of their own (FU-TIER)."""
    row = await session.get(PersonSurvey, person_id)
    if row is None:
        return False, False
    return bool(row.answers.get("wants_training")), bool(row.answers.get("wants_entrepreneurship"))
