"""API models of the person registry (api.md "Persons")."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from registration_svc.identity.rules import IdType
from shared.clock import LocalDateTime
from shared.identity import Gender
from shared.inputs import BoundedDate, PhoneNumber
from shared.regions import AreaType, RecordRegionCode

ShortText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]


class PersonPut(BaseModel):
    """A person as another service knows them: the identity, and what contact details it has."""

    model_config = ConfigDict(extra="forbid")

    id_type: IdType
    id_number: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=32)]
    name: ShortText
    gender: Gender | None = None
    birth_date: BoundedDate | None = None
    phone: PhoneNumber | None = None
    hukou_region_code: RecordRegionCode | None = None
    hukou_type: AreaType | None = None
    residence_region_code: RecordRegionCode | None = None
    residence_type: AreaType | None = None


class PersonRead(BaseModel):
    """The person as stored; the identity number is masked unless the caller may see it."""

    id: UUID
    id_type: str
    id_number: str
    name: str
    gender: str | None
    birth_date: date | None
    phone: str | None
    hukou_region_code: str | None
    hukou_type: str | None
    residence_region_code: str | None
    residence_type: str | None


class ContactCorrection(BaseModel):
    """PATCH /api/v1/persons/{id}/contact: staff correct a person's telephone without a new registration."""

    model_config = ConfigDict(extra="forbid")

    phone: Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^\+?[0-9][0-9 -]{4,30}$")] = Field(
        description="联系电话 The corrected telephone number", examples=["13800000001"]
    )
    reason: Annotated[str, StringConstraints(strip_whitespace=True, min_length=2, max_length=500)] = Field(
        description="更正原因 Why it is corrected (kept in the audit log with the old value)",
        examples=["本人来电告知更换手机号码"],
    )


class PersonNote(BaseModel):
    """What happened to an existing person's stored data on this request."""

    field: str
    action: Annotated[Literal["kept", "updated"], Field(description="处理方式（“kept”保留原值，“updated”已更新）")]
    message: str
    message_zh: str


class PersonRecordRead(PersonRead):
    """A person of the registry, with when it was first and last written."""

    created_at: LocalDateTime
    updated_at: LocalDateTime
    person_notes: list[PersonNote] = Field(default_factory=list)
