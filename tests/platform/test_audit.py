"""The audit trail (issue 15 §4): append-only against TRUNCATE too, citizens as keyed pseudonyms, denied
requests recorded at a bounded rate."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection

from registration_svc.config import Settings as RegistrationSettings
from registration_svc.models import platform as registration_platform
from services.registration.app import create_app as create_registration_app
from shared.audit import DeniedRequests, audit_actor, pseudonym, use_subject_key
from shared.auth import Principal, Role
from shared.db import Database
from tests.registration_svc.registration_support import application, id_number
from tests.support import bearer, running_app, service_settings

SCHEMAS = ("registration", "followup", "eligibility", "subsidy")
AUDIT = registration_platform.audit_log


class TestAppendOnly:
    @pytest.mark.parametrize("schema", SCHEMAS)
    @pytest.mark.parametrize(
        "statement", ["TRUNCATE {schema}.audit_log", "UPDATE {schema}.audit_log SET actor = 'x'",
                      "DELETE FROM {schema}.audit_log"],
    )
    async def test_truncate_update_and_delete_are_refused(
        self, connection: AsyncConnection, schema: str, statement: str
    ) -> None:
        await connection.execute(text(
            f"INSERT INTO {schema}.audit_log (actor, role, region, action, record_type) "
            "VALUES ('t', 'admin', '44', 'test', 'test')"
        ))
        savepoint = await connection.begin_nested()
        with pytest.raises(DBAPIError, match="append-only"):
            await connection.execute(text(statement.format(schema=schema)))
        await savepoint.rollback()


class TestPseudonymousCitizens:
    def test_a_citizen_is_a_stable_keyed_pseudonym_and_staff_keep_their_subject(self) -> None:
        number = id_number(date(1990, 1, 1))
        citizen = Principal(number, Role.CITIZEN, "440203")
        actor = audit_actor(citizen)
        assert actor.startswith("citizen:") and number not in actor and number[:6] not in actor[8:14]
        assert audit_actor(Principal(f" {number.lower()} ", Role.CITIZEN, "44")) == actor  # normalised
        assert audit_actor(Principal("cw-7", Role.CASEWORKER, "440203")) == "cw-7"
        try:
            use_subject_key("another-key-of-at-least-32-characters!!")
            assert pseudonym(number) != actor  # keyed: without the key the number cannot be tried out
        finally:
            use_subject_key(RegistrationSettings().audit_subject_key.get_secret_value())

    async def test_a_citizens_own_registration_is_audited_without_the_number(
        self, database: Database, database_url: str, redis_url: str, queue_prefix: str
    ) -> None:
        settings = service_settings(RegistrationSettings, database_url, redis_url, queue_prefix)
        number = id_number(date(1991, 2, 3))
        async with running_app(create_registration_app, settings, database) as client:
            response = await client.post("/api/v1/registrations", json=application(number, channel="online"),
                                         headers=bearer("citizen", "440203", number))
            assert response.status_code == 201, response.text
            registration_id = response.json()["id"]
        async with database.transaction() as session:
            rows = (await session.execute(select(AUDIT).where(AUDIT.c.record_id == registration_id))).mappings().all()
        assert rows, "the registration is audited"
        for row in rows:
            assert row["actor"] == pseudonym(number)
            assert number not in str(dict(row))


class TestDeniedRequests:
    def test_at_most_the_limit_per_client_and_minute_and_the_next_says_how_many_were_left_out(self) -> None:
        denied = DeniedRequests(per_minute=3)
        assert [denied.admit("10.0.0.1", now=60.0) for _ in range(5)] == [0, 0, 0, None, None]
        assert denied.admit("10.0.0.2", now=61.0) == 0  # another client has its own allowance
        assert denied.admit("10.0.0.1", now=120.0) == 2  # next minute: two were not written

    async def test_401_and_403_are_written_to_the_audit_log(
        self, database: Database, database_url: str, redis_url: str, queue_prefix: str
    ) -> None:
        settings = service_settings(RegistrationSettings, database_url, redis_url, queue_prefix)
        async with running_app(create_registration_app, settings, database) as client:
            anonymous = await client.get("/api/v1/registrations")
            assert anonymous.status_code == 401
            outside = await client.get("/api/v1/registrations", params={"region": "4402"},
                                       headers=bearer("caseworker", "440203", "cw-probe"))
            assert outside.status_code == 403
        async with database.transaction() as session:
            rows = (await session.execute(
                select(AUDIT.c.actor, AUDIT.c.role, AUDIT.c.record_id, AUDIT.c.details, AUDIT.c.request_id)
                .where(AUDIT.c.action == "access.denied").order_by(AUDIT.c.id)
            )).all()
        assert [(r.actor, r.role, r.record_id, r.details["status"]) for r in rows[-2:]] == [
            ("anonymous", "anonymous", "/api/v1/registrations", 401),
            ("cw-probe", "caseworker", "/api/v1/registrations", 403),
        ]
        assert rows[-1].request_id == outside.headers["x-request-id"]
