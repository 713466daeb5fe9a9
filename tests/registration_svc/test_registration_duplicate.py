"""REG-DUPLICATE: one valid registration per person, sequentially and under concurrent requests."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, date, datetime

import pytest
from httpx import AsyncClient
from sqlalchemy import delete, func, select, text

from registration_svc.config import Settings
from registration_svc.models import platform
from registration_svc.person.models import Person
from registration_svc.registration.models import Registration
from registration_svc.registration.repository import insert_or_get_person
from registration_svc.registration.service import _insert_registration
from services.registration.app import create_app
from shared.db import Database
from shared.errors import DomainError
from tests.registration_svc.registration_support import (
    SHAOGUAN_ZHENJIANG,
    application,
    caseworker,
    client,
    id_number,
    registration_count,
    rules_of,
)
from tests.support import PLAN, bearer, running_app, service_settings

__all__ = ["client"]

URL = "/api/v1/registrations"


class TestSequentialDuplicate:
    async def test_second_valid_registration_is_409(self, client: AsyncClient, database: Database) -> None:
        number = id_number(date(1990, 5, 1))
        assert (await client.post(URL, json=application(number), headers=caseworker())).status_code == 201
        again = await client.post(
            URL, json=application(number, agency=SHAOGUAN_ZHENJIANG), headers=caseworker()
        )
        assert again.status_code == 409
        assert again.json()["code"] == "registration.duplicate" and rules_of(again.json()) == [
            "REG-DUPLICATE"
        ]
        assert await registration_count(database) == 1

    async def test_the_409_names_the_agency_holding_the_valid_registration(self, client: AsyncClient) -> None:
        # 全城通办: a window in Zhenjiang must be able to send the person to Wujiang's agency.
        agency = {"name": "武江区公共就业服务中心", "address": "韶关市武江区沿江路1号", "telephone": "0751-8888888",
                  "items_handled": ["失业登记"]}
        put = await client.put("/api/v1/agencies/440203", json=agency, headers=bearer("admin", "440203", "adm"))
        assert put.status_code == 200, put.text
        number = id_number(date(1990, 5, 1))
        assert (await client.post(URL, json=application(number), headers=caseworker())).status_code == 201
        again = await client.post(
            URL, json=application(number, agency=SHAOGUAN_ZHENJIANG), headers=caseworker(SHAOGUAN_ZHENJIANG)
        )
        assert again.status_code == 409, again.text
        problem = again.json()
        for message in (problem["detail_zh"], problem["violations"][0]["message_zh"]):
            assert "武江区公共就业服务中心" in message and "0751-8888888" in message and "已登记" in message
        assert "武江区公共就业服务中心" in problem["detail"] and "440203" in problem["detail"]

    async def test_a_pending_one_blocks_too(self, client: AsyncClient) -> None:
        number = id_number(date(1990, 5, 1))
        citizen = bearer("citizen", "44", number)
        assert (
            await client.post(URL, json=application(number, channel="online"), headers=citizen)
        ).status_code == 201
        again = await client.post(URL, json=application(number), headers=caseworker())
        assert again.status_code == 409 and rules_of(again.json()) == ["REG-DUPLICATE"]

    async def test_a_rejected_one_does_not_block(self, client: AsyncClient) -> None:
        number = id_number(date(1990, 5, 1))
        citizen = bearer("citizen", "44", number)
        pending = await client.post(URL, json=application(number, channel="online"), headers=citizen)
        decided = await client.post(
            f"{URL}/{pending.json()['id']}/decision",
            json={"approve": False, "reason": "employed"},
            headers=caseworker(),
        )
        assert decided.status_code == 200
        assert (await client.post(URL, json=application(number), headers=caseworker())).status_code == 201


class TestConstraintMapping:
    async def test_losing_the_race_maps_the_index_violation_to_409(self, database: Database) -> None:
        # Both rows pass the service's pre-check; only the partial unique index stops the second.
        now = datetime.now(UTC)
        async with database.transaction() as session:
            person = await insert_or_get_person(session, {
                "id_type": "resident_id",
                "id_number": id_number(date(1990, 5, 1)),
                "name": "张三",
                "gender": None,
                "birth_date": None,
                "phone": None,
                "hukou_region_code": "440203",
                "hukou_type": "urban",
                "residence_region_code": "440203",
                "residence_type": "urban",
            })

            def row() -> dict[str, object]:
                return dict(
                    id=uuid.uuid4(),
                    person_id=person.id,
                    status="registered",
                    channel="window",
                    agency_region_code="440203",
                    applied_at=now,
                    decision_due=now.date(),
                    deadline_workdays=0,
                    deadline_source=f"{PLAN}一(四)1",
                    hukou_region_code="440203",
                    hukou_type="urban",
                    residence_region_code="440203",
                    residence_type="urban",
                    unemployed_since=date(2026, 10, 1),
                    unemployment_reason="r",
                    declared_unemployed=True,
                    declared_able_to_work=True,
                    declared_wants_work=True,
                    declared_receiving_pension=False,
                    commitment_signed=True,
                    created_by="t",
                    created_at=now,
                    updated_at=now,
                )

            await _insert_registration(session, row())
            with pytest.raises(DomainError) as raised:
                await _insert_registration(session, row())
            assert raised.value.status == 409 and raised.value.code == "registration.duplicate"
            assert raised.value.detail is not None and "status registered" in raised.value.detail
            # Nothing was aborted: the transaction still works and holds the first row only.
            count = await session.scalar(
                select(func.count()).select_from(Registration).where(Registration.person_id == person.id)
            )
            assert count == 1


class TestConcurrentDuplicate:
    async def test_two_concurrent_posts_give_one_201_and_one_409(
        self, database_url: str, redis_url: str, queue_prefix: str
    ) -> None:
        number = id_number(date(1990, 5, 1), sequence=977)
        committed = Database.from_url(database_url)
        settings = service_settings(Settings, database_url, redis_url, queue_prefix)
        try:
            async with running_app(create_app, settings, committed) as http:
                # The person exists already, so both requests reach the registration insert together.
                body = application(number)
                first = await http.post(URL, json=body, headers=caseworker())
                assert first.status_code == 201
                deregistered = await http.post(
                    f"{URL}/{first.json()['id']}/deregistration",
                    json={"reason": "hired", "effective_date": "2026-11-20", "note": ""},
                    headers=caseworker(),
                )
                assert deregistered.status_code == 200
                responses = await asyncio.gather(
                    http.post(URL, json=application(number), headers=caseworker(sub="cw-a")),
                    http.post(
                        URL,
                        json=application(number, agency=SHAOGUAN_ZHENJIANG),
                        headers=caseworker(sub="cw-b"),
                    ),
                )
                assert sorted(r.status_code for r in responses) == [201, 409]
                conflict = next(r for r in responses if r.status_code == 409).json()
                assert conflict["code"] == "registration.duplicate" and rules_of(conflict) == [
                    "REG-DUPLICATE"
                ]
                async with committed.transaction() as session:
                    person_id = (
                        await session.execute(select(Person.id).where(Person.id_number == number))
                    ).scalar_one()
                    statuses = (
                        (
                            await session.execute(
                                select(Registration.status).where(Registration.person_id == person_id)
                            )
                        )
                        .scalars()
                        .all()
                    )
                assert sorted(statuses) == ["deregistered", "registered"]
        finally:
            await _forget(committed, number)
            await committed.dispose()

    async def test_concurrent_retries_with_one_key_register_once(
        self, database_url: str, redis_url: str, queue_prefix: str
    ) -> None:
        number = id_number(date(1991, 6, 2), sequence=978)
        key = f"retry-{uuid.uuid4()}"
        committed = Database.from_url(database_url)
        settings = service_settings(Settings, database_url, redis_url, queue_prefix)
        try:
            async with running_app(create_app, settings, committed) as http:
                headers = {**caseworker(), "Idempotency-Key": key}
                body = application(number)
                responses = await asyncio.gather(*(http.post(URL, json=body, headers=headers) for _ in range(3)))
                assert [r.status_code for r in responses] == [201, 201, 201]
                assert len({r.json()["id"] for r in responses}) == 1
                assert sum(r.headers.get("idempotent-replayed") == "true" for r in responses) == 2
                async with committed.transaction() as session:
                    count = await session.scalar(
                        select(func.count()).select_from(Registration).join(Person)
                        .where(Person.id_number == number)
                    )
                assert count == 1
        finally:
            async with committed.transaction() as session:
                await session.execute(delete(platform.idempotency_key).where(platform.idempotency_key.c.key == key))
            await _forget(committed, number)
            await committed.dispose()


async def _forget(committed: Database, number: str) -> None:
    """Deletes what the committed tests wrote about one identity number."""
    async with committed.transaction() as session:
        ids = (
            (
                await session.execute(
                    select(Registration.id)
                    .join(Person, Person.id == Registration.person_id)
                    .where(Person.id_number == number)
                )
            )
            .scalars()
            .all()
        )
        texts = [str(i) for i in ids]
        await session.execute(
            delete(platform.outbox).where(platform.outbox.c.payload["registration_id"].astext.in_(texts))
        )
        # audit_log is append-only by design; its rows about these ids stay in the throwaway database.
        await session.execute(
            text(
                "DELETE FROM registration.notification WHERE person_id IN "
                "(SELECT id FROM registration.person WHERE id_number = :n)"
            ),
            {"n": number},
        )
        await session.execute(delete(Registration).where(Registration.id.in_(ids)))
        await session.execute(delete(Person).where(Person.id_number == number))
