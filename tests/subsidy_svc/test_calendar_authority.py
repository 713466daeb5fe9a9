"""Only a provincial admin (or a system) replaces the holiday calendar every service uses (issue 15 §5)."""

from __future__ import annotations

import pytest
from httpx import AsyncClient

from tests.subsidy_svc.test_calendar_api import ARRANGEMENT_2040, PUT_YEAR, assert_problem
from tests.support import bearer

URL = f"/api/v1/calendar/years/{PUT_YEAR}"


class TestCalendarAuthorityByLevel:
    @pytest.mark.parametrize("region", ["440203100", "440203", "4402", "440200"])
    async def test_an_admin_below_the_province_gets_403_level_insufficient(
        self, client: AsyncClient, region: str
    ) -> None:
        response = await client.put(URL, json=ARRANGEMENT_2040, headers=bearer("admin", region, "town-admin"))
        body = assert_problem(response, 403, "auth.level_insufficient", "region")
        assert region in body["detail"] and body["violations"][0]["rule"] == "T-REGION"
        assert (await client.get(URL, headers=bearer("caseworker", "44"))).json()["status"] == "estimated"

    @pytest.mark.parametrize("region", ["44", "440000"])
    async def test_a_provincial_admin_replaces_the_year(self, client: AsyncClient, region: str) -> None:
        response = await client.put(URL, json=ARRANGEMENT_2040, headers=bearer("admin", region, "prov-admin"))
        assert response.status_code == 200, response.text
        assert response.json()["status"] == "admin_replaced"
