"""GET /api/v1/registrations/statistics: registrations by county, residence type and status (002 §六)."""

from __future__ import annotations

from datetime import date
from typing import Any

from httpx import AsyncClient

from tests.registration_svc.registration_support import (
    LANZHOU_CHENGGUAN,
    SHAOGUAN_ZHENJIANG,
    application,
    caseworker,
    client,
    id_number,
)
from tests.support import bearer

__all__ = ["client"]

URL = "/api/v1/registrations"


async def _stats(
    client: AsyncClient, as_of: str, headers: dict[str, str] | None = None, **params: str
) -> Any:
    response = await client.get(
        f"{URL}/statistics", params={"as_of": as_of, **params}, headers=headers or caseworker()
    )
    assert response.status_code == 200, response.text
    return response.json()


def _groups(stats: Any) -> dict[tuple[str, str, str], int]:
    return {(g["region_code"], g["residence_type"], g["status"]): g["count"] for g in stats["groups"]}


class TestStatistics:
    async def _seed(self, client: AsyncClient) -> str:
        # Urban residence with a rural hukou (counts as urban), registered on 11-02.
        urban = application(
            id_number(date(1990, 5, 1)),
            applied_at="2026-11-02T09:00:00+08:00",
            person={"hukou_type": "rural", "residence_type": "urban"},
        )
        first = await client.post(URL, json=urban, headers=caseworker())
        assert first.status_code == 201
        rural = application(
            id_number(date(1991, 5, 1)),
            agency=SHAOGUAN_ZHENJIANG,
            applied_at="2026-11-03T09:00:00+08:00",
            person={"hukou_type": "urban", "residence_type": "rural"},
        )
        assert (await client.post(URL, json=rural, headers=caseworker())).status_code == 201
        number = id_number(date(1992, 5, 1))
        pending = application(number, channel="online", applied_at="2026-11-04T09:00:00+08:00")
        assert (
            await client.post(URL, json=pending, headers=bearer("citizen", "44", number))
        ).status_code == 201
        ended = await client.post(
            f"{URL}/{first.json()['id']}/deregistration",
            json={"reason": "hired", "effective_date": "2026-11-10", "note": ""},
            headers=caseworker(),
        )
        assert ended.status_code == 200
        return str(first.json()["id"])

    async def test_counts_as_of_each_date(self, client: AsyncClient) -> None:
        await self._seed(client)
        assert _groups(await _stats(client, "2026-11-01")) == {}
        assert _groups(await _stats(client, "2026-11-02")) == {("440203", "urban", "registered"): 1}
        on_5th = await _stats(client, "2026-11-05")
        assert _groups(on_5th) == {
            ("440203", "urban", "registered"): 1,
            ("440203", "urban", "pending_verification"): 1,
            ("440204", "rural", "registered"): 1,
        }
        assert on_5th["totals"] == {
            "registered": 2,
            "pending_verification": 1,
            "urban_registered_unemployed": 1,
        }
        # Deregistered with effect on the 10th: counted on the 9th, not on the 10th.
        assert _groups(await _stats(client, "2026-11-09"))[("440203", "urban", "registered")] == 1
        on_10th = await _stats(client, "2026-11-10")
        assert ("440203", "urban", "registered") not in _groups(on_10th)
        assert on_10th["totals"]["urban_registered_unemployed"] == 0
        # Guangdong's statistics cite the Guangdong pack's clause (the national notice; the Shaoguan plan has
        # no statistics rule), not the Gansu notice.
        assert on_10th["explanation"]["source"] == "人社厅发〔2020〕3号"

    async def test_gansu_statistics_cite_the_gansu_notice(self, client: AsyncClient) -> None:
        body = application(
            id_number(date(1990, 5, 1), region=LANZHOU_CHENGGUAN), agency=LANZHOU_CHENGGUAN,
            applied_at="2026-11-02T09:00:00+08:00",
            person={"hukou_region_code": LANZHOU_CHENGGUAN, "residence_region_code": LANZHOU_CHENGGUAN},
        )
        assert (await client.post(URL, json=body, headers=caseworker("62"))).status_code == 201
        gansu = await _stats(client, "2026-11-05", headers=caseworker("62"))
        assert _groups(gansu) == {(LANZHOU_CHENGGUAN, "urban", "registered"): 1}
        assert gansu["explanation"]["source"] == "甘人社通〔2020〕111号 六"

    async def test_region_filter_and_scope(self, client: AsyncClient) -> None:
        await self._seed(client)
        zhenjiang = await _stats(client, "2026-11-05", region=SHAOGUAN_ZHENJIANG)
        assert _groups(zhenjiang) == {("440204", "rural", "registered"): 1}
        narrow = await _stats(client, "2026-11-05", headers=caseworker(region="440204"))
        assert narrow["region"] == "440204" and _groups(narrow) == {("440204", "rural", "registered"): 1}
        outside = await client.get(
            f"{URL}/statistics",
            params={"as_of": "2026-11-05", "region": SHAOGUAN_ZHENJIANG},
            headers=caseworker(region="440203"),
        )
        assert outside.status_code == 403
        citizen = await client.get(
            f"{URL}/statistics", params={"as_of": "2026-11-05"}, headers=bearer("citizen", "44", "x")
        )
        assert citizen.status_code == 403

    async def test_bad_date_is_request_invalid(self, client: AsyncClient) -> None:
        response = await client.get(f"{URL}/statistics", params={"as_of": "2026-13-01"}, headers=caseworker())
        assert response.status_code == 422 and response.json()["code"] == "request.invalid"
