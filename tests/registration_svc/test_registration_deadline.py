"""REG-DEADLINE through the API, online verification, caseworker decisions and the overdue job."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from httpx import AsyncClient
from sqlalchemy import select

from registration_svc.registration.models import Registration
from registration_svc.registration.tasks import flag_overdue
from registration_svc.verification.models import HomeVisitTask, SourceName
from registration_svc.verification.service import replace_reference_data
from shared.calendar import default_calendar
from shared.clock import Clock
from shared.db import Database
from shared.policy import default_registry
from tests.registration_svc.registration_support import (
    AFTER_MIDNIGHT,
    LANZHOU_CHENGGUAN,
    application,
    caseworker,
    client,
    id_number,
    outbox_events,
)
from tests.support import PLAN, bearer, pdf_text

__all__ = ["client"]

URL = "/api/v1/registrations"
SHANGHAI = ZoneInfo("Asia/Shanghai")


def citizen(number: str) -> dict[str, str]:
    return bearer("citizen", "44", number)


class TestDeadlineByChannel:
    async def test_window_is_due_the_same_day(self, client: AsyncClient) -> None:
        response = await client.post(URL, json=application(id_number(date(1990, 5, 1))), headers=caseworker())
        data = response.json()
        assert data["decision_due"] == "2026-11-20" and data["status"] == "registered"
        assert data["deadline"]["rule"] == "REG-DEADLINE" and data["deadline"]["workdays"] == 0
        assert data["decided_at"] is not None and data["registered_on"] == "2026-11-20"

    async def test_online_across_a_weekend(self, client: AsyncClient) -> None:
        number = id_number(date(1990, 5, 1))
        body = application(number, channel="online")
        response = await client.post(URL, json=body, headers=citizen(number))
        assert response.status_code == 201, response.text
        data = response.json()
        workdays = (
            default_registry().for_region("440203").params(date(2026, 11, 20)).registration_online_workdays
        )
        assert data["status"] == "pending_verification" and data["registered_on"] is None
        assert data["decision_due"] == "2026-11-24"
        assert (
            data["decision_due"]
            == default_calendar().add_workdays(date(2026, 11, 20), workdays).due.isoformat()
        )
        assert data["deadline"] == {
            "rule": "REG-DEADLINE",
            "workdays": 2,
            "source": f"{PLAN}一(四)2",
            "estimated": False,
            "reason": data["deadline"]["reason"],
            "reason_zh": data["deadline"]["reason_zh"],
        }

    async def test_online_across_national_day_2026(self, client: AsyncClient) -> None:
        number = id_number(date(1990, 5, 1))
        body = application(number, channel="national_platform", applied_at="2026-09-30T15:00:00+08:00")
        response = await client.post(URL, json=body, headers=citizen(number))
        assert response.status_code == 201, response.text
        assert response.json()["decision_due"] == "2026-10-09"
        assert default_calendar().add_workdays(date(2026, 9, 30), 2).due == date(2026, 10, 9)

    async def test_gansu_allows_seven_working_days(self, client: AsyncClient) -> None:
        number = id_number(date(1990, 5, 1), region=LANZHOU_CHENGGUAN)
        body = application(
            number,
            channel="employment_cloud",
            agency=LANZHOU_CHENGGUAN,
            person={"hukou_region_code": LANZHOU_CHENGGUAN, "residence_region_code": LANZHOU_CHENGGUAN},
        )
        response = await client.post(URL, json=body, headers=bearer("caseworker", "62", "gs-1"))
        assert response.status_code == 201, response.text
        data = response.json()
        assert data["deadline"]["workdays"] == 7 and data["deadline"]["source"] == "甘人社通〔2020〕111号 三"
        assert data["decision_due"] == default_calendar().add_workdays(date(2026, 11, 20), 7).due.isoformat()
        assert data["decision_due"] == "2026-12-01"


async def _load(database: Database, source: SourceName, csv_text: str) -> None:
    async with database.transaction() as session:
        await replace_reference_data(session, source, csv_text.encode(), "admin-test")


class TestOnlineVerification:
    async def test_nothing_to_compare_creates_a_home_visit_due_by_the_deadline(
        self, client: AsyncClient, database: Database
    ) -> None:
        number = id_number(date(1990, 5, 1))
        response = await client.post(URL, json=application(number, channel="wechat"), headers=citizen(number))
        assert response.status_code == 201, response.text
        data = response.json()
        assert data["status"] == "pending_verification"
        assert data["verification"]["state"] == "home_visit"
        # Citizens do not see the findings or the task; the caseworker does.
        assert data["verification"]["findings"] is None
        staff_view = (await client.get(f"{URL}/{data['id']}", headers=caseworker())).json()
        task_id = staff_view["verification"]["home_visit_task_id"]
        assert task_id is not None and staff_view["verification"]["findings"]
        async with database.transaction() as session:
            task = (
                await session.execute(select(HomeVisitTask).where(HomeVisitTask.id == task_id))
            ).scalar_one()
        assert task.due_on == date(2026, 11, 24) and str(task.registration_id) == data["id"]
        assert await outbox_events(database, data["id"]) == []

    @pytest.mark.parametrize(("region", "clause", "other"), [
        ("440203", "人社厅发〔2020〕3号", "甘人社通"), (LANZHOU_CHENGGUAN, "甘人社通〔2020〕111号 三", "人社厅发"),
    ])
    async def test_findings_and_the_home_visit_cite_the_verification_clause_of_the_region(
        self, client: AsyncClient, database: Database, region: str, clause: str, other: str
    ) -> None:
        number = id_number(date(1990, 5, 1))
        body = application(number, channel="wechat", agency=region,
                           person={"hukou_region_code": region, "residence_region_code": region})
        response = await client.post(URL, json=body, headers=bearer("citizen", region[:2], number))
        assert response.status_code == 201, response.text
        staff_view = (await client.get(f"{URL}/{response.json()['id']}", headers=caseworker(region[:2]))).json()
        findings = staff_view["verification"]["findings"]
        assert findings and all(clause in f["detail_zh"] and other not in f["detail_zh"] for f in findings)
        async with database.transaction() as session:
            task = (await session.execute(
                select(HomeVisitTask).where(HomeVisitTask.id == staff_view["verification"]["home_visit_task_id"])
            )).scalar_one()
        assert f"({clause})" in task.reason and other not in task.reason

    async def test_confirmed_by_data_registers_at_once(self, client: AsyncClient, database: Database) -> None:
        number = id_number(date(1990, 5, 1))
        await _load(
            database, SourceName.IDENTITY, f"id_number,kind,status\n{number},resident_identity,active\n"
        )
        await _load(
            database,
            SourceName.SOCIAL_INSURANCE,
            "id_number,kind,status,valid_from,valid_to\n"
            f"{number},employment_contribution,ended,2020-01-01,2026-09-30\n",
        )
        response = await client.post(URL, json=application(number, channel="online"), headers=citizen(number))
        assert response.status_code == 201, response.text
        data = response.json()
        assert data["status"] == "registered" and data["decided_by"] == "verification"
        assert data["registered_on"] == "2026-11-20" and data["verification"]["state"] == "confirmed"
        assert await outbox_events(database, data["id"]) == ["registration.created"]

    async def test_contradicted_stays_pending_with_findings_for_the_caseworker(
        self, client: AsyncClient, database: Database
    ) -> None:
        number = id_number(date(1990, 5, 1))
        await _load(
            database,
            SourceName.SOCIAL_INSURANCE,
            f"id_number,kind,status,valid_from\n{number},employment_contribution,active,2025-01-01\n",
        )
        response = await client.post(URL, json=application(number, channel="online"), headers=citizen(number))
        data = response.json()
        assert data["status"] == "pending_verification" and data["verification"]["state"] == "contradicted"
        staff_view = (await client.get(f"{URL}/{data['id']}", headers=caseworker())).json()
        contradicted = [f for f in staff_view["verification"]["findings"] if f["outcome"] == "contradicted"]
        assert [f["rule"] for f in contradicted] == ["REG-UNEMPLOYED"]
        assert staff_view["verification"]["home_visit_task_id"] is None


class TestDecision:
    @pytest.fixture
    def clock(self) -> Clock:
        return Clock.fixed(AFTER_MIDNIGHT)

    async def _pending(self, client: AsyncClient) -> dict[str, str]:
        number = id_number(date(1990, 5, 1))
        response = await client.post(URL, json=application(number, channel="online"), headers=citizen(number))
        assert response.status_code == 201
        data: dict[str, str] = response.json()
        return data

    async def test_approval_registers_and_emits_the_event(
        self, client: AsyncClient, database: Database
    ) -> None:
        pending = await self._pending(client)
        response = await client.post(
            f"{URL}/{pending['id']}/decision",
            json={"approve": True, "reason": "home visit confirmed"},
            headers=bearer("reviewer", "440203", "rv-1"),
        )
        assert response.status_code == 200, response.text
        data = response.json()
        assert data["status"] == "registered" and data["decided_by"] == "rv-1"
        assert data["registered_on"] == AFTER_MIDNIGHT.date().isoformat()
        assert await outbox_events(database, pending["id"]) == ["registration.created"]

    async def test_rejection_records_the_reason(self, client: AsyncClient, database: Database) -> None:
        pending = await self._pending(client)
        response = await client.post(
            f"{URL}/{pending['id']}/decision",
            json={"approve": False, "reason": "employed since 2025"},
            headers=caseworker(),
        )
        assert response.status_code == 200
        assert response.json()["status"] == "rejected"
        assert response.json()["decision_reason"] == "employed since 2025"
        assert await outbox_events(database, pending["id"]) == []

    async def test_the_applicant_is_told_of_a_rejection_and_can_read_it(self, client: AsyncClient) -> None:
        pending = await self._pending(client)
        response = await client.post(
            f"{URL}/{pending['id']}/decision",
            json={"approve": False, "reason": "经数据比对，申请人2025年起在职参保"}, headers=caseworker(),
        )
        assert response.status_code == 200, response.text
        number = id_number(date(1990, 5, 1))  # the applicant of _pending
        notices = (await client.get("/api/v1/notifications", headers=citizen(number))).json()["items"]
        assert [n["template"] for n in notices] == ["registration.rejected"]
        staff_view = (await client.get("/api/v1/notifications", headers=caseworker())).json()["items"]
        [notice] = [n for n in staff_view if n["template"] == "registration.rejected"]
        text = notice["text_zh"]
        assert "不予登记" in text and "经数据比对，申请人2025年起在职参保" in text
        assert "《韶关市登记失业人员跟踪服务工作方案》一(一)" in text and "如有异议" in text

    async def test_the_rejection_letter_prints_agency_reason_basis_and_appeal_deadline(
        self, client: AsyncClient
    ) -> None:
        pending = await self._pending(client)
        url = f"{URL}/{pending['id']}/rejection-notice"
        not_yet = await client.get(url, headers=caseworker())
        assert not_yet.status_code == 409 and not_yet.json()["code"] == "registration.not_rejected"
        assert "待核实" in not_yet.json()["detail_zh"]
        decided = await client.post(
            f"{URL}/{pending['id']}/decision",
            json={"approve": False, "reason": "经数据比对，申请人2025年起在职参保"}, headers=caseworker(),
        )
        assert decided.status_code == 200, decided.text
        issued = datetime.fromisoformat(decided.json()["decided_at"]).astimezone(ZoneInfo("Asia/Shanghai")).date()
        number = id_number(date(1990, 5, 1))  # the applicant of _pending reads their own letter
        for headers in (caseworker(), citizen(number)):
            letter = await client.get(url, headers=headers)
            assert letter.status_code == 200 and letter.headers["content-type"].startswith("text/html")
            html = letter.text
            assert "<h1>不予登记告知书</h1>" in html and "经数据比对，申请人2025年起在职参保" in html
            assert "《韶关市登记失业人员跟踪服务工作方案》一(一)" in html  # the conditions of registration
            assert "《中华人民共和国行政复议法》第二十条" in html and "6个月内依法提起行政诉讼" in html
            appeal_by = issued + timedelta(days=60)
            assert f"{appeal_by.year}年{appeal_by.month}月{appeal_by.day}日前（含当日）依法申请行政复议" in html
            assert "联系方式：" in html
        pdf = await client.get(url, headers={**caseworker(), "Accept": "application/pdf"})
        assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
        text = pdf_text(pdf.content)
        assert text.startswith("不予登记告知书") and "理由：经数据比对，申请人2025年起在职参保" in text
        assert "《韶关市登记失业人员跟踪服务工作方案》一(一)" in text and "《中华人民共和国行政复议法》第二十条" in text
        other = await client.get(url, headers=citizen(id_number(date(1985, 3, 3))))
        assert other.status_code == 403

    async def test_deciding_twice_is_a_conflict(self, client: AsyncClient) -> None:
        pending = await self._pending(client)
        url = f"{URL}/{pending['id']}/decision"
        assert (
            await client.post(url, json={"approve": True, "reason": "ok"}, headers=caseworker())
        ).status_code == 200
        again = await client.post(url, json={"approve": False, "reason": "no"}, headers=caseworker())
        assert again.status_code == 409 and again.json()["code"] == "registration.not_pending"

    async def test_other_region_and_citizens_may_not_decide(self, client: AsyncClient) -> None:
        pending = await self._pending(client)
        url = f"{URL}/{pending['id']}/decision"
        other = await client.post(
            url, json={"approve": True, "reason": "ok"}, headers=caseworker(region="440204")
        )
        assert other.status_code == 403
        number = id_number(date(1990, 5, 1))
        own = await client.post(url, json={"approve": True, "reason": "ok"}, headers=citizen(number))
        assert own.status_code == 403


class TestOverdueJob:
    async def test_pending_past_the_deadline_is_flagged_once(
        self, client: AsyncClient, database: Database
    ) -> None:
        late_number = id_number(date(1990, 5, 1))
        late = await client.post(
            URL,
            json=application(late_number, channel="online", applied_at="2026-11-02T09:00:00+08:00"),
            headers=citizen(late_number),
        )
        assert late.json()["decision_due"] == "2026-11-04"
        fresh_number = id_number(date(1991, 5, 1))
        fresh = await client.post(
            URL,
            json=application(fresh_number, channel="online", applied_at="2026-11-20T09:00:00+08:00"),
            headers=citizen(fresh_number),
        )
        # The day after the deadline flags the late one only; the day of the deadline flags nothing.
        async with database.transaction() as session:
            assert await flag_overdue(session, datetime(2026, 11, 4, 15, 0, tzinfo=UTC), SHANGHAI) == 0
            assert await flag_overdue(session, datetime(2026, 11, 4, 16, 30, tzinfo=UTC), SHANGHAI) == 1
            assert await flag_overdue(session, datetime(2026, 11, 5, 12, 0, tzinfo=UTC), SHANGHAI) == 0
            rows = {str(r.id): r.overdue for r in (await session.execute(select(Registration))).scalars()}
        assert rows == {late.json()["id"]: True, fresh.json()["id"]: False}
        view = await client.get(f"{URL}/{late.json()['id']}", headers=caseworker())
        assert view.json()["overdue"] is True
