"""Bodies of the service endpoints."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from followup_svc.service_list.models import ListKind
from followup_svc.service_record.models import ServiceKind
from shared.clock import LocalDateTime
from shared.inputs import BoundedDate


class ServiceCreate(BaseModel):
    """Body of POST /persons/{person_id}/services: what was given, on which day, with what detail."""

    model_config = ConfigDict(extra="forbid")

    kind: ServiceKind
    delivered_on: BoundedDate
    detail: str = Field(default="", max_length=2000)


class ListGiven(BaseModel):
    """Which version of which region's list a list service handed over."""

    id: UUID
    kind: ListKind
    region_code: str
    version: int


class ServiceRead(BaseModel):
    """A service given, as the API shows it."""

    id: UUID
    person_id: UUID
    agency_region_code: str
    kind: ServiceKind
    delivered_on: date
    detail: str
    given_by: str
    list: ListGiven | None
    created_at: LocalDateTime
