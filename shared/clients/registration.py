"""The registration service as its peers call it: the person registry (api.md "Persons") and the job
services (published job seekers' intentions, vacancies, the open vacancies the matching ranks)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date

from pydantic import BaseModel, ConfigDict, Field

from shared.clients.base import ServiceClient
from shared.errors import InvalidInput, Violation
from shared.matching import OpenVacancy, SeekerProfile
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


class PublishedVacancy(BaseModel):
    """An open vacancy as GET /api/v1/vacancies/open gives it."""

    model_config = ConfigDict(extra="ignore")

    id: uuid.UUID
    employer_name: str
    title: str
    occupation_code: str
    positions: int
    region_code: str
    monthly_wage_min_fen: int
    monthly_wage_max_fen: int
    full_time: bool
    education: str | None
    skills: list[str]
    valid_until: date
    published_on: date | None

    def matchable(self) -> OpenVacancy:
        """Returns the vacancy as shared.matching ranks it."""
        return OpenVacancy.of(self.id, self.occupation_code, self.region_code, self.monthly_wage_min_fen,
                              self.monthly_wage_max_fen, self.full_time, self.skills)


class VacancyState(BaseModel):
    """Where one vacancy stands (a recommendation needs it published)."""

    model_config = ConfigDict(extra="ignore")

    id: uuid.UUID
    status: str
    title: str
    occupation_code: str
    region_code: str
    valid_until: date
    close_reason: str | None


class JobSeekerIntentions(BaseModel):
    """A person's published job-seeker registration: the intentions and skills matching needs."""

    model_config = ConfigDict(extra="ignore")

    id: uuid.UUID
    person_id: uuid.UUID
    status: str
    agency_region_code: str
    occupation_codes: list[str]
    region_codes: list[str]
    min_monthly_wage_fen: int | None
    full_time: bool | None
    skills: list[str]

    def profile(self) -> SeekerProfile:
        """Returns the person as shared.matching ranks for them."""
        return SeekerProfile.of(self.occupation_codes, self.region_codes, self.min_monthly_wage_fen,
                                self.full_time, self.skills)
class RegistrationFacts(BaseModel):
    """One registration as the facts a peer may read (DIFF-SCREENING, the certification's registration
    facts): dates, status, deregistration, and the person's gender, birth date and household."""

    model_config = ConfigDict(extra="ignore")

    registration_id: uuid.UUID
    person_id: uuid.UUID
    status: str
    agency_region_code: str
    registered_on: date | None
    gender: str | None
    birth_date: date | None
    hukou_region_code: str
    hukou_type: str
    disability: bool
    deregistration_reason: str | None
    deregistration_effective_date: date | None


# How many persons one call of GET /registrations/facts may name (the query string stays under 20 kB).
MAX_FACT_PERSONS = 300


class RegistrationFactsPage(BaseModel):
    """One page of registration facts in registration-id order; `next_after` continues it (None: the end)."""

    items: list[RegistrationFacts]
    next_after: uuid.UUID | None

class ReferenceMatch(BaseModel):
    """An active reference record about a person in force on the day asked (social insurance, pension,
    business registration, civil affairs)."""

    model_config = ConfigDict(extra="ignore")

    person_id: uuid.UUID
    source: str
    kind: str
    valid_from: date | None = None
    valid_to: date | None = None



class AgencyContact(BaseModel):
    """The agency that answers for a region, as a decision letter names it (api.md "Regions")."""

    model_config = ConfigDict(extra="ignore")

    region_code: str = Field(description="机构所属区划代码（本区划未登记机构时为上级区划）")
    name: str = Field(description="公共就业服务机构名称")
    address: str = Field(description="机构地址")
    telephone: str = Field(description="机构联系电话")


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

    async def agency_for(self, region_code: str) -> AgencyContact | None:
        """Gets the agency that answers for a region (its own or the nearest above); None if none is recorded."""
        response = await self.request("GET", f"/api/v1/agencies/{region_code}")
        if response.status_code in (404, 422):
            return None
        if response.status_code != 200:
            raise self.unavailable(f"HTTP {response.status_code}")
        return AgencyContact.model_validate(response.json())

    async def published_job_seeker(self, person_id: uuid.UUID) -> JobSeekerIntentions | None:
        """Gets the person's published job-seeker registration (intentions and skills); None if none."""
        response = await self.request(
            "GET", "/api/v1/job-seekers", params={"person_id": str(person_id), "status": "published", "limit": "1"}
        )
        if response.status_code != 200:
            raise self.unavailable(f"HTTP {response.status_code}")
        items = response.json()["items"]
        if not items:
            return None
        item = items[0]
        return JobSeekerIntentions.model_validate({**item, **item["intentions"]})

    async def get_vacancy(self, vacancy_id: uuid.UUID) -> VacancyState | None:
        """Gets where a vacancy stands; None if there is none."""
        response = await self.request("GET", f"/api/v1/vacancies/{vacancy_id}")
        if response.status_code in (403, 404):
            return None
        if response.status_code != 200:
            raise self.unavailable(f"HTTP {response.status_code}")
        return VacancyState.model_validate(response.json())

    async def open_vacancies(self, region: str | None = None, page_size: int = 1000) -> list[PublishedVacancy]:
        """Reads every published vacancy valid today (in `region`, if given), page by page, oldest first."""
        vacancies: list[PublishedVacancy] = []
        cursor: str | None = None
        while True:
            params = {"limit": str(page_size)}
            if region is not None:
                params["region"] = region
            if cursor is not None:
                params["cursor"] = cursor
            response = await self.request("GET", "/api/v1/vacancies/open", params=params)
            if response.status_code != 200:
                raise self.unavailable(f"HTTP {response.status_code}")
            page = response.json()
            vacancies.extend(PublishedVacancy.model_validate(item) for item in page["items"])
            cursor = page["next_cursor"]
            if cursor is None:
                return vacancies
    async def registrations_of(self, person_id: uuid.UUID) -> list[RegistrationFacts]:
        """Lists every registration of a person (any status), as facts."""
        facts: list[RegistrationFacts] = []
        after: uuid.UUID | None = None
        while True:
            page = await self.registration_facts(person_ids=[person_id], after=after, limit=100)
            facts.extend(page.items)
            if page.next_after is None:
                return facts
            after = page.next_after

    async def registration_facts(
        self, *, person_ids: Sequence[uuid.UUID] = (), status: str | None = None, after: uuid.UUID | None = None,
        limit: int = 1000,
    ) -> RegistrationFactsPage:
        """Reads one page of registration facts (of some persons, at most MAX_FACT_PERSONS, or of everyone with
        a status), after `after`."""
        params: dict[str, str | Sequence[str]] = {"limit": str(limit)}
        if person_ids:
            params["person_id"] = [str(p) for p in person_ids]
        if status is not None:
            params["status"] = status
        if after is not None:
            params["after"] = str(after)
        response = await self.request("GET", "/api/v1/registrations/facts", params=params)
        if response.status_code != 200:
            raise self.unavailable(f"HTTP {response.status_code}")
        return RegistrationFactsPage.model_validate_json(response.content)

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
