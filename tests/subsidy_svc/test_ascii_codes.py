"""Look-alike digits in the occupation and region codes of a preview are a 422 (issue 15 §3)."""

from __future__ import annotations

from httpx import AsyncClient

from tests.support import bearer

URL = "/api/v1/skill-subsidy/preview"


class TestLookAlikeDigits:
    async def test_full_width_occupation_and_region_codes_are_refused(self, client: AsyncClient) -> None:
        body = {"certificate_issued_on": "2025-06-01", "applied_on": "2026-02-02", "region_code": "６２０１０２",
                "occupation_code": "４-０３-０２-０１", "level": 3}
        response = await client.post(URL, json=body, headers=bearer("citizen", "440203001", "citizen-1"))
        assert response.status_code == 422, response.text
        fields = {v["field"] for v in response.json()["violations"]}
        assert {"region_code", "occupation_code"} <= fields, fields
