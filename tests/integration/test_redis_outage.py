"""A real Redis stopped for 30 s under `python -m services up` while registrations are posted (issue 15 §1).

Redis here is an embedded redis-server this test starts on a free port of its own (never the machine's);
PostgreSQL is a throwaway database on the test server. The launcher runs the registration and followup
APIs and workers and the scheduler as real processes.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import asyncpg
import httpx
import psutil
import pytest
from sqlalchemy.engine import make_url

from services.embedded import EmbeddedRedis
from shared.auth import issue_token
from shared.settings import PlatformSettings

REPO = Path(__file__).resolve().parents[2]
OUTAGE_SECONDS = 30.0
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
AGENCY = "440282"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _dsn(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def _application(serial: int) -> dict[str, object]:
    born = date(1985, 1, 1) + timedelta(days=serial)
    first17 = f"{AGENCY}{born:%Y%m%d}{random.randrange(1000):03d}"
    number = first17 + _CHECK[sum(int(c) * w for c, w in zip(first17, _WEIGHTS, strict=True)) % 11]
    applied = (datetime.now(ZoneInfo("Asia/Shanghai")) - timedelta(hours=1)).isoformat(timespec="seconds")
    return {
        "person": {
            "id_type": "resident_id", "id_number": number, "name": "王五", "phone": "13800000002",
            "hukou_region_code": AGENCY, "hukou_type": "rural",
            "residence_region_code": AGENCY, "residence_type": "urban",
        },
        "channel": "window",
        "agency_region_code": AGENCY,
        "applied_at": applied,
        "declaration": {"unemployed": True, "able_to_work": True, "wants_work": True, "receiving_pension": False},
        "unemployed_since": "2026-10-01",
        "unemployment_reason": "contract ended",
        "commitment_signed": True,
    }


class _Output:
    """Drains the launcher's output in a thread (a full pipe would block it) and keeps the lines."""

    def __init__(self, proc: subprocess.Popen[str]) -> None:
        self.lines: list[str] = []
        self._thread = threading.Thread(target=self._pump, args=(proc,), daemon=True)
        self._thread.start()

    def _pump(self, proc: subprocess.Popen[str]) -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            self.lines.append(line)

    @property
    def text(self) -> str:
        return "".join(self.lines)

    async def wait_for(self, fragment: str, seconds: float) -> None:
        async def seen() -> bool:
            return fragment in self.text

        await _eventually(seen, seconds, f"{fragment!r} in the output:\n{self.text[-4000:]}")


async def _eventually(check: Callable[[], Awaitable[bool]], seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    for _ in itertools.count():
        if await check():
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"not in {seconds:g} s: {what}")
        await asyncio.sleep(0.5)


@pytest.fixture
async def empty_database(pg_admin_url: str) -> AsyncIterator[str]:
    """A database of its own with nothing in it: `services up` applies the migrations itself."""
    name = f"jiuye_outage_{uuid.uuid4().hex[:10]}"
    admin = await asyncpg.connect(_dsn(pg_admin_url))
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    yield make_url(pg_admin_url).set(database=name).render_as_string(hide_password=False)
    admin = await asyncpg.connect(_dsn(pg_admin_url))
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()


async def _delivered(database_url: str, registration_ids: list[str]) -> int:
    conn = await asyncpg.connect(_dsn(database_url))
    try:
        return int(await conn.fetchval(
            "SELECT count(*) FROM followup.first_contact_task WHERE registration_id = ANY($1::uuid[])",
            registration_ids,
        ))
    finally:
        await conn.close()


class TestRedisOutageUnderServicesUp:
    @pytest.mark.timeout(300)
    async def test_writes_go_on_events_arrive_after_redis_returns_and_no_process_dies(
        self, empty_database: str, tmp_path: Path
    ) -> None:
        redis_port, api_port, followup_port = _free_port(), _free_port(), _free_port()
        redis_dir = tmp_path / "redis"
        server = EmbeddedRedis(redis_dir, port=redis_port)
        redis_url = server.start()
        env = {k: v for k, v in os.environ.items() if k not in ("APP_ENV", "JWT_SIGNING_KEY")}
        env.update(
            DATABASE_URL=empty_database, REDIS_URL=redis_url, REGISTRATION_PORT=str(api_port),
            FOLLOWUP_PORT=str(followup_port), QUEUE_PREFIX=f"outage-{uuid.uuid4().hex[:6]}",
        )
        for name in ("REGISTRATION_URL", "FOLLOWUP_URL", "ELIGIBILITY_URL", "SUBSIDY_URL"):
            env.pop(name, None)
        proc = await asyncio.to_thread(
            subprocess.Popen,
            [sys.executable, "-m", "services", "up", "--only", "registration,followup,scheduler"],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=REPO, env=env,
        )
        output = _Output(proc)
        token = issue_token("caseworker", "44", "outage-test", 3600, PlatformSettings())
        headers = {"Authorization": f"Bearer {token}"}
        base = f"http://127.0.0.1:{api_port}"
        ids: list[str] = []
        statuses: list[int] = []
        try:
            await output.wait_for("press Ctrl-C to stop", 120)
            family = {p.pid for p in psutil.Process(proc.pid).children(recursive=False)}
            assert len(family) == 5  # two APIs, two workers, the scheduler
            async with httpx.AsyncClient(base_url=base, headers=headers, timeout=10, trust_env=False) as client:

                async def post(serial: int) -> None:
                    response = await client.post("/api/v1/registrations", json=_application(serial))
                    statuses.append(response.status_code)
                    assert response.status_code == 201, response.text
                    ids.append(response.json()["id"])

                async def all_delivered() -> bool:
                    return await _delivered(empty_database, ids) == len(ids)

                async def ready() -> bool:
                    return (await client.get("/readyz")).status_code == 200

                for serial in range(3):
                    await post(serial)
                await _eventually(all_delivered, 60, "the events before the outage delivered")

                await asyncio.to_thread(server.stop)
                outage_started = time.monotonic()
                serial = 3
                while time.monotonic() - outage_started < OUTAGE_SECONDS:
                    await post(serial)
                    serial += 1
                    await asyncio.sleep(1.5)
                not_ready = await client.get("/readyz")
                assert not_ready.status_code == 503 and "redis" in not_ready.json()["detail"]
                assert (await client.get("/readyz", params={"only": "database"})).status_code == 200

                server = EmbeddedRedis(redis_dir, port=redis_port)
                await asyncio.to_thread(server.start)
                for _ in range(3):
                    await post(serial)
                    serial += 1
                await _eventually(all_delivered, 90, "every event delivered after Redis returned")
                await _eventually(ready, 20, "/readyz ready again")

            assert len(ids) >= 20 and set(statuses) == {201}
            assert await _delivered(empty_database, ids) == len(ids)
            # Every process the launcher started is the one still running: none died and none was restarted.
            assert {p.pid for p in psutil.Process(proc.pid).children(recursive=False)} == family
            assert "exited unexpectedly" not in output.text
            assert "Redis unreachable; waiting for it to return" in output.text
            assert "Redis reachable again" in output.text
        finally:
            proc.send_signal(signal.SIGINT)
            try:
                await asyncio.to_thread(proc.wait, 60)
            finally:
                if proc.poll() is None:
                    proc.kill()
                server.stop()
        assert proc.returncode == 0, output.text[-4000:]
