"""The registration service as its peers call it: the person registry (api.md "Persons")."""

from __future__ import annotations

import uuid
from datetime import date

from pydantic import BaseModel, ConfigDict

from shared.clients.base import ServiceClient
from shared.errors import InvalidInput, Violation
from shared.settings import PlatformSettings


class PersonIdentity(BaseModel):
    """What a peer knows of a person to find them in the registry."""

    id_type: str
    id_number: str
    name: str
    gender: str | None = None
    birth_date: date | None = None
    phone: str | None = None


class RegisteredPerson(BaseModel):
    """A person of the registry as a peer sees them: the id to key records by, and the identity facts."""

    model_config = ConfigDict(extra="ignore")

    id: uuid.UUID
    id_type: str
    id_number: str
    name: str
    gender: str | None
    birth_date: date | None
    phone: str | None


class ReferenceMatch(BaseModel):
    """An active reference record about a person in force on the day asked (social insurance, pension,
    business registration, civil affairs)."""

    model_config = ConfigDict(extra="ignore")

    person_id: uuid.UUID
    source: str
    kind: str
    valid_from: date | None = None
    valid_to: date | None = None



class PersonRefused(InvalidInput):
    """The registry refused the identity (REG-ID); its violations are passed on."""

    code = "person.invalid_identity"
    title = "Invalid identity"


class RegistrationClient(ServiceClient):
    """Calls of the registration service."""

    peer = "registration"
    peer_zh = "登记服务"

    @classmethod
    def from_settings(cls, settings: PlatformSettings, *, caller: str) -> RegistrationClient:
        """Returns the client at REGISTRATION_URL."""
        return cls(settings.registration_url, settings, caller=caller)

    async def put_person(self, identity: PersonIdentity) -> RegisteredPerson:
        """Finds or creates the person of an identity number; raises PersonRefused when REG-ID fails."""
        response = await self.request("PUT", "/api/v1/persons", json=identity.model_dump(mode="json",
                                                                                          exclude_none=True))
        if response.status_code == 422:
            problem = response.json()
            raise PersonRefused(
                str(problem.get("detail", "The identity was refused.")),
                str(problem.get("detail_zh", "证件信息未通过校验。")),
                [Violation(v["rule"], v.get("field"), v["message"], v["message_zh"])
                 for v in problem.get("violations", [])],
            )
        if response.status_code not in (200, 201):
            raise self.unavailable(f"HTTP {response.status_code}")
        return RegisteredPerson.model_validate(response.json())

    async def get_person(self, person_id: uuid.UUID) -> RegisteredPerson | None:
        """Gets a person by id (full identity number: this is a system call); None if there is none."""
        response = await self.request("GET", f"/api/v1/persons/{person_id}")
        if response.status_code in (403, 404):
            return None
        if response.status_code != 200:
            raise self.unavailable(f"HTTP {response.status_code}")
        return RegisteredPerson.model_validate(response.json())


    async def reference_matches(
        self, person_ids: list[uuid.UUID], on: date, kinds: list[str] | None = None
    ) -> list[ReferenceMatch]:
        """Asks, in one call, which persons of a page have reference records in force on `on`
        (POST /api/v1/reference-data/matches; a read, so retried like an idempotent call)."""
        response = await self.request(
            "POST", "/api/v1/reference-data/matches",
            json={"person_ids": [str(p) for p in person_ids], "on": on.isoformat(), "kinds": kinds},
            # The endpoint changes nothing; the key only lets the client retry it after a transient failure.
            idempotency_key=f"reference-matches:{on.isoformat()}:{person_ids[0]}:{len(person_ids)}",
        )
        if response.status_code != 200:
            raise self.unavailable(f"HTTP {response.status_code}")
        return [ReferenceMatch.model_validate(m) for m in response.json()["matches"]]
