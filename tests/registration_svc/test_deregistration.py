"""POST /registrations/{id}/deregistration: reasons, DEREG-NOTIFY, DEREG-DATE, DEREG-INCOME, conflicts."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from httpx import AsyncClient
from sqlalchemy import select

from registration_svc.deregistration.rules import REASON_TEXTS, DeregistrationReason, manual_reason_rule, notify_rule
from registration_svc.models import platform
from shared.clock import Clock
from shared.db import Database
from shared.policy import default_registry
from tests.registration_svc.registration_support import (
    AFTER_MIDNIGHT,
    application,
    caseworker,
    client,
    id_number,
    outbox_events,
)
from tests.registration_svc.test_registration_rules import EXPECTED_GROUP, EXPECTED_NOTIFY
from tests.support import bearer

__all__ = ["client"]

URL = "/api/v1/registrations"
APPLIED_ON = date(2026, 11, 2)


async def _registered(client: AsyncClient) -> str:
    body = application(id_number(date(1990, 5, 1)), applied_at=f"{APPLIED_ON}T09:00:00+08:00")
    response = await client.post(URL, json=body, headers=caseworker())
    assert response.status_code == 201, response.text
    assert response.json()["registered_on"] == APPLIED_ON.isoformat()
    registration_id: str = response.json()["id"]
    return registration_id


def _minimum_fen() -> int:
    return int(default_registry().for_region("440203").param("minimum_living_standard_fen", APPLIED_ON).value)


FOLLOWUP_ONLY = {"unreachable", "refused_services"}
OVERRIDE = "跟踪记录在旧系统中，迁移时无法导入，经局长批准手工注销"


async def _deregister(
    client: AsyncClient, registration_id: str, headers: dict[str, str] | None = None, **body: Any
) -> Any:
    payload = {"reason": "hired", "effective_date": APPLIED_ON.isoformat(), "note": "", **body}
    return await client.post(
        f"{URL}/{registration_id}/deregistration", json=payload, headers=headers or caseworker()
    )


class TestReasonsAndNotify:
    @pytest.mark.parametrize("reason", sorted(EXPECTED_NOTIFY))
    async def test_each_reason(self, client: AsyncClient, database: Database, reason: str) -> None:
        registration_id = await _registered(client)
        extra: dict[str, Any] = {"monthly_income_fen": _minimum_fen()} if reason == "stable_income" else {}
        headers = None
        if reason in FOLLOWUP_ONLY:  # by hand only as an administrator's documented override (DEREG-MANUAL)
            extra["override_reason"] = OVERRIDE
            headers = bearer("admin", "44", "admin-1")
        response = await _deregister(client, registration_id, headers, reason=reason, **extra)
        assert response.status_code == 200, response.text
        data = response.json()
        assert data["status"] == "deregistered" and data["reason"] == reason
        assert data["notify_person"] is EXPECTED_NOTIFY[reason]
        assert data["reason_group"] == EXPECTED_GROUP[reason]
        assert data["notify_explanation"]["rule"] == "DEREG-NOTIFY"
        assert (data["notification_id"] is not None) is EXPECTED_NOTIFY[reason]
        assert await outbox_events(database, registration_id) == [
            "registration.created",
            "registration.deregistered",
        ]
        view = (await client.get(f"{URL}/{registration_id}", headers=caseworker())).json()
        assert view["status"] == "deregistered" and view["deregistration"]["reason"] == reason


class TestFollowupOnlyReasons:
    @pytest.mark.parametrize("reason", sorted(FOLLOWUP_ONLY))
    async def test_staff_cannot_enter_them_by_hand(self, client: AsyncClient, database: Database, reason: str) -> None:
        registration_id = await _registered(client)
        for headers in (caseworker(), bearer("reviewer", "44"), bearer("system", "44")):
            response = await _deregister(client, registration_id, headers, reason=reason, override_reason=OVERRIDE)
            assert response.status_code == 422, response.text
            problem = response.json()
            assert problem["code"] == "deregistration.followup_reason"
            assert problem["violations"][0]["rule"] == "DEREG-MANUAL"
            assert "FU-" in problem["detail"] and "管理员" in problem["detail_zh"]
        assert await outbox_events(database, registration_id) == ["registration.created"]

    async def test_an_admin_needs_a_documented_reason(self, client: AsyncClient) -> None:
        registration_id = await _registered(client)
        admin = bearer("admin", "44", "admin-1")
        for override in ({}, {"override_reason": "因为"}):
            response = await _deregister(client, registration_id, admin, reason="unreachable", **override)
            assert response.status_code == 422 and response.json()["code"] == "deregistration.followup_reason"

    async def test_an_admin_override_is_audited_with_its_reason(
        self, client: AsyncClient, database: Database
    ) -> None:
        registration_id = await _registered(client)
        admin = bearer("admin", "44", "admin-1")
        response = await _deregister(
            client, registration_id, admin, reason="refused_services", override_reason=OVERRIDE
        )
        assert response.status_code == 200, response.text
        log = platform.audit_log
        async with database.transaction() as session:
            rows = (
                await session.execute(
                    select(log.c.actor, log.c.role, log.c.details).where(
                        log.c.record_id == registration_id, log.c.action == "registration.deregister"
                    )
                )
            ).all()
        assert [(r.actor, r.role, r.details["override_reason"]) for r in rows] == [("admin-1", "admin", OVERRIDE)]


class TestDeregistrationConflicts:
    async def test_twice_is_409(self, client: AsyncClient, database: Database) -> None:
        registration_id = await _registered(client)
        assert (await _deregister(client, registration_id)).status_code == 200
        again = await _deregister(client, registration_id, reason="deceased")
        assert again.status_code == 409 and again.json()["code"] == "registration.already_deregistered"
        assert await outbox_events(database, registration_id) == [
            "registration.created",
            "registration.deregistered",
        ]

    async def test_pending_cannot_be_deregistered(self, client: AsyncClient) -> None:
        number = id_number(date(1990, 5, 1))
        pending = await client.post(
            URL, json=application(number, channel="online"), headers=bearer("citizen", "44", number)
        )
        response = await _deregister(client, pending.json()["id"])
        assert response.status_code == 409 and response.json()["code"] == "registration.not_registered"

    async def test_other_region_and_citizens_get_403(self, client: AsyncClient) -> None:
        registration_id = await _registered(client)
        payload = {"reason": "hired", "effective_date": APPLIED_ON.isoformat(), "note": ""}
        url = f"{URL}/{registration_id}/deregistration"
        assert (await client.post(url, json=payload, headers=caseworker(region="440204"))).status_code == 403
        citizen = bearer("citizen", "44", id_number(date(1990, 5, 1)))
        assert (await client.post(url, json=payload, headers=citizen)).status_code == 403

    async def test_unknown_reason_is_request_invalid(self, client: AsyncClient) -> None:
        registration_id = await _registered(client)
        response = await _deregister(client, registration_id, reason="bored")
        assert response.status_code == 422 and response.json()["code"] == "request.invalid"


class TestEffectiveDate:
    @pytest.fixture
    def clock(self) -> Clock:
        return Clock.fixed(AFTER_MIDNIGHT)

    async def test_day_before_registration_fails(self, client: AsyncClient) -> None:
        registration_id = await _registered(client)
        response = await _deregister(
            client, registration_id, effective_date=str(APPLIED_ON - timedelta(days=1))
        )
        assert response.status_code == 422
        assert [v["rule"] for v in response.json()["violations"]] == ["DEREG-DATE"]

    async def test_registration_day_is_allowed(self, client: AsyncClient) -> None:
        registration_id = await _registered(client)
        assert (await _deregister(client, registration_id, effective_date=str(APPLIED_ON))).status_code == 200

    async def test_today_is_allowed_tomorrow_is_not(self, client: AsyncClient) -> None:
        registration_id = await _registered(client)
        today = AFTER_MIDNIGHT.date()
        tomorrow = await _deregister(client, registration_id, effective_date=str(today + timedelta(days=1)))
        assert tomorrow.status_code == 422 and tomorrow.json()["violations"][0]["rule"] == "DEREG-DATE"
        assert (await _deregister(client, registration_id, effective_date=str(today))).status_code == 200


class TestStableIncome:
    async def test_one_fen_below_the_minimum_fails(self, client: AsyncClient) -> None:
        registration_id = await _registered(client)
        response = await _deregister(
            client, registration_id, reason="stable_income", monthly_income_fen=_minimum_fen() - 1
        )
        assert response.status_code == 422
        violation = response.json()["violations"][0]
        assert violation["rule"] == "DEREG-INCOME" and str(_minimum_fen()) in violation["message"]

    async def test_missing_income_fails_with_the_date_error_at_once(self, client: AsyncClient) -> None:
        registration_id = await _registered(client)
        response = await _deregister(
            client,
            registration_id,
            reason="stable_income",
            effective_date=str(APPLIED_ON - timedelta(days=1)),
        )
        assert sorted(v["rule"] for v in response.json()["violations"]) == ["DEREG-DATE", "DEREG-INCOME"]

    async def test_exactly_the_minimum_is_enough(self, client: AsyncClient) -> None:
        registration_id = await _registered(client)
        response = await _deregister(
            client, registration_id, reason="stable_income", monthly_income_fen=_minimum_fen()
        )
        assert response.status_code == 200


class TestFalseInformation:
    async def test_flag_is_recorded(self, client: AsyncClient) -> None:
        registration_id = await _registered(client)
        response = await _deregister(client, registration_id, false_information=True, note="虚假申报")
        assert response.json()["false_information"] is True
        view = (await client.get(f"{URL}/{registration_id}", headers=caseworker())).json()
        assert view["deregistration"]["false_information"] is True
        assert view["deregistration"]["note"] == "虚假申报"


class TestReregistration:
    async def test_a_new_registration_after_deregistration(self, client: AsyncClient) -> None:
        registration_id = await _registered(client)
        assert (await _deregister(client, registration_id)).status_code == 200
        body = application(id_number(date(1990, 5, 1)))
        assert (await client.post(URL, json=body, headers=caseworker())).status_code == 201


class TestReasonWording:
    @pytest.mark.parametrize("reason", list(DeregistrationReason))
    def test_chinese_texts_name_the_reason_in_chinese(self, reason: DeregistrationReason) -> None:
        notify = notify_rule(reason, "s")
        manual = manual_reason_rule(reason, "s", is_admin=False, override_reason=None)
        for text in (notify.reason_zh, manual.reason_zh):
            assert reason.value not in text
            assert REASON_TEXTS[reason][1] in text


class TestCitesThePersonsPack:
    @pytest.mark.parametrize(
        ("region", "source"), [("440203", "人社厅发〔2020〕3号"), ("620102", "甘人社通〔2020〕111号 五")]
    )
    async def test_deregistration_cites_the_pack_of_the_registrations_region(
        self, client: AsyncClient, region: str, source: str
    ) -> None:
        place = {"hukou_region_code": region, "residence_region_code": region}
        body = application(
            id_number(date(1990, 5, 1)), agency=region, applied_at=f"{APPLIED_ON}T09:00:00+08:00", person=place
        )
        created = await client.post(URL, json=body, headers=caseworker(region[:2]))
        assert created.status_code == 201, created.text
        assert created.json()["status"] == "registered", created.json()
        response = await _deregister(client, created.json()["id"], caseworker(region[:2]))
        assert response.status_code == 200, response.text
        assert response.json()["notify_explanation"]["source"] == source


class TestCitizensReadTheirNotices:
    async def test_the_deregistration_notice_is_readable_by_the_person_only(self, client: AsyncClient) -> None:
        number = id_number(date(1990, 5, 1))
        body = application(number, applied_at=f"{APPLIED_ON}T09:00:00+08:00")
        created = await client.post(URL, json=body, headers=caseworker())
        assert created.status_code == 201, created.text
        assert (await _deregister(client, created.json()["id"])).status_code == 200
        mine = await client.get("/api/v1/notifications", headers=bearer("citizen", "440203", number))
        assert mine.status_code == 200, mine.text
        [notice] = mine.json()["items"]
        assert notice["template"] == "registration.deregistered"
        other = await client.get("/api/v1/notifications", headers=bearer("citizen", "440203", "11010519491231002X"))
        assert other.status_code == 200 and other.json()["items"] == []
