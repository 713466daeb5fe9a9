"""deploy/postgres/roles.sql on a PostgreSQL of the test's own: the application's role cannot truncate,
change or delete the audit log, and the triggers refuse even the owner (issue 15 §4)."""

from __future__ import annotations

import asyncio
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import asyncpg
import pytest
from sqlalchemy.engine import make_url

from services.embedded import EmbeddedPostgres, _pg_bin
from services.migrate import upgrade_all

ROLES_SQL = Path(__file__).resolve().parents[2] / "deploy" / "postgres" / "roles.sql"


@pytest.fixture
def own_postgres() -> Iterator[EmbeddedPostgres]:
    data_dir = Path(tempfile.mkdtemp(prefix="jiuye-roles-pg-"))
    server = EmbeddedPostgres(data_dir)
    server.start()
    try:
        yield server
    finally:
        server.stop()
        shutil.rmtree(data_dir, ignore_errors=True)


class TestRoles:
    @pytest.mark.timeout(180)
    async def test_the_app_role_may_insert_into_the_audit_log_and_nothing_more(
        self, own_postgres: EmbeddedPostgres
    ) -> None:
        await asyncio.to_thread(upgrade_all, own_postgres.url)
        result = await asyncio.to_thread(
            subprocess.run,
            [str(_pg_bin("psql")), "-h", str(own_postgres.socket_dir), "-U", "postgres", "-d", "jiuye", "-X",
             "-v", "ON_ERROR_STOP=1", "-v", "owner_password=o'1", "-v", "app_password=a", "-f", str(ROLES_SQL)],
            capture_output=True, text=True, timeout=60,
        )
        assert result.returncode == 0, result.stderr
        url = make_url(own_postgres.url)
        app = await asyncpg.connect(user="jiuye_app", database="jiuye", host=url.query["host"])
        try:
            for schema in ("registration", "followup", "eligibility", "subsidy"):
                await app.execute(
                    f"INSERT INTO {schema}.audit_log (actor, role, region, action, record_type) "
                    "VALUES ('t', 'admin', '44', 'test', 'test')"
                )
                assert await app.fetchval(f"SELECT count(*) FROM {schema}.audit_log") == 1
                for statement in (f"TRUNCATE {schema}.audit_log", f"UPDATE {schema}.audit_log SET actor = 'x'",
                                  f"DELETE FROM {schema}.audit_log",
                                  f"ALTER TABLE {schema}.audit_log DISABLE TRIGGER audit_log_no_truncate",
                                  f"TRUNCATE {schema}.outbox_event"):
                    with pytest.raises(asyncpg.InsufficientPrivilegeError):
                        await app.execute(statement)
                await app.execute(f"DELETE FROM {schema}.outbox_event")  # other tables stay writable
        finally:
            await app.close()
        owner = await asyncpg.connect(user="postgres", database="jiuye", host=url.query["host"])
        try:
            with pytest.raises(asyncpg.RaiseError, match="append-only"):
                await owner.execute("TRUNCATE registration.audit_log")
        finally:
            await owner.close()
