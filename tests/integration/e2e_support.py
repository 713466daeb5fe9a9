"""Helpers of the cross-service tests: real apps on committing databases, the relay and a burst worker."""

from __future__ import annotations

import logging
import random
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from typing import cast

from arq import create_pool
from arq.connections import ArqRedis, RedisSettings
from arq.worker import Worker, create_worker
from sqlalchemy import Table, delete, select

from followup_svc.config import Settings as FollowupSettings
from followup_svc.ledger.models import LedgerContact, LedgerEntry, LedgerRegistration
from followup_svc.models import Deregistration, FirstContactTask, JobRecommendation, ServiceRecord
from followup_svc.models import platform as followup_platform
from registration_svc.config import Settings as RegistrationSettings
from registration_svc.models import metadata as registration_metadata
from registration_svc.models import platform as registration_platform
from services.followup.worker import worker_settings
from services.registration.worker import worker_settings as registration_worker_settings
from shared.db import Database
from shared.outbox import OutboxRelay
from tests.support import service_settings

# GB 11643 weights and check characters, written out so the test does not reuse the code under test.
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"

# Nanxiong (南雄市): a county no other test uses, since these tests commit for real.
AGENCY = "440282"


def id_number(born: date, region: str = AGENCY) -> str:
    """Returns a fresh valid resident ID number (random sequence, so reruns do not collide)."""
    first17 = f"{region}{born:%Y%m%d}{random.randrange(1000):03d}"
    return first17 + _CHECK[sum(int(c) * w for c, w in zip(first17, _WEIGHTS, strict=True)) % 11]


def window_application(applied_at: str) -> dict[str, object]:
    """Returns an eligible window application at AGENCY (api.md POST /api/v1/registrations)."""
    born = date(1990, 1, 1 + random.randrange(28))
    return {
        "person": {
            "id_type": "resident_id",
            "id_number": id_number(born),
            "name": "李四",
            "phone": "13800000001",
            "hukou_region_code": AGENCY,
            "hukou_type": "rural",
            "residence_region_code": AGENCY,
            "residence_type": "urban",
        },
        "channel": "window",
        "agency_region_code": AGENCY,
        "applied_at": applied_at,
        "declaration": {"unemployed": True, "able_to_work": True, "wants_work": True, "receiving_pension": False},
        "unemployed_since": "2026-10-01",
        "unemployment_reason": "contract ended",
        "commitment_signed": True,
    }


@dataclass
class System:
    """Settings and committing databases of the registration and followup services for one test."""

    registration_settings: RegistrationSettings
    followup_settings: FollowupSettings
    registration_db: Database
    followup_db: Database


@asynccontextmanager
async def system(database_url: str, redis_url: str, queue_prefix: str) -> AsyncIterator[System]:
    """Yields both services' settings and databases; deletes every row the test made afterwards."""
    prefix = f"{queue_prefix}-e2e-{uuid.uuid4().hex[:6]}"
    started = datetime.now().astimezone()
    reg_db = Database.from_url(database_url, pool_size=3, max_overflow=2)
    fu_db = Database.from_url(database_url, pool_size=3, max_overflow=2)
    sys_ = System(
        cast(RegistrationSettings, service_settings(RegistrationSettings, database_url, redis_url, prefix)),
        cast(FollowupSettings, service_settings(FollowupSettings, database_url, redis_url, prefix)),
        reg_db,
        fu_db,
    )
    try:
        yield sys_
    finally:
        await _clean(reg_db, fu_db, started)
        await _forget_queues(sys_.followup_settings.redis_url, prefix)
        await reg_db.dispose()
        await fu_db.dispose()


async def _clean(reg_db: Database, fu_db: Database, since: datetime) -> None:
    async with fu_db.transaction() as session:
        tasks = cast(Table, FirstContactTask.__table__)
        ids: list[uuid.UUID] = list(
            (await session.execute(select(tasks.c.registration_id).where(tasks.c.agency_region_code == AGENCY)))
            .scalars()
            .all()
        )
        await session.execute(delete(tasks).where(tasks.c.agency_region_code == AGENCY))
        await session.execute(delete(Deregistration).where(Deregistration.registration_id.in_(ids)))
        for ledger_table in (LedgerContact, LedgerEntry, LedgerRegistration):
            await session.execute(delete(ledger_table).where(ledger_table.registration_id.in_(ids)))
        # Job recommendations and the services they are, of persons served at AGENCY.
        await session.execute(delete(JobRecommendation).where(JobRecommendation.agency_region_code == AGENCY))
        await session.execute(delete(ServiceRecord).where(ServiceRecord.agency_region_code == AGENCY))
        followup_outbox = followup_platform.outbox
        await session.execute(delete(followup_outbox).where(followup_outbox.c.created_at >= since))
        processed = followup_platform.processed_event
        await session.execute(delete(processed).where(processed.c.processed_at >= since))
    async with reg_db.transaction() as session:
        registration = registration_metadata.tables["registration.registration"]
        reg_ids = (
            await session.execute(
                select(registration.c.id, registration.c.person_id).where(registration.c.agency_region_code == AGENCY)
            )
        ).all()
        # Rows of other registration tables that point at these registrations go first.
        for table in reversed(registration_metadata.sorted_tables):
            if table is not registration and "registration_id" in table.c:
                await session.execute(delete(table).where(table.c.registration_id.in_([r.id for r in reg_ids])))
        await session.execute(delete(registration).where(registration.c.id.in_([r.id for r in reg_ids])))
        person = registration_metadata.tables["registration.person"]
        for table in reversed(registration_metadata.sorted_tables):
            if table not in (registration, person) and "person_id" in table.c:
                await session.execute(delete(table).where(table.c.person_id.in_([r.person_id for r in reg_ids])))
        await session.execute(delete(person).where(person.c.id.in_([r.person_id for r in reg_ids])))
        # Vacancies whose work is at AGENCY (job-services tests), with the fairs' links to them.
        vacancy = registration_metadata.tables["registration.vacancy"]
        fair_vacancy = registration_metadata.tables["registration.job_fair_vacancy"]
        at_agency = select(vacancy.c.id).where(vacancy.c.region_code == AGENCY)
        await session.execute(delete(fair_vacancy).where(fair_vacancy.c.vacancy_id.in_(at_agency)))
        await session.execute(delete(vacancy).where(vacancy.c.region_code == AGENCY))
        outbox = registration_platform.outbox
        await session.execute(delete(outbox).where(outbox.c.created_at >= since))
        deliveries = registration_platform.event_delivery
        await session.execute(delete(deliveries).where(deliveries.c.created_at >= since))


async def _forget_queues(redis_url: str, prefix: str) -> None:
    settings = RedisSettings.from_dsn(redis_url)
    settings.conn_retries = 0
    try:
        redis = await create_pool(settings)
    except Exception:  # that Redis may be a stopped one of the outage test
        return
    try:
        for key in await redis.keys(f"{prefix}:*"):
            await redis.delete(key)
    finally:
        await redis.aclose()


def registration_relay(sys_: System, redis: ArqRedis) -> OutboxRelay:
    """Returns the registration service's relay, sending to the followup queue of this test."""
    return OutboxRelay(
        sys_.registration_db,
        registration_platform.outbox,
        redis,
        source="registration",
        queue_name=sys_.followup_settings.queue_name,
    )


async def run_followup_worker(settings: FollowupSettings) -> Worker:
    """Runs a real arq worker of the followup service in burst mode until its queue is empty."""
    worker = create_worker(
        worker_settings(settings, run_relay=False),
        burst=True,
        handle_signals=False,
        poll_delay=0.05,
    )
    with preserved_logging():
        try:
            await worker.main()
        finally:
            await worker.close()
    return worker


def followup_relay(sys_: System, redis: ArqRedis) -> OutboxRelay:
    """Returns the followup service's relay, sending to the registration queue of this test."""
    return OutboxRelay(
        sys_.followup_db,
        followup_platform.outbox,
        redis,
        source="followup",
        queue_name=sys_.registration_settings.queue_name,
    )


async def run_registration_worker(settings: RegistrationSettings) -> Worker:
    """Runs a real arq worker of the registration service in burst mode until its queue is empty."""
    worker = create_worker(
        registration_worker_settings(settings, run_relay=False), burst=True, handle_signals=False, poll_delay=0.05,
    )
    with preserved_logging():
        try:
            await worker.main()
        finally:
            await worker.close()
    return worker


@contextmanager
def preserved_logging() -> Iterator[None]:
    """Restores the root logger after a worker's startup configured logging for a whole process."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    try:
        yield
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)
