"""Benchmark of payment batches (issue 13): create a batch of N payable claims, export its bank file, apply the
filled-in result file of N rows (xlsx upload), and 20 concurrent creations over the same claims; through the
subsidy app in-process (HTTP over ASGI, so JSON and xlsx encoding are counted), on the PostgreSQL of DATABASE_URL.

Run: DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres python tests/perf/bench_payments.py [N]
Targets for N = 100,000 on the 2-core machine: create <= 30 s, export <= 30 s, apply results <= 60 s.
"""

from __future__ import annotations

import asyncio
import io
import os
import platform
import sys
import tempfile
import time
import uuid
from datetime import date
from typing import Any

import asyncpg
from httpx import ASGITransport, AsyncClient
from python_calamine import CalamineWorkbook
from sqlalchemy import text
from sqlalchemy.engine import make_url

from services.migrate import upgrade_all
from services.subsidy.app import create_app
from shared.auth import issue_token
from shared.db import Database
from shared.settings import normalize_database_url
from shared.spreadsheets import write_xlsx
from subsidy_svc.config import Settings
from subsidy_svc.payments.service import BANK_FILE

TARGETS = {"create": 30.0, "export": 30.0, "results": 60.0}
REGION = "440203"
CONCURRENT = 20


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


async def insert_payable_claims(database: Database, region: str, count: int) -> None:
    """Inserts approved claims whose notice has ended (in one statement)."""
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


def bank_results_file(rows: list[dict[str, object]]) -> bytes:
    """Writes the bank's filled-in file (the exported layout) and returns its bytes."""
    path = os.path.join(tempfile.mkdtemp(), "results.xlsx")
    try:
        write_xlsx(BANK_FILE, rows, path)
        with open(path, "rb") as f:
            return f.read()
    finally:
        os.unlink(path)


async def run(count: int) -> dict[str, Any]:
    admin_url = normalize_database_url(os.environ.get("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres"))
    name = f"jiuye_bench_pay_{uuid.uuid4().hex[:8]}"
    dsn = make_url(admin_url).set(drivername="postgresql").render_as_string(hide_password=False)
    admin = await asyncpg.connect(dsn)
    await admin.execute(f'CREATE DATABASE "{name}"')
    await admin.close()
    url = make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    figures: dict[str, Any] = {"claims": count}
    try:
        await asyncio.to_thread(upgrade_all, url)
        settings = Settings(app_env="test", database_url=url, log_json=False,
                            redis_url=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"))
        database = Database.from_url(url, pool_size=CONCURRENT + 2)
        await insert_payable_claims(database, REGION, count)
        app = create_app(settings=settings, database=database, configure_logs=False)
        headers = {"Authorization": f"Bearer {issue_token('admin', '4402', 'bench', 3600, settings)}"}
        async with app.router.lifespan_context(app):
            http = AsyncClient(transport=ASGITransport(app=app), base_url="http://bench", timeout=600)
            body = {"kind": "skill_subsidy", "region": REGION, "as_of": "2026-04-10"}
            started = time.perf_counter()
            created = await http.post("/api/v1/payment-batches", json=body, headers=headers)
            figures["create_s"] = time.perf_counter() - started
            assert created.status_code == 201, created.text[:500]
            batch = created.json()
            assert batch["item_count"] == count and batch["reconciled"]

            started = time.perf_counter()
            exported = await http.get(f"/api/v1/payment-batches/{batch['id']}/export", headers=headers)
            figures["export_s"] = time.perf_counter() - started
            figures["export_bytes"] = len(exported.content)
            assert exported.status_code == 200

            # The bank fills in the exported file (not timed): every 50th line failed, the rest paid.
            rows = CalamineWorkbook.from_filelike(io.BytesIO(exported.content)).get_sheet_by_index(0).to_python()
            keys = [c.key for c in BANK_FILE.columns]
            filled: list[dict[str, object]] = []
            for n, row in enumerate(rows[1:]):
                values = dict(zip(keys, row, strict=False))
                if n % 50:
                    values.update(result="成功", paid_on=date(2026, 4, 10), bank_reference=f"B{n}")
                else:
                    values.update(result="失败", failure_reason="账户状态异常")
                filled.append(values)
            result_file = await asyncio.to_thread(bank_results_file, filled)
            figures["result_file_bytes"] = len(result_file)
            started = time.perf_counter()
            applied = await http.post(f"/api/v1/payment-batches/{batch['id']}/results/file", content=result_file,
                                      headers=headers)
            figures["results_s"] = time.perf_counter() - started
            assert applied.status_code == 200, applied.text[:500]
            assert applied.json()["applied"] == count
            started = time.perf_counter()
            replay = await http.post(f"/api/v1/payment-batches/{batch['id']}/results/file", content=result_file,
                                     headers=headers)
            figures["replay_s"] = time.perf_counter() - started
            assert replay.json()["applied"] == 0

            # 20 concurrent creations over the same fresh claims of another region.
            race_region = "440204"
            await insert_payable_claims(database, race_region, count)
            race = {**body, "region": race_region}
            started = time.perf_counter()
            answers = await asyncio.gather(*(http.post("/api/v1/payment-batches", json=race, headers=headers)
                                             for _ in range(CONCURRENT)))
            figures["concurrent_s"] = time.perf_counter() - started
            figures["concurrent_statuses"] = sorted(a.status_code for a in answers)
            async with database.transaction() as session:
                row = (await session.execute(text(
                    "SELECT count(*), count(DISTINCT claim_id) FROM subsidy.payment_item WHERE region = :r"
                ), {"r": race_region})).one()
            figures["concurrent_items"], figures["concurrent_distinct_claims"] = int(row[0]), int(row[1])
            await http.aclose()
        await database.dispose()
    finally:
        admin = await asyncpg.connect(dsn)
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()
    return figures


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    figures = asyncio.run(run(count))
    print(f"machine: {_cpu_model()}, {os.cpu_count()} CPUs, Python {platform.python_version()}")
    print(f"payable claims: {figures['claims']:,}")
    for key in ("create", "export", "results"):
        seconds = figures[f"{key}_s"]
        target = TARGETS[key] * figures["claims"] / 100_000
        verdict = "ok" if seconds <= target else "MISS"
        print(f"{key:>8}: {seconds:7.2f} s  (target {target:.1f} s at this scale: {verdict})")
    print(f"  replay: {figures['replay_s']:7.2f} s  (no change)")
    print(f"   xlsx : bank file {figures['export_bytes']:,} bytes, result file {figures['result_file_bytes']:,} bytes")
    once = figures["concurrent_items"] == figures["concurrent_distinct_claims"] == figures["claims"]
    print(f"{CONCURRENT} concurrent creations: {figures['concurrent_s']:.2f} s, "
          f"statuses {figures['concurrent_statuses']}, "
          f"items {figures['concurrent_items']:,} for {figures['concurrent_distinct_claims']:,} distinct claims "
          f"(each claim in exactly one batch: {once})")


if __name__ == "__main__":
    main()
