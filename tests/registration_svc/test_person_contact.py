"""Staff correct a person's telephone without a new registration: audited, the old number kept."""

from __future__ import annotations

from datetime import date

from httpx import AsyncClient
from sqlalchemy import select

from registration_svc.models import platform
from shared.db import Database
from tests.registration_svc.registration_support import application, caseworker, client, id_number
from tests.support import bearer

__all__ = ["client"]


async def _person(client: AsyncClient) -> str:
    body = application(id_number(date(1990, 5, 1)), person={"phone": "13800000000"})
    response = await client.post("/api/v1/registrations", json=body, headers=caseworker("440203"))
    assert response.status_code == 201, response.text
    person_id: str = response.json()["person"]["id"]
    return person_id


class TestContactCorrection:
    async def test_staff_of_the_region_correct_the_phone_and_the_old_one_is_kept(
        self, client: AsyncClient, database: Database
    ) -> None:
        person_id = await _person(client)
        response = await client.patch(
            f"/api/v1/persons/{person_id}/contact",
            json={"phone": "13900000001", "reason": "本人来电告知更换手机号码"},
            headers=caseworker("440203", "cw-9"),
        )
        assert response.status_code == 200, response.text
        # Phone numbers are masked in reads as identity numbers are (issue 15 §9); staff unmask, audited.
        assert response.json()["phone"] == "139****0001"
        assert response.json()["person_notes"][0]["field"] == "phone"
        seen = (await client.get(f"/api/v1/persons/{person_id}?unmask=true", headers=caseworker("440203"))).json()
        assert seen["phone"] == "13900000001"
        log = platform.audit_log
        async with database.transaction() as session:
            rows = (await session.execute(
                select(log.c.actor, log.c.details).where(
                    log.c.record_id == person_id, log.c.action == "person.correct_contact"
                )
            )).all()
        assert [(r.actor, r.details) for r in rows] == [
            ("cw-9", {"field": "phone", "old": "13800000000", "new": "13900000001",
                      "reason": "本人来电告知更换手机号码"}),
        ]

    async def test_others_may_not(self, client: AsyncClient) -> None:
        person_id = await _person(client)
        body = {"phone": "13900000001", "reason": "更换号码"}
        for headers in (caseworker("440204"), bearer("citizen", "440203", "someone"), bearer("system", "44")):
            response = await client.patch(f"/api/v1/persons/{person_id}/contact", json=body, headers=headers)
            assert response.status_code == 403, (headers, response.text)

    async def test_a_malformed_number_is_422_in_chinese(self, client: AsyncClient) -> None:
        person_id = await _person(client)
        response = await client.patch(
            f"/api/v1/persons/{person_id}/contact", json={"phone": "call me", "reason": "更换号码"},
            headers=caseworker("440203"),
        )
        assert response.status_code == 422
        assert response.json()["violations"][0]["message_zh"] == "联系电话：格式不正确"
