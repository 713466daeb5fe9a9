"""Helpers for the registration API tests: valid identity numbers, application bodies, a running app."""

from __future__ import annotations

import copy
from collections.abc import AsyncIterator
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from httpx import AsyncClient
from sqlalchemy import func, select

from registration_svc.config import Settings
from registration_svc.models import platform
from registration_svc.registration.models import Registration
from services.registration.app import create_app
from shared.clock import Clock
from shared.db import Database
from tests.support import bearer, running_app, service_settings

# GB 11643-1999 §5.2 weights and check characters, written out so tests do not reuse the code under test.
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"

SHAOGUAN_WUJIANG = "440203"
SHAOGUAN_ZHENJIANG = "440204"
GUANGZHOU_YUEXIU = "440104"
LANZHOU_CHENGGUAN = "620102"


def id_number(born: date, sequence: int = 123, region: str = SHAOGUAN_WUJIANG) -> str:
    """Returns a valid 18-digit identity number (odd sequence: male)."""
    first17 = f"{region}{born:%Y%m%d}{sequence:03d}"
    return first17 + _CHECK[sum(int(c) * w for c, w in zip(first17, _WEIGHTS, strict=True)) % 11]


def _merge(base: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    for key, value in changes.items():
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            _merge(base[key], value)
        else:
            base[key] = value
    return base


def application(
    number: str,
    *,
    channel: str = "window",
    agency: str = SHAOGUAN_WUJIANG,
    applied_at: str = "2026-11-20T10:00:00+08:00",
    **changes: Any,
) -> dict[str, Any]:
    """Returns a complete, eligible application body; keyword changes are merged in (nested dicts too)."""
    body: dict[str, Any] = {
        "person": {
            "id_type": "resident_id",
            "id_number": number,
            "name": "张三",
            "phone": "13800000000",
            "hukou_region_code": SHAOGUAN_WUJIANG,
            "hukou_type": "rural",
            "residence_region_code": SHAOGUAN_WUJIANG,
            "residence_type": "urban",
        },
        "channel": channel,
        "agency_region_code": agency,
        "applied_at": applied_at,
        "declaration": {
            "unemployed": True,
            "able_to_work": True,
            "wants_work": True,
            "receiving_pension": False,
        },
        "unemployed_since": "2026-10-01",
        "unemployment_reason": "contract ended",
        "commitment_signed": True,
        "education": "senior_secondary",
        "skills": ["forklift"],
        "job_intentions": [{"occupation": "warehouse keeper", "region_code": SHAOGUAN_WUJIANG}],
    }
    return _merge(copy.deepcopy(body), changes)


def caseworker(region: str = "44", sub: str = "cw-1") -> dict[str, str]:
    """Returns the Authorization header of a caseworker."""
    return bearer("caseworker", region, sub)


def rules_of(problem: dict[str, Any]) -> list[str]:
    """Returns the rule IDs of a problem's violations."""
    return [v["rule"] for v in problem.get("violations", [])]


async def registration_count(database: Database) -> int:
    """Returns how many registrations exist."""
    async with database.transaction() as session:
        return int((await session.execute(select(func.count()).select_from(Registration))).scalar_one())


async def outbox_events(database: Database, registration_id: str) -> list[str]:
    """Returns the types of the outbox events about a registration, oldest first."""
    table = platform.outbox
    async with database.transaction() as session:
        rows = await session.execute(
            select(table.c.event_type)
            .where(table.c.payload["registration_id"].astext == registration_id)
            .order_by(table.c.created_at)
        )
        return [r[0] for r in rows]


# 00:30 in Beijing, when the UTC date is still the day before: the instant of the fixed clock that tests
# saying "today" give the app, so the test and the service agree on the date at any hour.
AFTER_MIDNIGHT = datetime(2026, 11, 24, 0, 30, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture
def clock() -> Clock | None:
    """The app's clock: the real one, unless a test class overrides this with `Clock.fixed(...)`."""
    return None


@pytest.fixture
async def client(
    database: Database, database_url: str, redis_url: str, queue_prefix: str, clock: Clock | None
) -> AsyncIterator[AsyncClient]:
    """The registration app on the test's rolled-back transaction."""
    settings = service_settings(Settings, database_url, redis_url, queue_prefix)
    async with running_app(create_app, settings, database, clock) as c:
        yield c
