"""Authority by level (issue 15 §5): province-wide reference data is loaded by a provincial admin only, and
staff read the audit log of their own region through an endpoint that is itself audited."""

from __future__ import annotations

import pytest
from httpx import AsyncClient
from sqlalchemy import insert

from registration_svc.models import platform
from shared.db import Database
from tests.registration_svc.registration_support import client
from tests.registration_svc.test_verification import PERSON, csv_of
from tests.support import bearer

__all__ = ["client"]

CSV = {"Content-Type": "text/csv; charset=utf-8"}
REFERENCE = "/api/v1/reference-data/social_insurance"
AUDIT_LOG = "/api/v1/audit-log"


class TestReferenceDataByLevel:
    @pytest.mark.parametrize("region", ["440203100", "440203", "4402"])
    async def test_an_admin_below_the_province_cannot_replace_it(self, client: AsyncClient, region: str) -> None:
        content = csv_of(f"{PERSON},employment_contribution,active,2024-01-01,")
        response = await client.put(REFERENCE, content=content, headers={**bearer("admin", region), **CSV})
        assert response.status_code == 403, response.text
        assert response.json()["code"] == "auth.level_insufficient"
        summary = await client.get(REFERENCE, headers=bearer("admin", "44"))
        assert summary.json()["loaded"] is False

    async def test_a_provincial_admin_can(self, client: AsyncClient) -> None:
        content = csv_of(f"{PERSON},employment_contribution,active,2024-01-01,")
        response = await client.put(REFERENCE, content=content, headers={**bearer("admin", "440000"), **CSV})
        assert response.status_code == 200, response.text


async def _entries(database: Database, *rows: tuple[str, str, str]) -> None:
    async with database.transaction() as session:
        for actor, region, action in rows:
            await session.execute(insert(platform.audit_log).values(
                actor=actor, role="caseworker", region=region, action=action, record_type="person",
                record_id="p-1", client_address="10.1.2.3",
            ))


class TestAuditLogReading:
    async def test_staff_read_the_entries_of_their_region_and_the_reading_is_audited(
        self, client: AsyncClient, database: Database
    ) -> None:
        await _entries(database, ("cw-wujiang", "440203", "person.unmask"),
                       ("cw-zhenjiang", "440204", "person.unmask"), ("cw-town", "440203100", "person.update"))
        county = bearer("reviewer", "440203", "rv-1")
        response = await client.get(AUDIT_LOG, params={"record_type": "person"}, headers=county)
        assert response.status_code == 200, response.text
        items = response.json()["items"]
        assert [(i["actor"], i["action"]) for i in items] == [
            ("cw-wujiang", "person.unmask"), ("cw-town", "person.update")
        ]
        assert items[0]["client_address"] == "10.1.2.3" and items[0]["occurred_at"].endswith("+08:00")

        neighbour = await client.get(AUDIT_LOG, params={"region": "440204"}, headers=county)
        assert neighbour.status_code == 403 and neighbour.json()["code"] == "auth.region_out_of_scope"
        citizen = await client.get(AUDIT_LOG, headers=bearer("citizen", "440203", "x"))
        assert citizen.status_code == 403

        reads = await client.get(AUDIT_LOG, params={"action": "audit_log.read"}, headers=county)
        assert [(i["actor"], i["details"]["entries"]) for i in reads.json()["items"]][:1] == [("rv-1", 2)]

    async def test_pages_follow_each_other_and_a_forged_cursor_is_422(
        self, client: AsyncClient, database: Database
    ) -> None:
        await _entries(database, *[(f"cw-{n}", "440282", "person.unmask") for n in range(5)])
        city = bearer("admin", "4402", "city-admin")
        seen: list[str] = []
        params: dict[str, str | int] = {"limit": 2, "action": "person.unmask", "region": "440282"}
        for _ in range(4):
            page = (await client.get(AUDIT_LOG, params=params, headers=city)).json()
            seen += [i["actor"] for i in page["items"]]
            if page["next_cursor"] is None:
                break
            params["cursor"] = page["next_cursor"]
        assert seen == [f"cw-{n}" for n in range(5)]
        forged = await client.get(AUDIT_LOG, params={"cursor": "not-a-cursor"}, headers=city)
        assert forged.status_code == 422 and forged.json()["code"] == "request.invalid_cursor"
