"""Full-width and other look-alike digits in codes are a 422 (issue 15 §3), never a record nobody can see."""

from __future__ import annotations

from datetime import date

from httpx import AsyncClient

from shared.db import Database
from tests.registration_svc.registration_support import (
    application,
    caseworker,
    client,
    id_number,
    registration_count,
)

__all__ = ["client"]

URL = "/api/v1/registrations"
FULL_WIDTH_WUJIANG = "４４０２０３"


class TestLookAlikeDigits:
    async def test_a_full_width_agency_region_code_is_refused_and_nothing_is_stored(
        self, client: AsyncClient, database: Database
    ) -> None:
        before = await registration_count(database)
        body = application(id_number(date(1990, 5, 1)), agency=FULL_WIDTH_WUJIANG)
        response = await client.post(URL, json=body, headers=caseworker())
        assert response.status_code == 422, response.text
        assert response.headers["content-type"] == "application/problem+json"
        assert "agency_region_code" in {v["field"] for v in response.json()["violations"]}
        assert await registration_count(database) == before

    async def test_full_width_household_and_residence_codes_are_refused(self, client: AsyncClient) -> None:
        body = application(id_number(date(1990, 5, 2)), person={
            "hukou_region_code": FULL_WIDTH_WUJIANG, "residence_region_code": "٤٤٠٢٠٣"})
        response = await client.post(URL, json=body, headers=caseworker())
        assert response.status_code == 422, response.text
        fields = {v["field"] for v in response.json()["violations"]}
        assert {"person.hukou_region_code", "person.residence_region_code"} <= fields, fields

    async def test_a_full_width_region_filter_is_refused(self, client: AsyncClient) -> None:
        response = await client.get(URL, params={"region": "４４"}, headers=caseworker())
        assert response.status_code == 422, response.text

    async def test_a_full_width_identity_number_is_read_as_its_ascii_form(self, client: AsyncClient) -> None:
        # Identity numbers are normalised (NFKC) before they are checked: the record holds ASCII digits.
        number = id_number(date(1990, 5, 3))
        wide = "".join(chr(0xFF10 + int(c)) if c.isdigit() else c for c in number)
        response = await client.post(URL, json=application(wide), headers=caseworker())
        assert response.status_code == 201, response.text
        duplicate = await client.post(URL, json=application(number), headers=caseworker())
        assert duplicate.status_code == 409, duplicate.text
