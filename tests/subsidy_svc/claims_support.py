"""Support of the claims and payments tests: the subsidy app wired to the real registration and eligibility apps
on the test database, a clock the test can move, and claim bodies."""

from __future__ import annotations

import functools
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

import httpx
from fastapi import FastAPI
from httpx import ASGITransport, AsyncClient

from eligibility_svc.config import Settings as EligibilitySettings
from registration_svc.config import Settings as RegistrationSettings
from services.eligibility.app import create_app as create_eligibility_app
from services.registration.app import create_app as create_registration_app
from services.subsidy.app import create_app as create_subsidy_app
from shared.clients.eligibility import EligibilityClient
from shared.clients.registration import RegistrationClient
from shared.clock import Clock
from shared.db import Database
from subsidy_svc.config import Settings
from subsidy_svc.peers import Peers
from tests.registration_svc.registration_support import id_number
from tests.support import bearer, running_app, service_settings

ZONE = ZoneInfo("Asia/Shanghai")
REGION = "440203"
CASEWORKER = bearer("caseworker", REGION, "caseworker-1")
REVIEWER = bearer("reviewer", REGION, "reviewer-1")
ADMIN = bearer("admin", "4402", "admin-city")
PROVINCE_ADMIN = bearer("admin", "44", "admin-province")
CLAIMS = "/api/v1/skill-subsidy/claims"
BATCHES = "/api/v1/payment-batches"


@dataclass
class MovableClock:
    """A clock whose date the test sets (noon, Beijing time)."""

    today: date
    clock: Clock = field(init=False)

    def __post_init__(self) -> None:
        self.clock = Clock(ZONE, lambda: datetime.combine(self.today, time(12), ZONE).astimezone(UTC))


@asynccontextmanager
async def started(create: Callable[..., FastAPI], settings: Any, database: Database) -> AsyncIterator[FastAPI]:
    """Runs a peer app's lifespan on the test database."""
    app = create(settings=settings, database=database, configure_logs=False)
    async with app.router.lifespan_context(app):
        yield app


@asynccontextmanager
async def subsidy_api(
    database: Database, database_url: str, redis_url: str, queue_prefix: str, clock: Clock,
    eligibility_transport: httpx.AsyncBaseTransport | None = None,
) -> AsyncIterator[AsyncClient]:
    """The subsidy app whose peers are the real registration and eligibility apps (in-process, same database)."""
    reg_settings = service_settings(RegistrationSettings, database_url, redis_url, queue_prefix)
    elig_settings = service_settings(EligibilitySettings, database_url, redis_url, queue_prefix)
    settings = service_settings(Settings, database_url, redis_url, queue_prefix)
    async with (started(create_registration_app, reg_settings, database) as registration,
                started(create_eligibility_app, elig_settings, database) as eligibility):
        peers = Peers(
            RegistrationClient("http://registration", settings, caller="subsidy",
                               transport=ASGITransport(app=registration)),
            EligibilityClient("http://eligibility", settings, caller="subsidy",
                              transport=eligibility_transport or ASGITransport(app=eligibility)),
        )
        try:
            async with running_app(functools.partial(create_subsidy_app, peers=peers), settings, database,
                                   clock) as http:
                yield http
        finally:
            await peers.registration.aclose()
            await peers.eligibility.aclose()




def claim_body(
    sequence: int = 101, *, certificate: str | None = None, occupation_code: str = "4-03-02-01", level: int = 3,
    issued_on: date = date(2026, 3, 2), applied_on: date = date(2026, 4, 1), name: str = "李四",
    account_name: str | None = None, allowance: dict[str, Any] | None = None, region: str = REGION,
    born: date = date(1990, 5, 6),
) -> dict[str, Any]:
    """A claim body of one person and certificate."""
    return {
        "applicant": {"id_type": "resident_id", "id_number": id_number(born, sequence=sequence), "name": name,
                      "phone": "13800138000"},
        "certificate": {"number": certificate or f"CERT-{sequence}-{occupation_code}-{level}",
                        "occupation_code": occupation_code, "level": level, "issued_on": issued_on.isoformat()},
        "applied_on": applied_on.isoformat(),
        "place_basis": "hukou",
        "agency_region_code": region,
        "bank_account": {"bank_name": "中国工商银行韶关分行", "account_number": f"6222020{sequence:09d}",
                         "account_name": account_name or name},
        "living_allowance": allowance or {"requested": False},
    }


async def record_agency(database: Database, database_url: str, redis_url: str, queue_prefix: str,
                        region: str, agency: dict[str, Any]) -> None:
    """Records a region's agency in the real registry (PUT /api/v1/agencies/{region}) as an admin of it."""
    reg_settings = service_settings(RegistrationSettings, database_url, redis_url, queue_prefix)
    async with started(create_registration_app, reg_settings, database) as registration:
        async with AsyncClient(transport=ASGITransport(app=registration), base_url="http://registration") as http:
            response = await http.put(f"/api/v1/agencies/{region}", json=agency, headers=bearer("admin", region, "t"))
            assert response.status_code == 200, response.text


async def register_person(database: Database, database_url: str, redis_url: str, queue_prefix: str,
                          number: str, name: str = "张三") -> str:
    """Puts a person into the real registry (PUT /api/v1/persons) and returns the person_id."""
    reg_settings = service_settings(RegistrationSettings, database_url, redis_url, queue_prefix)
    async with started(create_registration_app, reg_settings, database) as registration:
        transport = ASGITransport(app=registration)
        async with AsyncClient(transport=transport, base_url="http://registration") as http:
            response = await http.put("/api/v1/persons", json={"id_type": "resident_id", "id_number": number,
                                                               "name": name}, headers=bearer("system", "44", "t"))
            assert response.status_code in (200, 201), response.text
            person_id: str = response.json()["id"]
            return person_id
