"""The ledger's export to .xlsx and the import of contacts from the same template: row-level errors naming
the rule, nothing half-imported, ?partial=true for the good rows, outcomes requesting deregistration."""

from __future__ import annotations

import io
import uuid
from collections.abc import AsyncIterator
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from httpx import AsyncClient
from python_calamine import CalamineWorkbook
from sqlalchemy import func, select

from followup_svc.config import Settings
from followup_svc.ledger.models import LedgerContact
from followup_svc.ledger.spreadsheet import TEMPLATE
from followup_svc.models import RevisitSlot
from services.followup.app import create_app
from shared.clock import Clock
from shared.db import Database
from shared.events import EventType
from tests.followup_svc.assisted_support import consume, registered_person, submitted
from tests.followup_svc.ledger_support import assert_counts_agree, deregistration_requests, put_entry, workbook
from tests.support import bearer, running_app, service_settings

NOW = datetime(2026, 11, 24, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
TOWN = "440224001"
CW = bearer("caseworker", TOWN, "cw-town")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
async def client(database: Database, database_url: str, redis_url: str, queue_prefix: str
                 ) -> AsyncIterator[AsyncClient]:
    settings = service_settings(Settings, database_url, redis_url, queue_prefix)
    async with running_app(create_app, settings, database, Clock.fixed(NOW)) as c:
        yield c


async def exported(client: AsyncClient) -> list[list[Any]]:
    response = await client.get("/api/v1/ledger/export", params={"month": "2026-11", "region": TOWN}, headers=CW)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == XLSX
    rows: list[list[Any]] = CalamineWorkbook.from_filelike(io.BytesIO(response.content)) \
        .get_sheet_by_index(0).to_python()
    return rows


def fill(row: list[Any], **values: Any) -> list[Any]:
    keys = [c.key for c in TEMPLATE.columns]
    filled = list(row) + [None] * (len(keys) - len(row))
    for key, value in values.items():
        filled[keys.index(key)] = value
    return filled


async def upload(client: AsyncClient, rows: list[list[Any]], partial: bool = False) -> Any:
    return await client.post("/api/v1/ledger/import", params={"partial": str(partial).lower()}, headers={
        **CW, "content-type": XLSX}, content=workbook(rows))


async def contacts(database: Database, entry_ids: list[uuid.UUID]) -> int:
    async with database.transaction() as session:
        return int(await session.scalar(select(func.count()).select_from(LedgerContact)
                                        .where(LedgerContact.entry_id.in_(entry_ids))) or 0)


class TestExportImport:
    async def test_round_trip_all_or_nothing_then_partial(self, client: AsyncClient, database: Database) -> None:
        registrations = [uuid.uuid4() for _ in range(3)]
        ids = [await put_entry(database, r, date(2026, 11, 1), "pending", closed=False, region=TOWN)
               for r in registrations]
        sheet = await exported(client)
        assert sheet[0] == TEMPLATE.headers
        body = {str(row[0]): row for row in sheet[1:]}
        assert set(body) == {str(i) for i in ids}
        assert body[str(ids[0])][5] == "待联系" and body[str(ids[0])][4] == "2026-11"
        good = fill(body[str(ids[0])], method="电话", contacted_on="2026-11-20", result="已联系",
                    employment_status="hired", employer_name="韶关某厂")
        future = fill(body[str(ids[1])], method="phone", contacted_on="2026-11-25", result="reached",
                      employment_status="unemployed")
        low = fill(body[str(ids[2])], method="visit", contacted_on="2026-11-21", result="reached",
                   employment_status="stable_income", monthly_income_fen=5000)
        untouched = fill(body[str(ids[2])])  # a person not contacted yet: no row to import
        response = await upload(client, [sheet[0], good, future, low, untouched])
        assert response.status_code == 200, response.text
        answer = response.json()
        assert (answer["accepted"], answer["rejected"]) == (0, 3), answer  # nothing imported
        assert [(e["row"], e["code"], e["column"]) for e in answer["errors"]] == [
            (3, "FU-CONTACT-DATE", "联系日期"), (4, "DEREG-INCOME", "月收入（分）")]
        assert answer["errors"][0]["message_zh"]
        assert await contacts(database, ids) == 0 and await deregistration_requests(database, registrations[0]) == []

        partial = await upload(client, [sheet[0], good, future, low], partial=True)
        assert (partial.json()["accepted"], partial.json()["rejected"]) == (1, 2)
        assert await contacts(database, ids) == 1
        (request,) = await deregistration_requests(database, registrations[0])
        assert (request["reason"], request["effective_date"]) == ("hired", "2026-11-20")
        entry = (await client.get(f"/api/v1/ledger/{ids[0]}", headers=CW)).json()
        assert entry["status"] == "contacted" and entry["contacts"][0]["employer"]["name"] == "韶关某厂"
        await assert_counts_agree(database)

    async def test_bad_cells_unknown_entries_and_another_layout(self, client: AsyncClient, database: Database
                                                                ) -> None:
        entry = await put_entry(database, uuid.uuid4(), date(2026, 11, 1), "pending", closed=False, region=TOWN)
        elsewhere = await put_entry(database, uuid.uuid4(), date(2026, 11, 1), "pending", closed=False,
                                    region="440203001")
        header = TEMPLATE.headers
        rows = [header, fill([str(entry)], method="fax", contacted_on="2026-11-20", result="reached",
                             employment_status="unemployed"),
                fill([str(elsewhere)], method="phone", contacted_on="2026-11-20", result="reached",
                     employment_status="unemployed"),
                fill(["not-an-id"], method="phone", contacted_on="2026-11-20", result="reached")]
        answer = (await upload(client, rows)).json()
        assert sorted((e["row"], e["code"]) for e in answer["errors"]) == [
            (2, "SCHEMA-ENUM"), (3, "ledger.entry_unknown"), (4, "SCHEMA-UUID")]
        wrong = await upload(client, [["编号", "日期"], ["x", "y"]])
        assert wrong.status_code == 400 and wrong.json()["code"] == "spreadsheet.unreadable"
        assert await contacts(database, [entry, elsewhere]) == 0


class TestImportedWorkStartsRevisits:
    async def test_an_imported_row_finding_an_assisted_person_hired_schedules_the_revisits(
        self, client: AsyncClient, database: Database
    ) -> None:
        """FU-REVISIT from the offline template as from a contact recorded online."""
        person = await registered_person(database, TOWN)
        await consume(database, EventType.DIFFICULTY_APPLICATION_SUBMITTED,
                      submitted(person, date(2026, 10, 12), date(2026, 11, 9), TOWN))
        entry = await put_entry(database, uuid.uuid4(), date(2026, 11, 1), "pending", closed=False, region=TOWN,
                                person_id=person)
        sheet = await exported(client)
        row = next(r for r in sheet[1:] if str(r[0]) == str(entry))
        hired = fill(row, method="电话", contacted_on="2026-11-20", result="已联系", employment_status="hired",
                     employer_name="韶关某厂")
        answer = (await upload(client, [sheet[0], hired])).json()
        assert (answer["accepted"], answer["rejected"]) == (1, 0), answer
        async with database.transaction() as session:
            slots = (await session.execute(select(RevisitSlot.target, RevisitSlot.sequence, RevisitSlot.due_on)
                                           .where(RevisitSlot.person_id == person))).all()
        assert sorted(slots)[:1] == [("employer", 1, date(2026, 12, 21))] and len(slots) == 8
