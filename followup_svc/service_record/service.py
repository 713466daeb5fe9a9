"""Service use cases: record a service given to a person (a list service names the version) and list them."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from followup_svc.person.service import require_person
from followup_svc.service_list import repository as lists
from followup_svc.service_list.models import ListKind, ServiceList
from followup_svc.service_record import repository
from followup_svc.service_record.errors import InvalidServiceDate, ListNotPublished
from followup_svc.service_record.models import LIST_SERVICE_KINDS, ServiceKind, ServiceRecord
from followup_svc.service_record.schemas import ListGiven, ServiceCreate, ServiceRead
from shared.auth import Principal
from shared.errors import Violation
from shared.labels import label_zh
from shared.pagination import Page, PageRequest, to_page
from shared.wording import date_zh

# Every service given is recorded (seed 002 §四: 全程记录提供服务); the rule ID errors and the API name.
RULE_ID = "FU-SERVICE"
LIST_OF_SERVICE = {
    ServiceKind.POLICY_LIST: ListKind.POLICIES,
    ServiceKind.SERVICE_LIST: ListKind.SERVICES,
    ServiceKind.AGENCY_LIST: ListKind.AGENCIES,
}


def to_read(record: ServiceRecord, given: ServiceList | None) -> ServiceRead:
    """Returns the API view of a service, with the list version it handed over."""
    return ServiceRead(
        id=record.id, person_id=record.person_id, agency_region_code=record.agency_region_code, kind=record.kind,
        delivered_on=record.delivered_on, detail=record.detail, given_by=record.given_by,
        list=ListGiven(id=given.id, kind=given.kind, region_code=given.region_code, version=given.version)
        if given is not None else None,
        created_at=record.created_at,
    )


async def record(
    session: AsyncSession, principal: Principal, person_id: uuid.UUID, body: ServiceCreate, today: date
) -> tuple[ServiceRecord, ServiceList | None]:
    """Records a service given to a known person in the caller's region; a list service records the version
    of the list in force in the person's region that day. 422 for a date after today."""
    person = await require_person(session, principal, person_id, RULE_ID)
    if body.delivered_on > today:
        raise InvalidServiceDate(
            f"A service cannot be recorded for a day after today ({today.isoformat()}).",
            f"不能登记今天（{date_zh(today)}）之后提供的服务。",
            [Violation(
                RULE_ID, "delivered_on",
                f"delivered_on {body.delivered_on.isoformat()} is after today {today.isoformat()}",
                f"服务日期{date_zh(body.delivered_on)}晚于今天（{date_zh(today)}）",
            )],
        )
    given: ServiceList | None = None
    if body.kind in LIST_SERVICE_KINDS:
        list_kind = LIST_OF_SERVICE[body.kind]
        given = await lists.in_force(session, person.agency_region_code, list_kind)
        if given is None:
            raise ListNotPublished(
                f"Region {person.agency_region_code} has no {list_kind.value} list to give yet; an admin publishes "
                "it with PUT /api/v1/lists/" + list_kind.value + ".",
                f"区划 {person.agency_region_code} 尚未发布{label_zh(list_kind)}，无法发放。",
                [Violation("FU-LISTS", "kind", f"no {list_kind.value} list applies in {person.agency_region_code}",
                           f"{person.agency_region_code} 无适用的{label_zh(list_kind)}")],
            )
    row = ServiceRecord(
        id=uuid.uuid4(), person_id=person_id, agency_region_code=person.agency_region_code, kind=body.kind,
        delivered_on=body.delivered_on, detail=body.detail, given_by=principal.sub,
        service_list_id=given.id if given is not None else None,
    )
    session.add(row)
    await session.flush()
    await session.refresh(row, ["created_at"])
    return row, given


async def list_services(
    session: AsyncSession, principal: Principal, person_id: uuid.UUID, page: PageRequest
) -> Page[ServiceRead]:
    """Lists a person's services in the order recorded, one page at a time."""
    await require_person(session, principal, person_id, RULE_ID)
    rows = await repository.page_of_person(session, person_id, page)
    return to_page(rows, page, lambda row: to_read(*row), lambda row: (row[0].created_at, row[0].id))
