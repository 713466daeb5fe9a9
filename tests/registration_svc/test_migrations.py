"""The registration revisions carry existing rows forward and back (that the migrated schema matches the
models is tests/platform/test_migration_drift.py, for every service)."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime

import asyncpg
from alembic import command
from sqlalchemy.engine import make_url

from services.migrate import alembic_config


async def _rows(url: str) -> dict[str, tuple[object, ...]]:
    connection = await asyncpg.connect(url)
    try:
        rows = await connection.fetch(
            "SELECT template, status, next_attempt_at IS NOT NULL, dead_lettered_at IS NOT NULL "
            "FROM registration.notification"
        )
        return {r[0]: tuple(r[1:]) for r in rows}
    finally:
        await connection.close()


async def _rows_before_0004(url: str) -> dict[str, tuple[object, ...]]:
    connection = await asyncpg.connect(url)
    try:
        rows = await connection.fetch("SELECT template, status FROM registration.notification")
        return {r[0]: (r[1],) for r in rows}
    finally:
        await connection.close()


class TestNotificationDeliveryRevision:
    async def test_existing_rows_keep_their_meaning_both_ways(self, pg_admin_url: str) -> None:
        name = f"jiuye_test_mig_{uuid.uuid4().hex[:10]}"
        admin_dsn = make_url(pg_admin_url).set(drivername="postgresql").render_as_string(hide_password=False)
        admin = await asyncpg.connect(admin_dsn)
        await admin.execute(f'CREATE DATABASE "{name}"')
        url = make_url(pg_admin_url).set(database=name).render_as_string(hide_password=False)
        dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
        config = alembic_config("registration", url)
        try:
            await asyncio.to_thread(command.upgrade, config, "registration_0003")
            connection = await asyncpg.connect(dsn)
            try:
                # `template` names each row; the unscheduled sender's `failed` meant given up.
                for template, status, sent_at in (("a.pending", "pending", None), ("a.failed", "failed", None),
                                                  ("a.sent", "sent", datetime(2026, 11, 20, 8, tzinfo=UTC))):
                    await connection.execute(
                        "INSERT INTO registration.notification (id, person_id, channel, template, params, status, "
                        "created_at, sent_at, attempts) VALUES ($1, $2, 'sms', $3, '{}', $4, now(), "
                        "$5, 0)",
                        uuid.uuid4(), uuid.uuid4(), template, status, sent_at,
                    )
            finally:
                await connection.close()
            await asyncio.to_thread(command.upgrade, config, "registration_0004")
            assert await _rows(dsn) == {
                "a.pending": ("pending", True, False),
                "a.failed": ("dead_letter", False, True),
                "a.sent": ("sent", False, False),
            }
            await asyncio.to_thread(command.downgrade, config, "registration_0003")
            assert await _rows_before_0004(dsn) == {
                "a.pending": ("pending",), "a.failed": ("failed",), "a.sent": ("sent",)
            }
            await asyncio.to_thread(command.upgrade, config, "head")
        finally:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            await admin.close()
