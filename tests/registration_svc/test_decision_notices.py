"""Decisions of the eligibility and subsidy services reach the person (issue 16 §2): the registration service,
which keeps the phone and the postal address, tells them through the channel they have, naming the agency."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

import pytest
from httpx import AsyncClient
from pydantic import BaseModel

from registration_svc.notification.decisions import decision_handlers
from registration_svc.notification.templates import CLAIM_REJECTED, DIFFICULTY_DECIDED, render
from shared.db import Database
from shared.events import SUBSCRIPTIONS, DifficultyDecided, EventEnvelope, EventType, SkillClaimRejected
from tests.registration_svc.registration_support import application, caseworker, client, id_number
from tests.support import bearer

__all__ = ["client"]

AGENCY = {"name": "武江区公共就业服务中心", "address": "韶关市武江区沿江路1号", "telephone": "0751-8888888",
          "items_handled": ["就业困难人员认定", "职业技能提升补贴"]}


class TestTemplates:
    def test_certified(self) -> None:
        message = render(DIFFICULTY_DECIDED, {"name": "张三", "certified": "true", "decided_on": "2026-12-02",
                                              "certificate_number": "JK4402032026120001"})
        assert message.text_zh == (
            "张三：您的就业困难人员认定申请已于2026年12月2日经审核予以认定，证明编号“JK4402032026120001”。"
            "如有疑问，请联系受理申请的公共就业服务机构。")
        assert "certified" in message.text_en and "2026-12-02" in message.text_en

    def test_refused_with_its_reason_and_re_review_deadline(self) -> None:
        message = render(DIFFICULTY_DECIDED, {
            "name": "张三", "certified": "false", "decided_on": "2026-12-02", "reason": "已在工厂就业",
            "rereview_by": "2027-01-04", "agency_name": "武江区公共就业服务中心", "agency_telephone": "0751-8888888"})
        assert "经审核于2026年12月2日不予认定，原因：“已在工厂就业”" in message.text_zh
        assert "可于2027年1月4日前（含当日）申请复核" in message.text_zh
        assert "请联系武江区公共就业服务中心（电话 0751-8888888）领取不予认定告知书" in message.text_zh
        assert "until 2027-01-04" in message.text_en

    def test_claim_refused(self) -> None:
        message = render(CLAIM_REJECTED, {"name": "李四", "applied_on": "2026-04-01", "certificate_number": "C-1",
                                          "reason": "证书编号不符", "appeal_by": "2026-05-31"})
        text = message.text_zh
        assert text.startswith("李四：您于2026年4月1日申请的职业技能提升培训补贴（证书编号“C-1”）经审核不予发放")
        assert "原因：“证书编号不符”" in text and "2026年5月31日前（含当日）依法申请行政复议" in text


def _envelope(kind: EventType, payload: BaseModel, source: str) -> EventEnvelope:
    return EventEnvelope(id=uuid.uuid4(), type=kind, source=source, occurred_at=datetime.now(UTC),
                         payload=payload.model_dump(mode="json"))


async def _handle(database: Database, envelope: EventEnvelope) -> None:
    async with database.transaction() as session:
        await decision_handlers()[envelope.type](session, envelope)


async def _notices(client: AsyncClient, person_id: str) -> list[dict[str, object]]:
    response = await client.get(f"/api/v1/persons/{person_id}/notifications", headers=caseworker())
    assert response.status_code == 200, response.text
    items: list[dict[str, object]] = response.json()["items"]
    return items


class TestTheRegistrationServiceTellsThePerson:
    def test_it_subscribes_to_the_decisions(self) -> None:
        assert "registration" in SUBSCRIPTIONS[EventType.DIFFICULTY_DECIDED]
        assert SUBSCRIPTIONS[EventType.SKILL_CLAIM_REJECTED] == ("registration",)

    async def test_a_refusal_by_sms_naming_the_agency(self, client: AsyncClient, database: Database) -> None:
        assert (await client.put("/api/v1/agencies/440203", json=AGENCY,
                                 headers=bearer("admin", "440203"))).status_code == 200
        registered = await client.post("/api/v1/registrations", headers=caseworker(),
                                       json=application(id_number(date(1980, 3, 1), sequence=611)))
        assert registered.status_code == 201, registered.text
        person_id = registered.json()["person_id"]
        await _handle(database, _envelope(EventType.DIFFICULTY_DECIDED, DifficultyDecided(
            application_id=uuid.uuid4(), person_id=uuid.UUID(person_id), agency_region_code="440203001",
            certified=False, decided_on=date(2026, 12, 2), reason_zh="已在工厂就业", rereview_by=date(2027, 1, 4),
        ), "eligibility"))
        [notice] = await _notices(client, person_id)
        assert (notice["channel"], notice["template"], notice["agency_region_code"]) == (
            "sms", DIFFICULTY_DECIDED, "440203001")
        text = str(notice["text_zh"])
        assert text.startswith("张三：您的就业困难人员认定申请经审核于2026年12月2日不予认定")
        assert "2027年1月4日前（含当日）申请复核" in text and "武江区公共就业服务中心（电话 0751-8888888）" in text

    async def test_a_claim_refusal_by_letter_to_the_registered_address(
        self, client: AsyncClient, database: Database
    ) -> None:
        body = application(id_number(date(1985, 6, 1), sequence=613), person={"phone": None},
                           contact_address="广东省韶关市武江区新华路2号")
        registered = await client.post("/api/v1/registrations", headers=caseworker(), json=body)
        assert registered.status_code == 201, registered.text
        person_id = registered.json()["person_id"]
        await _handle(database, _envelope(EventType.SKILL_CLAIM_REJECTED, SkillClaimRejected(
            claim_id=uuid.uuid4(), person_id=uuid.UUID(person_id), agency_region_code="440203",
            applied_on=date(2026, 4, 1), certificate_number="CERT-613", reason_zh="证书编号不符",
            rejected_on=date(2026, 4, 1), appeal_by=date(2026, 5, 31),
        ), "subsidy"))
        [notice] = await _notices(client, person_id)
        assert (notice["channel"], notice["address"]) == ("letter", "广东省韶关市****")
        assert "职业技能提升培训补贴（证书编号“CERT-613”）经审核不予发放" in str(notice["text_zh"])
        assert "受理申请的公共就业服务机构" in str(notice["text_zh"])  # no agency recorded for the region

    async def test_with_neither_phone_nor_address_the_notice_waits_at_the_window(
        self, client: AsyncClient, database: Database
    ) -> None:
        put = await client.put("/api/v1/persons", headers=bearer("system", "44", "eligibility"), json={
            "id_type": "resident_id", "id_number": id_number(date(1975, 2, 1), sequence=615), "name": "王五"})
        assert put.status_code in (200, 201), put.text
        person_id = put.json()["id"]
        await _handle(database, _envelope(EventType.DIFFICULTY_DECIDED, DifficultyDecided(
            application_id=uuid.uuid4(), person_id=uuid.UUID(person_id), agency_region_code="440203",
            certified=True, decided_on=date(2026, 12, 2), certificate_number="JK4402032026120001",
        ), "eligibility"))
        [notice] = await _notices(client, person_id)
        assert notice["channel"] == "window" and "予以认定" in str(notice["text_zh"])

    async def test_a_person_the_registry_does_not_know_is_skipped(self, database: Database) -> None:
        await _handle(database, _envelope(EventType.DIFFICULTY_DECIDED, DifficultyDecided(
            application_id=uuid.uuid4(), person_id=uuid.uuid4(), agency_region_code="440203",
            certified=True, decided_on=date(2026, 12, 2),
        ), "eligibility"))


@pytest.mark.parametrize("kind", [EventType.DIFFICULTY_DECIDED, EventType.SKILL_CLAIM_REJECTED])
def test_every_decision_event_has_a_handler(kind: EventType) -> None:
    assert kind in decision_handlers()
