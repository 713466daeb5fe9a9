"""Payment batches on real PostgreSQL: PAY-ONCE under replays, retries and 20 concurrent creations; bank file;
results (paid final, failed re-batchable); totals reconcile; report by region."""

from __future__ import annotations

import asyncio
import io
import os
import random
import tempfile
import uuid
from collections.abc import AsyncIterator
from datetime import date
from typing import Any

import pytest
from httpx import AsyncClient
from python_calamine import CalamineWorkbook
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from shared.auth import Principal, Role
from shared.db import Database
from shared.spreadsheets import write_xlsx
from subsidy_svc.payments import service
from subsidy_svc.payments.errors import NothingPayable
from subsidy_svc.payments.models import PaymentKind
from subsidy_svc.payments.schemas import BatchCreate
from tests.subsidy_svc.claims_support import (
    ADMIN,
    BATCHES,
    CASEWORKER,
    CLAIMS,
    REVIEWER,
    MovableClock,
    claim_body,
    subsidy_api,
)


@pytest.fixture
def clock() -> MovableClock:
    return MovableClock(date(2026, 4, 1))


@pytest.fixture
async def api(
    database: Database, database_url: str, redis_url: str, queue_prefix: str, clock: MovableClock
) -> AsyncIterator[AsyncClient]:
    async with subsidy_api(database, database_url, redis_url, queue_prefix, clock.clock) as http:
        yield http


async def approved_claims(api: AsyncClient, clock: MovableClock, sequences: list[int]) -> list[dict[str, Any]]:
    """Files and approves claims on 2026-04-01; their notice ends 2026-04-09."""
    claims = []
    for sequence in sequences:
        response = await api.post(CLAIMS, headers=CASEWORKER,
                                  json=claim_body(sequence, allowance={"requested": True, "group": "disabled"}))
        assert response.status_code == 201, response.text
        reviewed = await api.post(f"{CLAIMS}/{response.json()['id']}/review", headers=REVIEWER,
                                  json={"decision": "approve", "reviewed_on": "2026-04-01"})
        claims.append(reviewed.json())
    return claims


def batch_body(as_of: str = "2026-04-10", region: str = "440203") -> dict[str, str]:
    return {"kind": "skill_subsidy", "region": region, "as_of": as_of}


class TestBatchAndResults:
    async def test_pay_once_through_results_and_replays(self, api: AsyncClient, clock: MovableClock) -> None:
        claims = await approved_claims(api, clock, [101, 103, 105])
        clock.today = date(2026, 4, 10)
        # The notice ends 2026-04-09: on that day nothing is payable yet.
        assert (await api.post(BATCHES, json=batch_body("2026-04-09"), headers=ADMIN)).status_code == 409
        assert (await api.post(BATCHES, json=batch_body(), headers=CASEWORKER)).status_code == 403
        created = await api.post(BATCHES, json=batch_body(), headers=ADMIN)
        assert created.status_code == 201, created.text
        batch = created.json()
        assert {i["claim_id"] for i in batch["items"]} == {c["id"] for c in claims}
        assert all(i["amount_fen"] == 200_000 + 50_000 for i in batch["items"])
        assert batch["total_fen"] == 750_000 and batch["reconciled"] is True
        assert batch["items"][0]["payee"]["name"] == "李四"
        second = await api.post(BATCHES, json=batch_body(), headers=ADMIN)
        assert second.status_code == 409 and second.json()["code"] == "payment.nothing_payable"

        exported = await api.get(f"{BATCHES}/{batch['id']}/export", headers=ADMIN)
        assert exported.status_code == 200
        rows = CalamineWorkbook.from_filelike(io.BytesIO(exported.content)).get_sheet_by_index(0).to_python()
        assert rows[0][:6] == ["序号", "明细编号", "收款人户名", "收款账号", "开户银行", "金额（元）"]
        assert sorted(r[1] for r in rows[1:]) == sorted(i["item_id"] for i in batch["items"])
        assert {r[5] for r in rows[1:]} == {"2500.00"}

        paid, failed, _third = batch["items"]
        results = {"items": [
            {"item_id": paid["item_id"], "result": "paid", "paid_on": "2026-04-10", "bank_reference": "B-1"},
            {"item_id": failed["item_id"], "result": "failed", "failure_reason": "账户已销户"},
        ]}
        url = f"{BATCHES}/{batch['id']}/results"
        applied = await api.post(url, json=results, headers=ADMIN)
        assert applied.status_code == 200, applied.text
        assert (applied.json()["applied"], applied.json()["paid"], applied.json()["failed"]) == (2, 1, 1)
        replay = await api.post(url, json=results, headers=ADMIN)
        assert (replay.json()["applied"], replay.json()["unchanged"]) == (0, 2)
        claim = (await api.get(f"{CLAIMS}/{paid['claim_id']}", headers=CASEWORKER)).json()
        assert (claim["status"], claim["paid_on"]) == ("paid", "2026-04-10")
        assert claim["steps"]["payment"]["overdue"] is False

        turned = await api.post(url, headers=ADMIN, json={"items": [
            {"item_id": paid["item_id"], "result": "failed", "failure_reason": "冲正"}]})
        assert turned.status_code == 409 and turned.json()["violations"][0]["rule"] == "PAY-ONCE"
        stranger = await api.post(url, headers=ADMIN, json={"items": [
            {"item_id": str(uuid.uuid4()), "result": "paid", "paid_on": "2026-04-10", "bank_reference": "B-9"},
            {"item_id": _third["item_id"], "result": "paid", "paid_on": "2026-04-10", "bank_reference": "B-3"}]})
        assert stranger.status_code == 422 and stranger.json()["code"] == "payment.invalid_results"
        after = (await api.get(f"{BATCHES}/{batch['id']}", headers=ADMIN)).json()
        assert {i["item_id"]: i["status"] for i in after["items"]}[_third["item_id"]] == "sent"

        # The failed one is batched again, alone; the paid one never.
        again = await api.post(BATCHES, json=batch_body(), headers=ADMIN)
        assert again.status_code == 201
        assert [i["claim_id"] for i in again.json()["items"]] == [failed["claim_id"]]
        report = (await api.get(f"{BATCHES}/report", params={"kind": "skill_subsidy"}, headers=ADMIN)).json()
        assert report["batches_reconciled"] is True and report["batches"] == 2
        (region,) = report["regions"]
        assert (region["paid_count"], region["paid_fen"]) == (1, 250_000)
        assert (region["failed_count"], region["sent_count"], region["sent_fen"]) == (0, 2, 500_000)
        assert region["outstanding_count"] == 0

    async def test_objection_pending_holds_payment(self, api: AsyncClient, clock: MovableClock) -> None:
        (claim,) = await approved_claims(api, clock, [201])
        clock.today = date(2026, 4, 3)
        await api.post(f"{CLAIMS}/{claim['id']}/objections", headers=REVIEWER,
                       json={"received_on": "2026-04-03", "content": "异议"})
        clock.today = date(2026, 4, 10)
        assert (await api.post(BATCHES, json=batch_body(), headers=ADMIN)).status_code == 409


class TestConstraint:
    async def test_a_second_live_item_for_a_claim_is_refused_by_the_database(
        self, api: AsyncClient, clock: MovableClock, database: Database
    ) -> None:
        (claim,) = await approved_claims(api, clock, [301])
        clock.today = date(2026, 4, 10)
        batch = (await api.post(BATCHES, json=batch_body(), headers=ADMIN)).json()
        with pytest.raises(IntegrityError, match="uq_payment_item_claim_live"):
            async with database.transaction() as session:
                await session.execute(text(
                    "INSERT INTO subsidy.payment_item (id, batch_id, seq, claim_id, region, amount_fen, payee_name, "
                    "payee_account, payee_bank, status) VALUES (gen_random_uuid(), :b, 2, :c, '440203', 1, 'x', "
                    "'1', 'x', 'sent')"), {"b": batch["id"], "c": claim["id"]})


class TestConcurrentCreation:
    async def test_twenty_concurrent_batches_put_each_claim_in_exactly_one(self, engine: AsyncEngine) -> None:
        """Real commits (not the rolled-back test transaction): 20 creations race over the same claims."""
        database = Database(engine)
        region = f"44{random.randrange(9000, 9999)}"
        claims = 300
        await insert_payable_claims(database, region, claims)
        admin = Principal("admin-race", Role.ADMIN, region[:4])
        body = BatchCreate(kind=PaymentKind.SKILL_SUBSIDY, region=region, as_of=date(2026, 4, 10))

        async def create() -> int:
            try:
                async with database.transaction() as session:
                    return (await service.create_batch(session, admin, body)).item_count
            except NothingPayable:
                return 0

        try:
            counts = await asyncio.gather(*(create() for _ in range(20)))
            async with database.transaction() as session:
                rows = (await session.execute(text(
                    "SELECT claim_id, count(*) FROM subsidy.payment_item WHERE region = :r GROUP BY claim_id"
                ), {"r": region})).all()
            assert sum(counts) == claims
            assert len(rows) == claims and all(n == 1 for _, n in rows)
        finally:
            await delete_region(database, region)


async def insert_payable_claims(database: Database, region: str, count: int) -> None:
    """Inserts claims already approved with their notice ended (bulk, for races and benchmarks)."""
    async with database.transaction() as session:
        await session.execute(text(
            """
            INSERT INTO subsidy.skill_claim (id, person_id, id_type, id_number, applicant_name, certificate_number,
              occupation_code, level, issued_on, applied_on, place_basis, agency_region_code, bank_name,
              account_number, account_name, catalogue_effective_from, subsidy_fen, living_allowance_requested,
              living_allowance_granted, living_allowance_fen, living_allowance_rule, living_allowance_reason,
              living_allowance_reason_zh, allowance_year, status, review_due, reviewed_on, review_decision,
              notice_start, notice_end, payment_due, filed_by)
            SELECT gen_random_uuid(), gen_random_uuid(), 'resident_id', 'X' || n, '申请人' || n,
              :region || '-CERT-' || n, '4-03-02-01', 3, DATE '2026-03-02', DATE '2026-04-01', 'hukou', :region,
              '测试银行', lpad(n::text, 16, '0'), '申请人' || n, DATE '2024-01-01', 200000, false, false, 0,
              'SUB-ALLOWANCE-GROUP', 'none', '无', 2026, 'payable', DATE '2026-04-23', DATE '2026-04-01', 'approve',
              DATE '2026-04-02', DATE '2026-04-09', DATE '2026-07-08', 'bench'
            FROM generate_series(1, :count) AS n
            """), {"region": region, "count": count})


async def delete_region(database: Database, region: str) -> None:
    """Removes the batches, items and claims of a test region (they were committed)."""
    async with database.transaction() as session:
        await session.execute(text(
            "DELETE FROM subsidy.payment_item WHERE region = :r"), {"r": region})
        await session.execute(text("DELETE FROM subsidy.payment_batch WHERE region = :r"), {"r": region})
        await session.execute(text("DELETE FROM subsidy.skill_claim WHERE agency_region_code = :r"), {"r": region})


def bank_file(rows: list[list[object]], fill: dict[int, tuple[str, str | None, str | None]]) -> bytes:
    """The exported rows with the bank's results written in: row index -> (result, paid_on, reference/reason)."""
    out: list[dict[str, object]] = []
    for index, row in enumerate(rows[1:]):
        values = dict(zip([c.key for c in service.BANK_FILE.columns], row, strict=False))
        if index in fill:
            result, paid_on, extra = fill[index]
            values["result"], values["paid_on"] = result, paid_on
            values["bank_reference" if result == "成功" else "failure_reason"] = extra
        out.append(values)
    handle, path = tempfile.mkstemp(suffix=".xlsx")
    os.close(handle)
    try:
        write_xlsx(service.BANK_FILE, out, path)
        with open(path, "rb") as f:
            return f.read()
    finally:
        os.unlink(path)


class TestBankResultFile:
    async def test_the_filled_in_bank_file_is_applied_once(self, api: AsyncClient, clock: MovableClock) -> None:
        await approved_claims(api, clock, [401, 403, 405])
        clock.today = date(2026, 4, 10)
        batch = (await api.post(BATCHES, json=batch_body(), headers=ADMIN)).json()
        exported = await api.get(f"{BATCHES}/{batch['id']}/export", headers=ADMIN)
        rows = CalamineWorkbook.from_filelike(io.BytesIO(exported.content)).get_sheet_by_index(0).to_python()
        url = f"{BATCHES}/{batch['id']}/results/file"
        unknown = bank_file(rows, {0: ("退回?", None, None)})
        refused = await api.post(url, content=unknown, headers=ADMIN)
        assert refused.status_code == 422 and refused.json()["violations"][0]["field"] == "row 2"
        filled = bank_file(rows, {0: ("成功", "2026-04-10", "ICBC-1"), 1: ("失败", None, "户名不符")})
        applied = await api.post(url, content=filled, headers=ADMIN)
        assert applied.status_code == 200, applied.text
        assert (applied.json()["paid"], applied.json()["failed"], applied.json()["applied"]) == (1, 1, 2)
        again = await api.post(url, content=filled, headers=ADMIN)
        assert (again.json()["applied"], again.json()["unchanged"]) == (0, 2)
        statuses = sorted(i["status"] for i in (await api.get(f"{BATCHES}/{batch['id']}", headers=ADMIN)).json()[
            "items"])
        assert statuses == ["failed", "paid", "sent"]
