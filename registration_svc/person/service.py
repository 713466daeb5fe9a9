"""The person registry: the one place where an identity number becomes a person_id (api.md "Persons").

Registrations and every other service find or create their person here. Identity fields (type, name,
gender, birth date) are kept once recorded; contact and household details follow the latest report.
"""

from __future__ import annotations

import enum
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from registration_svc.identity.rules import (
    IdentityClauses,
    IdentityFacts,
    IdType,
    validate_identity,
)
from registration_svc.person import repository
from registration_svc.person.errors import InvalidIdentity, UnknownRegion
from registration_svc.person.models import Person
from registration_svc.person.schemas import PersonNote, PersonPut, PersonRead, PersonRecordRead
from shared.auth import Principal, Role, forbidden
from shared.identity import Gender, normalize_id_number
from shared.labels import field_zh
from shared.masking import mask_id_number, mask_phone
from shared.regions import AreaType, unknown_region_violation

IDENTITY_FIELDS = ("id_type", "name", "gender", "birth_date")
CONTACT_FIELDS = ("phone", "hukou_region_code", "hukou_type", "residence_region_code", "residence_type")


@dataclass(frozen=True, slots=True)
class PersonChange:
    """One field of an existing person that a request kept or updated."""

    field: str
    action: str
    stored: str | None
    given: str | None


def _string(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, enum.Enum):
        return str(value.value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


class ReportedPerson(Protocol):
    """A person as a request reports them: the registry's PUT body, or a registration form's person."""

    @property
    def id_type(self) -> IdType: ...
    @property
    def name(self) -> str: ...
    @property
    def gender(self) -> Gender | None: ...
    @property
    def birth_date(self) -> date | None: ...
    @property
    def phone(self) -> str | None: ...
    @property
    def hukou_region_code(self) -> str | None: ...
    @property
    def hukou_type(self) -> AreaType | None: ...
    @property
    def residence_region_code(self) -> str | None: ...
    @property
    def residence_type(self) -> AreaType | None: ...


def person_values(reported: ReportedPerson, facts: IdentityFacts) -> dict[str, object]:
    """Returns the columns of a person as reported, with the facts the identity number encodes."""
    gender = facts.gender or reported.gender
    return {
        "id_type": reported.id_type.value,
        "id_number": facts.id_number,
        "name": reported.name,
        "gender": gender.value if gender else None,
        "birth_date": facts.birth_date or reported.birth_date,
        "phone": reported.phone,
        "hukou_region_code": reported.hukou_region_code,
        "hukou_type": reported.hukou_type,
        "residence_region_code": reported.residence_region_code,
        "residence_type": reported.residence_type,
    }


def merge_person(person: Person, values: Mapping[str, object], now: datetime) -> list[PersonChange]:
    """Keeps an existing person's identity fields and takes the new contact and household details (those
    given); returns what changed."""
    changes: list[PersonChange] = []
    for name in IDENTITY_FIELDS:
        stored, given = _string(getattr(person, name)), _string(values[name])
        if given is not None and stored != given:
            changes.append(PersonChange(name, "kept", stored, given))
    for name in CONTACT_FIELDS:
        stored, given = _string(getattr(person, name)), _string(values[name])
        if given is not None and stored != given:
            setattr(person, name, values[name])
            changes.append(PersonChange(name, "updated", stored, given))
    if any(change.action == "updated" for change in changes):
        person.updated_at = now
    return changes


def person_region(reported: PersonPut, caller_region: str) -> str:
    """Returns the region whose policy pack REG-ID cites for a person reported: their habitual residence, else
    their household registration, else the caller's region."""
    return reported.residence_region_code or reported.hukou_region_code or caller_region


async def put_person(
    session: AsyncSession, reported: PersonPut, now: datetime, today: date, clauses: IdentityClauses
) -> tuple[Person, bool, list[PersonChange]]:
    """Finds the person of an identity number, creating them if needed (REG-ID checked as for a
    registration, citing `clauses`); returns the person, whether it was created and what changed on an
    existing one."""
    facts, violations = validate_identity(
        reported.id_type, reported.id_number, birth_date=reported.birth_date, gender=reported.gender, today=today,
        clauses=clauses,
    )
    if violations or facts is None:
        raise InvalidIdentity(
            "The identity does not pass REG-ID; see violations. Nothing was saved.",
            "证件信息未通过 REG-ID 校验，详见各项说明，未保存任何内容。",
            violations,
        )
    unknown = [
        violation
        for field_name, code in (("hukou_region_code", reported.hukou_region_code),
                                 ("residence_region_code", reported.residence_region_code))
        if (violation := unknown_region_violation(field_name, code)) is not None
    ]
    if unknown:
        raise UnknownRegion(
            "A region code names no division of GB/T 2260; see violations. Nothing was saved.",
            "区划代码不是有效的行政区划代码，详见各项说明，未保存任何内容。",
            unknown,
        )
    values = person_values(reported, facts)
    person, created = await repository.insert_or_get_person(session, values)
    changes = [] if created else merge_person(person, values, now)
    await session.flush()
    return person, created, changes


async def get_person(session: AsyncSession, principal: Principal, person_id: uuid.UUID) -> Person:
    """Gets a person: staff and systems any, a citizen only themselves, an employer none; else the 403 that
    reveals nothing."""
    person = await repository.get_person(session, person_id)
    if person is None or principal.role is Role.EMPLOYER or (
        principal.role is Role.CITIZEN and normalize_id_number(principal.sub) != person.id_number
    ):
        raise forbidden()
    return person


async def correct_contact(
    session: AsyncSession, principal: Principal, person_id: uuid.UUID, phone: str, now: datetime
) -> tuple[Person, PersonChange | None]:
    """Corrects a person's telephone: staff whose region covers the person's residence or household
    registration; returns the change (None when it is the same number)."""
    person = await repository.get_person(session, person_id)
    regions = [code for code in (person.residence_region_code, person.hukou_region_code) if code] if person else []
    if person is None or not any(principal.covers_region(code) for code in regions):
        raise forbidden()
    if person.phone == phone:
        return person, None
    change = PersonChange("phone", "updated", person.phone, phone)
    person.phone = phone
    person.updated_at = now
    await session.flush()
    return person, change


def to_read(person: Person, full_number: bool) -> PersonRead:
    """Returns the API view of a person; the identity and phone numbers masked unless `full_number`."""
    return PersonRead(
        id=person.id,
        id_type=person.id_type,
        id_number=person.id_number if full_number else mask_id_number(person.id_number),
        name=person.name,
        gender=person.gender,
        birth_date=person.birth_date,
        phone=person.phone if full_number or person.phone is None else mask_phone(person.phone),
        hukou_region_code=person.hukou_region_code,
        hukou_type=person.hukou_type,
        residence_region_code=person.residence_region_code,
        residence_type=person.residence_type,
    )


def note(change: PersonChange) -> PersonNote:
    """Says what happened to one field of an existing person, in both languages."""
    if change.action == "kept":
        return PersonNote(
            field=change.field,
            action="kept",
            message=f"{change.field} differs from the stored person; the stored identity field is kept",
            message_zh=f"{field_zh(change.field)}与已登记的人员信息不一致，保留原有身份信息",
        )
    return PersonNote(
        field=change.field,
        action="updated",
        message=f"{change.field} of the stored person was updated from this application",
        message_zh=f"已按本次申请更新人员的{field_zh(change.field)}",
    )


def to_record_read(person: Person, full_number: bool, changes: list[PersonChange] | None = None) -> PersonRecordRead:
    """Returns the registry's view of a person, with the notes on what a PUT kept or updated."""
    return PersonRecordRead(
        **to_read(person, full_number).model_dump(),
        created_at=person.created_at,
        updated_at=person.updated_at,
        person_notes=[note(c) for c in changes or []],
    )
