"""The catalogue as data: the sample loaded by the migration, versions by effective date, xlsx loads and API edits
by a province admin (SUB-CATALOGUE), on real PostgreSQL."""

from __future__ import annotations

import os
import tempfile
from collections.abc import AsyncIterator
from datetime import date

import pytest
from httpx import AsyncClient

from shared.db import Database
from shared.spreadsheets import write_xlsx
from subsidy_svc.catalogue.service import CATALOGUE_TEMPLATE
from tests.subsidy_svc.claims_support import CASEWORKER, PROVINCE_ADMIN, MovableClock, subsidy_api
from tests.support import bearer

URL = "/api/v1/skill-subsidy/catalogue"
CITY_ADMIN = bearer("admin", "4402", "admin-city")


@pytest.fixture
async def api(database: Database, database_url: str, redis_url: str, queue_prefix: str) -> AsyncIterator[AsyncClient]:
    clock = MovableClock(date(2026, 4, 1)).clock
    async with subsidy_api(database, database_url, redis_url, queue_prefix, clock) as http:
        yield http


def xlsx(rows: list[dict[str, object]]) -> bytes:
    handle, path = tempfile.mkstemp(suffix=".xlsx")
    os.close(handle)
    try:
        write_xlsx(CATALOGUE_TEMPLATE, rows, path)
        with open(path, "rb") as f:
            return f.read()
    finally:
        os.unlink(path)


class TestCatalogueVersions:
    async def test_sample_in_force_from_2024(self, api: AsyncClient) -> None:
        current = (await api.get(URL, params={"on": "2026-04-01"}, headers=CASEWORKER)).json()
        assert current["version_effective_from"] == "2024-01-01" and len(current["items"]) == 28
        cook = next(i for i in current["items"] if i["occupation_code"] == "4-03-02-01" and i["level"] == 1)
        assert (cook["occupation_name"], cook["amount_fen"]) == ("Chinese cuisine cook", 300_000)
        before = (await api.get(URL, params={"on": "2023-12-31"}, headers=CASEWORKER)).json()
        assert before["items"] == []

    async def test_edit_makes_a_version_from_its_date(self, api: AsyncClient) -> None:
        path = f"{URL}/versions/2026-07-01/entries/4-03-02-01/1"
        entry = {"occupation_name": "Chinese cuisine cook", "occupation_name_zh": "中式烹调师", "amount_fen": 320_000,
                 "source": "粤人社规〔2026〕1号"}
        assert (await api.put(path, json=entry, headers=CITY_ADMIN)).status_code == 403
        assert (await api.put(path, json=entry, headers=PROVINCE_ADMIN)).status_code == 200
        # The province written in six digits is the province, as for the calendar.
        six_digits = bearer("admin", "440000", "admin-province-6")
        assert (await api.put(path, json=entry, headers=six_digits)).status_code == 200
        assert (await api.delete(f"{URL}/versions/2026-07-01/entries/4-10-01-02/5", headers=PROVINCE_ADMIN)
                ).status_code == 204
        june = (await api.get(URL, params={"on": "2026-06-30"}, headers=CASEWORKER)).json()
        july = (await api.get(URL, params={"on": "2026-07-01"}, headers=CASEWORKER)).json()
        assert len(june["items"]) == 28 and len(july["items"]) == 27
        amount = {(i["occupation_code"], i["level"]): i["amount_fen"] for i in july["items"]}
        assert amount[("4-03-02-01", 1)] == 320_000 and amount[("4-03-02-01", 2)] == 250_000
        # The preview prices as a claim does: the catalogue in force on the certificate's issue date.
        for issued, expected in (("2026-06-30", 300_000), ("2026-07-02", 320_000)):
            preview = await api.post("/api/v1/skill-subsidy/preview", headers=CASEWORKER, json={
                "certificate_issued_on": issued, "applied_on": "2026-09-14", "occupation_code": "4-03-02-01",
                "level": 1})
            assert preview.status_code == 200, preview.text
            assert preview.json()["catalogue"]["amount_fen"] == expected, issued
        dropped = await api.post("/api/v1/skill-subsidy/preview", headers=CASEWORKER, json={
            "certificate_issued_on": "2026-07-02", "applied_on": "2026-09-14", "occupation_code": "4-10-01-02",
            "level": 5})
        assert dropped.json()["catalogue"]["found"] is False and dropped.json()["amount_fen"] is None

    async def test_xlsx_load_all_or_nothing(self, api: AsyncClient) -> None:
        good = [{"occupation_code": "4-03-02-01", "occupation_name_zh": "中式烹调师", "level": 5, "amount_yuan": 1200},
                {"occupation_code": "6-31-01-03", "occupation_name_zh": "电工", "level": 4, "amount_yuan": 1600}]
        bad = [*good, {"occupation_code": "4-03-02-01", "occupation_name_zh": "中式烹调师", "level": 5,
                       "amount_yuan": 1300},
               {"occupation_code": "403", "occupation_name_zh": "x", "level": 7, "amount_yuan": 0}]
        url = f"{URL}/versions/2027-01-01"
        refused = await api.put(url, content=xlsx(bad), headers=PROVINCE_ADMIN)
        assert refused.status_code == 200 and refused.json()["accepted"] == 0
        assert {e["row"] for e in refused.json()["errors"]} == {4, 5}
        assert (await api.get(URL, params={"on": "2027-01-02"}, headers=CASEWORKER)).json()[
            "version_effective_from"] == "2024-01-01"
        loaded = await api.put(url, content=xlsx(good), headers=PROVINCE_ADMIN)
        assert loaded.json()["accepted"] == 2
        items = (await api.get(URL, params={"on": "2027-01-02"}, headers=CASEWORKER)).json()["items"]
        assert [(i["occupation_code"], i["level"], i["amount_fen"]) for i in items] == [
            ("4-03-02-01", 5, 120_000), ("6-31-01-03", 4, 160_000)]
