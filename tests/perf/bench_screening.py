"""Benchmark of the certification workflow's batch jobs: active screening (DIFF-SCREENING) of N registered
persons read from a real registration service in pages, and the quarterly review (DIFF-QUARTERLY) of M
certified persons. Targets (issue 12): 1,000,000 screened in <= 180 s with peak memory < 500 MB; 100,000
reviewed in <= 60 s.

Run: .venv/bin/python -m tests.perf.bench_screening [--persons 1000000] [--certified 100000]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import resource
import sys
import time
import uuid
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import asyncpg  # type: ignore[import-untyped]
from pydantic import SecretStr
from sqlalchemy import select

from eligibility_svc.certification import periodic
from eligibility_svc.models import platform as eligibility_platform
from shared.clients.registration import RegistrationClient
from shared.db import Database
from shared.jobs import JobStatus, request_job, run_job
from shared.policy import default_registry
from shared.settings import PlatformSettings, normalize_database_url
from tests.perf import _harness as h

SCREEN_TARGET_S = 180.0
SCREEN_MEMORY_MB = 500.0
REVIEW_TARGET_S = 60.0
ON = date(2026, 12, 10)

# Registered persons: ages 16..64 spread over birth dates, both genders, registrations of the last two years,
# 3 % with a disability certificate, ten towns of three counties.
SEED_PERSONS = """
INSERT INTO registration.person (id, id_type, id_number, name, gender, birth_date, phone, hukou_region_code,
                                 hukou_type, residence_region_code, residence_type)
SELECT md5('p' || n)::uuid, 'resident_id', lpad(n::text, 18, '0'), '测试' || n,
       CASE WHEN n % 2 = 0 THEN 'female' ELSE 'male' END,
       DATE '1962-01-01' + (n::bigint * 7919 % 17900)::int, '13800000000', '440203', 'urban', '440203', 'urban'
FROM generate_series($1::int, $2::int) AS n
"""
SEED_REGISTRATIONS = """
INSERT INTO registration.registration (
    id, person_id, status, channel, agency_region_code, applied_at, decision_due, deadline_workdays,
    deadline_source, registered_on, hukou_region_code, hukou_type, residence_region_code, residence_type,
    unemployed_since, unemployment_reason, declared_unemployed, declared_able_to_work, declared_wants_work,
    declared_receiving_pension, commitment_signed, created_by, disability_certificate_number)
SELECT md5('r' || n)::uuid, md5('p' || n)::uuid, 'registered', 'window',
       (ARRAY['440203', '440204', '440205'])[1 + n % 3] || lpad((1 + n % 10)::text, 3, '0'),
       TIMESTAMPTZ '2025-01-01 09:00+08' + (n % 700) * INTERVAL '1 day', DATE '2025-01-01' + (n % 700), 0,
       'bench', DATE '2025-01-01' + (n % 700), '440203', 'urban', '440203', 'urban', DATE '2024-12-01',
       'bench', true, true, true, false, true, 'bench',
       CASE WHEN n % 33 = 0 THEN 'D' || n END
FROM generate_series($1::int, $2::int) AS n
"""
# Certified persons: the first M registered persons, each with the case they were certified on.
SEED_APPLICATIONS = """
INSERT INTO eligibility.difficulty_application (id, person_id, applicant_name, agency_region_code, status,
    applied_on, "case", facts_used, evaluation, materials, missing_materials, created_by)
SELECT md5('a' || n)::uuid, md5('p' || n)::uuid, '测试' || n, '440203001', 'certified', DATE '2026-06-01',
       '{}'::jsonb, '[]'::jsonb, '{}'::jsonb, '[]'::jsonb, '[]'::jsonb, 'bench'
FROM generate_series($1::int, $2::int) AS n
"""
SEED_CERTIFICATIONS = """
INSERT INTO eligibility.difficulty_certification (id, certificate_number, application_id, person_id,
    agency_region_code, categories, tier, certified_on, retirement_date, "case", status)
SELECT md5('c' || n)::uuid, 'JKB' || n, md5('a' || n)::uuid, md5('p' || n)::uuid,
       (ARRAY['440203', '440204', '440205'])[1 + n % 3] || lpad((1 + n % 10)::text, 3, '0'),
       '["long_term_unemployed"]'::jsonb, 'II', DATE '2026-06-15', DATE '2040-01-01',
       jsonb_build_object(
           'as_of', '2026-12-01', 'agency_region_code', '440203001',
           'person', jsonb_build_object('gender', CASE WHEN n % 2 = 0 THEN 'female' ELSE 'male' END,
                                        'birth_date', (DATE '1962-01-01' + (n::bigint * 7919 % 17900)::int)::text,
                                        'hukou_region_code', '440203', 'hukou_type', 'urban'),
           'status', jsonb_build_object('unemployed', true, 'able_to_work', true, 'wants_work', true),
           'facts', jsonb_build_object('latest_registration_date', (DATE '2025-01-01' + (n % 700))::text)),
       'active'
FROM generate_series($1::int, $2::int) AS n
"""


# CPU seconds this process spent in each job (the wall time on a shared machine also counts others' work).
CPU_SECONDS: dict[str, float] = {}


async def seed(dsn: str, persons: int, certified: int) -> float:
    """Inserts the registered and certified persons in batches; returns the seconds it took."""
    started = time.monotonic()
    connection = await asyncpg.connect(dsn)
    try:
        batch = 100_000
        for first in range(1, persons + 1, batch):
            last = min(persons, first + batch - 1)
            async with connection.transaction():
                await connection.execute(SEED_PERSONS, first, last)
                await connection.execute(SEED_REGISTRATIONS, first, last)
        for first in range(1, certified + 1, batch):
            last = min(certified, first + batch - 1)
            async with connection.transaction():
                await connection.execute(SEED_APPLICATIONS, first, last)
                await connection.execute(SEED_CERTIFICATIONS, first, last)
        await connection.execute("ANALYZE registration.registration; ANALYZE registration.person; "
                                 "ANALYZE eligibility.difficulty_certification")
    finally:
        await connection.close()
    return time.monotonic() - started


def _peak_mb_of(pid: int | None) -> float | None:
    if pid is None:
        return None
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


async def run_batch(
    database_url: str, registration_url: str, key: str, kind: str, period: str
) -> tuple[float, dict[str, object], int]:
    """Runs one batch job of the eligibility service in this process; returns seconds, result, rows."""
    settings = PlatformSettings(database_url=database_url, jwt_signing_key=SecretStr(key), app_env="dev",
                                peer_timeout_seconds=120)
    database = Database.from_url(normalize_database_url(database_url), pool_size=2, max_overflow=0)
    client = RegistrationClient(registration_url, settings, caller="eligibility")
    work = {periodic.SCREENING_KIND: periodic.screening_work(default_registry(), lambda: client),
            periodic.QUARTERLY_KIND: periodic.quarterly_work(default_registry(), lambda: client)}
    table = eligibility_platform.job
    try:
        async with database.transaction() as session:
            row, _ = await request_job(session, table, kind=kind, period=period, requested_by="bench")
        job_id: uuid.UUID = row["id"]
        started, cpu_started = time.monotonic(), time.process_time()
        status = await run_job(database, table, job_id, work)
        seconds = time.monotonic() - started
        CPU_SECONDS[kind] = time.process_time() - cpu_started
        async with database.transaction() as session:
            done = (await session.execute(select(table).where(table.c.id == job_id))).mappings().one()
        if status is not JobStatus.SUCCEEDED:
            raise RuntimeError(f"{kind} failed: {done['error']}")
        return seconds, dict(done["result"] or {}), int(done["processed"])
    finally:
        await client.aclose()
        await database.dispose()


def run(args: argparse.Namespace) -> None:
    """Seeds, starts the registration service, runs screening then the quarterly review, prints figures."""
    load_before = os.getloadavg()
    key = h.signing_key(args)
    with h.backends(scratch=True) as found:
        print(f"seeding {args.persons:,} registered persons and {args.certified:,} certified", flush=True)
        seeded = asyncio.run(seed(found.dsn, args.persons, args.certified))
        print(f"seeded in {seeded:.1f} s", flush=True)
        service = h.ServerProcess("registration", "services.registration.app:create_app",
                                  h.server_env(found, key), found.work_dir)
        service.start()
        try:
            print(f"registration service {service.url}", flush=True)
            cpu_before = h.process_cpu_seconds(service.pid) if service.pid else None
            pg_before = h.postgres_cpu_seconds()
            screen_s, screen_result, screened = asyncio.run(
                run_batch(found.database_url, service.url, key, periodic.SCREENING_KIND, ON.isoformat()))
            screen_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            cpu_after = h.process_cpu_seconds(service.pid) if service.pid else None
            pg_after = h.postgres_cpu_seconds()
            print(f"screening: {screened:,} persons in {screen_s:.1f} s, result {screen_result}", flush=True)
            review_s, review_result, reviewed = asyncio.run(
                run_batch(found.database_url, service.url, key, periodic.QUARTERLY_KIND, "2027-Q1"))
            print(f"quarterly review: {reviewed:,} certified in {review_s:.1f} s, result {review_result}",
                  flush=True)
            server_peak = _peak_mb_of(service.pid)
        finally:
            service.stop()
        pg_version = h.database_version(found.dsn)
    overall_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    pg_cpu = f"{pg_after - pg_before:.1f} s" if pg_before is not None and pg_after is not None else "n/a"
    server_cpu = (f"{cpu_after - cpu_before:.1f} s" if cpu_before is not None and cpu_after is not None else "n/a")
    print()
    print(f"platform     {platform.platform()}")
    print(f"cpu          {os.cpu_count()} logical CPUs, {h._cpu_model()}")
    print(f"load avg     {', '.join(f'{x:.2f}' for x in load_before)} (before the run; the machine is shared)")
    print(f"python       {platform.python_implementation()} {platform.python_version()}")
    print(f"postgresql   {pg_version}")
    print("registration uvicorn, 1 worker process; the jobs run in this process, reading it over HTTP in pages")
    print()
    scale = "" if args.persons == 1_000_000 else " (reduced scale: target is for 1,000,000)"
    rscale = "" if args.certified == 100_000 else " (reduced scale: target is for 100,000)"
    screen_target = SCREEN_TARGET_S * args.persons / 1_000_000
    review_target = REVIEW_TARGET_S * args.certified / 100_000
    rows: list[Sequence[str]] = [["metric", "measured", "target", "result"]]
    rows += [
        [f"screening of {screened:,}{scale}", f"{screen_s:.1f} s ({screened / screen_s:,.0f}/s)",
         f"<= {screen_target:.0f} s", "PASS" if screen_s <= screen_target else "MISS"],
        ["screening cpu of this process", f"{CPU_SECONDS.get(periodic.SCREENING_KIND, 0):.1f} s", "", ""],
        ["screening peak memory (this process)", f"{screen_peak:.0f} MB", f"< {SCREEN_MEMORY_MB:.0f} MB",
         "PASS" if screen_peak < SCREEN_MEMORY_MB else "MISS"],
        ["registration service peak memory", f"{server_peak:.0f} MB" if server_peak else "n/a", "", ""],
        ["registration service cpu during screening", server_cpu, "", ""],
        ["postgres cpu during screening (every user of the server)", pg_cpu, "", ""],
        [f"quarterly review of {reviewed:,}{rscale}", f"{review_s:.1f} s ({reviewed / review_s:,.0f}/s)",
         f"<= {review_target:.0f} s", "PASS" if review_s <= review_target else "MISS"],
        ["quarterly review cpu of this process", f"{CPU_SECONDS.get(periodic.QUARTERLY_KIND, 0):.1f} s", "", ""],
        ["this process peak memory overall", f"{overall_peak:.0f} MB", "", ""],
    ]
    h.print_table(rows)


def main(argv: Sequence[str] | None = None) -> int:
    """Parses the command line and runs the benchmark; always returns 0 (it is a measurement)."""
    parser = argparse.ArgumentParser(prog="python -m tests.perf.bench_screening", description=__doc__)
    parser.add_argument("--persons", type=int, default=1_000_000, help="registered persons to screen")
    parser.add_argument("--certified", type=int, default=100_000, help="certified persons to review")
    args = parser.parse_args(argv)
    args.url = None
    run(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
