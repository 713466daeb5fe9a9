"""The date bounds of shared/inputs.py are on requests only: an answer outside them is still an answer."""

from __future__ import annotations

from httpx import AsyncClient

from tests.support import bearer


class TestAnswersAreNotBounded:
    async def test_months_from_a_date_before_1900_without_a_shift(self, client: AsyncClient) -> None:
        # Found by the schemathesis run: a response model bounded like the inputs made this a 500.
        response = await client.get("/api/v1/calendar/add-months",
                                    params={"start": "0578-06-12", "months": 403, "shift": "none"},
                                    headers=bearer("caseworker", "440203"))
        assert response.status_code < 500, response.text
