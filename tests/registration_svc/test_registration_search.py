"""Lists that can be searched: unknown query parameters are refused, name and date filters, newest first."""

from __future__ import annotations

from datetime import date
from typing import Any

from httpx import AsyncClient

from tests.registration_svc.registration_support import application, caseworker, client, id_number

__all__ = ["client"]

URL = "/api/v1/registrations"


async def _register(client: AsyncClient, name: str, born: date, applied_at: str) -> str:
    body = application(id_number(born), applied_at=applied_at, person={"name": name})
    response = await client.post(URL, json=body, headers=caseworker())
    assert response.status_code == 201, response.text
    registration_id: str = response.json()["id"]
    return registration_id


async def _list(client: AsyncClient, **query: Any) -> list[str]:
    response = await client.get(URL, params=query, headers=caseworker())
    assert response.status_code == 200, response.text
    return [item["id"] for item in response.json()["items"]]


class TestUnknownParameters:
    async def test_a_misspelt_filter_is_422_not_everything(self, client: AsyncClient) -> None:
        response = await client.get(URL, params={"stauts": "registered"}, headers=caseworker())
        assert response.status_code == 422
        problem = response.json()
        assert problem["code"] == "request.unknown_parameter"
        assert [(v["rule"], v["field"]) for v in problem["violations"]] == [("SCHEMA-UNKNOWN-PARAMETER", "stauts")]
        assert "“stauts”" in problem["detail_zh"] and "“status”" in problem["detail_zh"]

    async def test_every_declared_parameter_is_accepted(self, client: AsyncClient) -> None:
        query = {"status": "registered", "region": "440203", "channel": "window", "name": "张", "limit": "5",
                 "order": "newest", "applied_from": "2026-11-01", "applied_to": "2026-11-30",
                 "registered_from": "2026-11-01", "registered_to": "2026-11-30", "id_number": "1"}
        assert (await client.get(URL, params=query, headers=caseworker())).status_code == 200

    async def test_other_services_refuse_them_too(self, client: AsyncClient) -> None:
        response = await client.get("/api/v1/regions/440203", params={"levle": "1"}, headers=caseworker())
        assert response.status_code == 422 and response.json()["code"] == "request.unknown_parameter"


class TestSearch:
    async def test_by_part_of_the_name(self, client: AsyncClient) -> None:
        zhang = await _register(client, "张三丰", date(1990, 5, 1), "2026-11-18T09:00:00+08:00")
        li = await _register(client, "李四", date(1991, 5, 1), "2026-11-19T09:00:00+08:00")
        assert await _list(client, name="三丰") == [zhang]
        assert await _list(client, name="李") == [li]
        assert await _list(client, name="%") == []  # a wildcard is a character, not "anything"

    async def test_by_application_date_in_local_days(self, client: AsyncClient) -> None:
        # 00:30 in Shanghai on the 19th is still the 18th in UTC: the local day counts.
        early = await _register(client, "甲", date(1990, 5, 1), "2026-11-19T00:30:00+08:00")
        later = await _register(client, "乙", date(1991, 5, 1), "2026-11-20T09:00:00+08:00")
        assert await _list(client, applied_from="2026-11-19", applied_to="2026-11-19") == [early]
        assert await _list(client, applied_from="2026-11-20") == [later]
        assert await _list(client, registered_to="2026-11-19") == [early]

    async def test_newest_first_pages_without_gaps_or_repeats(self, client: AsyncClient) -> None:
        ids = [
            await _register(client, f"人{n}", date(1990, 5, n + 1), f"2026-11-1{n}T09:00:00+08:00")
            for n in range(5)
        ]
        assert await _list(client) == ids
        seen: list[str] = []
        cursor = None
        while True:
            query: dict[str, Any] = {"order": "newest", "limit": 2, **({"cursor": cursor} if cursor else {})}
            page = (await client.get(URL, params=query, headers=caseworker())).json()
            seen += [item["id"] for item in page["items"]]
            cursor = page["next_cursor"]
            if cursor is None:
                break
        assert seen == list(reversed(ids))
