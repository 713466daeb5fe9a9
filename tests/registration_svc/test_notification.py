"""DEREG-NOTIFY: bilingual deregistration notices, stored notifications and the staff list (delivery:
test_notification_delivery.py)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import pytest
from httpx import AsyncClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from registration_svc.notification.masking import mask_phone
from registration_svc.notification.models import Notification, NotificationChannel
from registration_svc.notification.service import notify_person, to_read
from registration_svc.notification.templates import (
    DEREGISTERED,
    DEREGISTRATION_REASONS,
    NOT_NOTIFIED_REASONS,
    TemplateError,
    notifies,
    render,
)
from shared.db import Database
from tests.support import bearer

# rules.md "Deregistration": every reason code, and those 002 §五 exempts from the notice.
ALL_REASONS = (
    "pension",
    "hired",
    "self_employed",
    "stable_income",
    "enrolled_in_school",
    "military_service",
    "moved_abroad",
    "lost_work_ability",
    "imprisoned",
    "deceased",
    "refused_services",
    "unreachable",
    "other_provincial",
)
EXEMPT = ("moved_abroad", "imprisoned", "deceased", "unreachable")


def params(reason: str = "hired", **extra: str) -> dict[str, str]:
    return {"name": "张三", "reason": reason, "effective_date": "2026-11-20", **extra}


class TestDeregistrationTemplate:
    @pytest.mark.parametrize("reason", [r for r in ALL_REASONS if r not in EXEMPT])
    def test_notified_reasons_render_in_both_languages(self, reason: str) -> None:
        message = render(DEREGISTERED, params(reason))
        zh, en = DEREGISTRATION_REASONS[reason]
        assert zh in message.text_zh and "张三" in message.text_zh and "2026年11月20日" in message.text_zh
        assert en in message.text_en and "2026-11-20" in message.text_en
        # Without the pack's clause stored with it, the notice cites nothing rather than another province.
        assert "甘人社通" not in message.text_zh and "§" not in message.text_zh

    @pytest.mark.parametrize(
        ("source", "wrong"), [("人社厅发〔2020〕3号", "甘人社通"), ("甘人社通〔2020〕111号 五", "人社厅发")]
    )
    def test_the_notice_cites_the_clause_of_the_persons_pack(self, source: str, wrong: str) -> None:
        message = render(DEREGISTERED, params("hired", source=source))
        assert f"（依据{source}）" in message.text_zh and source in message.text_en
        assert wrong not in message.text_zh

    def test_reason_table_covers_exactly_the_notified_reasons(self) -> None:
        assert set(DEREGISTRATION_REASONS) == set(ALL_REASONS) - set(EXEMPT)
        assert set(NOT_NOTIFIED_REASONS) == set(EXEMPT)

    @pytest.mark.parametrize("reason", EXEMPT)
    def test_exempt_reasons_are_refused(self, reason: str) -> None:
        with pytest.raises(TemplateError, match="DEREG-NOTIFY"):
            render(DEREGISTERED, params(reason))

    @pytest.mark.parametrize(("reason", "expected"), [(r, r not in EXEMPT) for r in ALL_REASONS])
    def test_notifies(self, reason: str, expected: bool) -> None:
        assert notifies(reason) is expected

    def test_unknown_reason_template_and_missing_parameters(self) -> None:
        with pytest.raises(TemplateError, match="unknown deregistration reason"):
            render(DEREGISTERED, params("bored"))
        with pytest.raises(TemplateError, match="unknown notification template"):
            render("registration.welcome", params())
        with pytest.raises(TemplateError, match="effective_date, name"):
            render(DEREGISTERED, {"reason": "hired"})

    def test_no_policy_count_is_written_into_the_text(self) -> None:
        message = render(DEREGISTERED, params("refused_services"))
        assert "3" not in message.text_zh.replace("2026-11-20", "")


class TestMaskPhone:
    @pytest.mark.parametrize(
        ("phone", "masked"),
        [
            ("13812345678", "138****5678"),
            ("+8613812345678", "+86*******5678"),
            ("0751123", "07***23"),
            ("12345", "*****"),
        ],
    )
    def test_masks(self, phone: str, masked: str) -> None:
        assert mask_phone(phone) == masked


@pytest.fixture
async def session(database: Database) -> AsyncIterator[AsyncSession]:
    async with database.transaction() as session:
        yield session


class TestNotifyPerson:
    async def test_stores_a_pending_sms(self, session: AsyncSession) -> None:
        person_id = uuid.uuid4()
        notification_id = await notify_person(
            session,
            person_id=person_id,
            phone=" 13812345678 ",
            template=DEREGISTERED,
            params=params(agency_region_code="440203"),
        )
        stored = await session.get(Notification, notification_id)
        assert stored is not None
        assert (stored.person_id, stored.phone, stored.channel, stored.status, stored.agency_region_code) == (
            person_id,
            "13812345678",
            "sms",
            "pending",
            "440203",
        )
        assert stored.params == params(agency_region_code="440203") and stored.sent_at is None

    @pytest.mark.parametrize("phone", [None, "", "   "])
    async def test_without_a_phone_a_letter_to_the_address(self, session: AsyncSession, phone: str | None) -> None:
        notification_id = await notify_person(
            session, person_id=uuid.uuid4(), phone=phone, template=DEREGISTERED, params=params(),
            address="广东省韶关市浈江区风采路1号",
        )
        assert notification_id is not None
        stored = await session.get(Notification, notification_id)
        assert stored is not None and stored.channel == "letter" and stored.phone is None
        assert stored.agency_region_code is None
        # The letter keeps where it goes (the letter adapter prints it); staff see it masked.
        assert stored.address == "广东省韶关市浈江区风采路1号"
        assert to_read(stored).address == "广东省韶关市****"

    async def test_a_notice_sent_by_sms_stores_no_address(self, session: AsyncSession) -> None:
        notification_id = await notify_person(
            session, person_id=uuid.uuid4(), phone="13812345678", template=DEREGISTERED, params=params(),
            address="广东省韶关市浈江区风采路1号",
        )
        stored = await session.get(Notification, notification_id)
        assert stored is not None and (stored.channel, stored.address) == ("sms", None)

    @pytest.mark.parametrize(("phone", "address"), [(None, None), ("", "  "), ("   ", "")])
    async def test_without_a_phone_or_an_address_the_notice_waits_at_the_window(
        self, session: AsyncSession, phone: str | None, address: str | None
    ) -> None:
        person_id = uuid.uuid4()
        for channel in (None, NotificationChannel.LETTER, NotificationChannel.SMS):
            assert await notify_person(
                session, person_id=person_id, phone=phone, template=DEREGISTERED, params=params(), channel=channel,
                address=address,
            ) is not None
        stored = (await session.scalars(select(Notification).where(Notification.person_id == person_id))).all()
        # No letter is "sent" to nowhere: each notice is kept for the agency's window (and the person's notices).
        assert [(n.channel, n.phone) for n in stored] == [("window", None)] * 3

    async def test_explicit_channel_and_region(self, session: AsyncSession) -> None:
        notification_id = await notify_person(
            session,
            person_id=uuid.uuid4(),
            phone="13812345678",
            template=DEREGISTERED,
            params=params(),
            channel=NotificationChannel.WECHAT,
            agency_region_code="620102",
        )
        stored = await session.get(Notification, notification_id)
        assert stored is not None and (stored.channel, stored.agency_region_code) == ("wechat", "620102")

    async def test_exempt_reason_stores_nothing(self, session: AsyncSession) -> None:
        person_id = uuid.uuid4()
        with pytest.raises(TemplateError):
            await notify_person(
                session,
                person_id=person_id,
                phone="13812345678",
                template=DEREGISTERED,
                params=params("deceased"),
            )
        assert (
            await session.scalars(select(Notification).where(Notification.person_id == person_id))
        ).all() == []


async def notify(
    database: Database, person_id: uuid.UUID, region: str | None, reason: str = "hired"
) -> uuid.UUID:
    async with database.transaction() as session:
        return await notify_person(
            session,
            person_id=person_id,
            phone="13812345678",
            template=DEREGISTERED,
            params=params(reason),
            agency_region_code=region,
        )


class TestNotificationApi:
    async def test_staff_see_masked_notifications_of_their_region(
        self, client: AsyncClient, database: Database
    ) -> None:
        person_id = uuid.uuid4()
        mine = await notify(database, person_id, "440203")
        await notify(database, person_id, "440303")
        await notify(database, uuid.uuid4(), "440203")
        response = await client.get(
            f"/api/v1/persons/{person_id}/notifications", headers=bearer("caseworker", "440203")
        )
        assert response.status_code == 200
        [item] = response.json()["items"]
        assert item["id"] == str(mine) and item["phone"] == "138****5678"
        assert "13812345678" not in response.text
        assert item["channel"] == "sms" and item["status"] == "pending" and item["template"] == DEREGISTERED
        assert "已被用人单位录用" in item["text_zh"] and "hired" in item["text_en"]
        assert item["created_at"].endswith("+08:00") and item["sent_at"] is None

    async def test_unscoped_notifications_only_for_admin_and_system(
        self, client: AsyncClient, database: Database
    ) -> None:
        person_id = uuid.uuid4()
        await notify(database, person_id, None)
        await notify(database, person_id, "620102")
        path = f"/api/v1/persons/{person_id}/notifications"
        counts = {}
        for role, region in (("caseworker", "44"), ("admin", "44"), ("admin", "62"), ("system", "44")):
            response = await client.get(path, headers=bearer(role, region))
            counts[(role, region)] = len(response.json()["items"])
        assert counts == {
            ("caseworker", "44"): 0,
            ("admin", "44"): 1,
            ("admin", "62"): 2,
            ("system", "44"): 2,
        }

    async def test_pagination(self, client: AsyncClient, database: Database) -> None:
        person_id = uuid.uuid4()
        ids = [
            await notify(database, person_id, "440203", reason) for reason in ("hired", "pension", "hired")
        ]
        headers = bearer("reviewer", "440203")
        first = (
            await client.get(f"/api/v1/persons/{person_id}/notifications?limit=2", headers=headers)
        ).json()
        second = (
            await client.get(
                f"/api/v1/persons/{person_id}/notifications?limit=2&cursor={first['next_cursor']}",
                headers=headers,
            )
        ).json()
        assert [i["id"] for i in first["items"] + second["items"]] == [str(i) for i in ids]
        assert second["next_cursor"] is None

    async def test_a_citizen_sees_no_one_elses_and_anonymous_callers_are_refused(
        self, client: AsyncClient, database: Database
    ) -> None:
        person_id = uuid.uuid4()
        await notify(database, person_id, "440203")
        path = f"/api/v1/persons/{person_id}/notifications"
        response = await client.get(path, headers=bearer("citizen", "440203", "11010519491231002X"))
        assert response.status_code == 200 and response.json()["items"] == []
        assert (await client.get(path)).status_code == 401
