"""Look-alike digits in the region codes of an evaluation are a 422 (issue 15 §3)."""

from __future__ import annotations

from httpx import AsyncClient

from tests.eligibility_svc.test_difficulty_api import CITIZEN, URL, client, request_body

__all__ = ["client"]


class TestLookAlikeDigits:
    async def test_full_width_household_and_agency_codes_are_refused(self, client: AsyncClient) -> None:
        body = request_body(person__hukou_region_code="４４０２０３", agency_region_code="٤٤٠٢٠٣")
        response = await client.post(URL, json=body, headers=CITIZEN)
        assert response.status_code == 422, response.text
        fields = {v["field"] for v in response.json()["violations"]}
        assert {"person.hukou_region_code", "agency_region_code"} <= fields, fields
