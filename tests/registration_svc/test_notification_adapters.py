"""Channel adapters: the logging default, SMS and WeChat formatting, and which adapter serves which channel."""

from __future__ import annotations

import logging
import uuid
from datetime import datetime
from typing import Any

import pytest

from registration_svc.config import Settings
from registration_svc.notification.adapters import (
    Delivery,
    DeliveryRejected,
    DeliveryStatus,
    LetterSender,
    LoggingSender,
    PostalLetter,
    SenderConfigurationError,
    SmsMessage,
    SmsSender,
    WeChatSender,
    WeChatTemplateMessage,
    configured_senders,
)
from registration_svc.notification.models import NotificationChannel
from registration_svc.notification.templates import DEREGISTERED, Message, render
from tests.registration_svc.registration_support import id_number

PHONE = "13812345678"


def params() -> dict[str, str]:
    return {"name": "张三", "reason": "hired", "effective_date": "2026-11-20"}


def delivery(phone: str | None = PHONE, **changes: Any) -> Delivery:
    values: dict[str, Any] = {
        "notification_id": uuid.uuid4(), "person_id": uuid.uuid4(), "channel": NotificationChannel.SMS, "phone": phone,
        "template": DEREGISTERED, "params": params(), "message": render(DEREGISTERED, params()), "attempt": 1,
    }
    return Delivery(**{**values, **changes})


class RecordingTransport:
    """Stands in for an SMS or WeChat gateway's client (an external system)."""

    def __init__(self, error: Exception | None = None) -> None:
        self.error = error
        self.messages: list[SmsMessage | WeChatTemplateMessage] = []

    async def submit(self, message: Any) -> str:
        self.messages.append(message)
        if self.error is not None:
            raise self.error
        return "gw-0001"


class TestLoggingSender:
    async def test_logs_the_message_masked_and_reports_it_sent(self, caplog: pytest.LogCaptureFixture) -> None:
        number = id_number(datetime(1985, 6, 1).date())
        d = delivery(message=Message(f"身份证 {number} 的通知", f"notice to {number}"))
        caplog.set_level(logging.INFO, logger="registration_svc.notification.adapters")
        result = await LoggingSender().send(d)
        assert result.status is DeliveryStatus.SENT and result.reference == f"log:{d.notification_id}"
        [record] = [r for r in caplog.records if r.getMessage() == "notification delivered to the log"]
        logged = str(record.__dict__)
        assert PHONE not in logged and number not in logged
        assert record.__dict__["phone"] == "138****5678" and "身份证 " in record.__dict__["text_zh"]
        assert record.__dict__["notification_id"] == str(d.notification_id)


class TestSmsSender:
    async def test_formats_the_chinese_text_under_the_signature_with_the_idempotency_key(self) -> None:
        transport = RecordingTransport()
        d = delivery()
        result = await SmsSender(transport, "韶关人社").send(d)
        assert (result.status, result.reference) == (DeliveryStatus.SENT, "gw-0001")
        [message] = transport.messages
        assert isinstance(message, SmsMessage)
        assert message.phone == PHONE and message.text.startswith("【韶关人社】张三：因您已被用人单位录用")
        assert message.out_id == str(d.notification_id) and message.template == DEREGISTERED

    async def test_outcomes(self) -> None:
        assert (await SmsSender(RecordingTransport(), "").send(delivery(phone=None))).status is DeliveryStatus.REJECTED
        down = await SmsSender(RecordingTransport(ConnectionError("down")), "").send(delivery())
        assert (down.status, down.error) == (DeliveryStatus.FAILED, "ConnectionError: down")
        refused = await SmsSender(RecordingTransport(DeliveryRejected("empty number")), "").send(delivery())
        assert refused.status is DeliveryStatus.REJECTED


class TestWeChatSender:
    async def test_fills_the_template_fields(self) -> None:
        transport = RecordingTransport()
        d = delivery(channel=NotificationChannel.WECHAT)
        result = await WeChatSender(transport, "TPL-1").send(d)
        assert result.status is DeliveryStatus.SENT
        [message] = transport.messages
        assert isinstance(message, WeChatTemplateMessage)
        assert (message.person_id, message.template_id, message.idempotency_key) == (
            d.person_id, "TPL-1", str(d.notification_id))
        assert message.fields["keyword1"] == "张三" and message.fields["keyword2"] == "2026-11-20"
        assert message.fields["keyword3"] == "已被用人单位录用"
        assert "失业登记已于2026年11月20日注销" in message.fields["remark"]


ADDRESS = "韶关市武江区沿江路1号"


class TestLetterSender:
    async def test_the_stored_address_and_the_chinese_text_go_to_the_print_service(
        self, caplog: pytest.LogCaptureFixture
    ) -> None:
        transport = RecordingTransport()
        d = delivery(channel=NotificationChannel.LETTER, phone=None, address=ADDRESS)
        result = await LetterSender(transport).send(d)
        assert (result.status, result.reference) == (DeliveryStatus.SENT, "gw-0001")
        [letter] = transport.messages
        assert isinstance(letter, PostalLetter)
        assert (letter.address, letter.addressee, letter.idempotency_key) == (ADDRESS, "张三", str(d.notification_id))
        assert "失业登记已于2026年11月20日注销" in letter.text_zh
        caplog.set_level(logging.INFO, logger="registration_svc.notification.adapters")
        await LoggingSender().send(d)
        [record] = [r for r in caplog.records if r.getMessage() == "notification delivered to the log"]
        assert record.__dict__["address"] == "韶关市武江区****" and ADDRESS not in str(record.__dict__)

    async def test_no_address_is_refused_for_good_and_a_failure_may_pass(self) -> None:
        no_address = await LetterSender(RecordingTransport()).send(delivery(channel=NotificationChannel.LETTER))
        assert (no_address.status, no_address.error) == (
            DeliveryStatus.REJECTED, "DeliveryRejected: no postal address stored for a letter")
        down = await LetterSender(RecordingTransport(ConnectionError("down"))).send(
            delivery(channel=NotificationChannel.LETTER, address=ADDRESS))
        assert down.status is DeliveryStatus.FAILED


class TestConfiguredSenders:
    def test_the_logging_adapter_serves_every_channel_that_leaves_the_agency_by_default(self) -> None:
        senders = configured_senders(Settings())
        assert {channel: s.name for channel, s in senders.items()} == {
            **{c: "log" for c in NotificationChannel}, NotificationChannel.WINDOW: "window"}

    def test_a_gateway_adapter_needs_its_transport(self) -> None:
        settings = Settings(notification_sms_sender="sms", notification_sms_signature="韶关人社")
        with pytest.raises(SenderConfigurationError, match="SMS gateway transport"):
            configured_senders(settings)
        senders = configured_senders(settings, sms_transport=RecordingTransport())
        assert isinstance(senders[NotificationChannel.SMS], SmsSender)
        assert senders[NotificationChannel.LETTER].name == "log"
        assert senders[NotificationChannel.WINDOW].name == "window"
        wechat = Settings(notification_wechat_sender="wechat")
        with pytest.raises(SenderConfigurationError, match="TEMPLATE_ID"):
            configured_senders(wechat, wechat_transport=RecordingTransport())
        post = Settings(notification_letter_sender="letter")
        with pytest.raises(SenderConfigurationError, match="print-and-post transport"):
            configured_senders(post)
        assert isinstance(configured_senders(post, letter_transport=RecordingTransport())[NotificationChannel.LETTER],
                          LetterSender)

    def test_settings_from_the_environment(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("REGISTRATION_NOTIFICATION_SMS_SENDER", "sms")
        monkeypatch.setenv("REGISTRATION_NOTIFICATION_MAX_ATTEMPTS", "5")
        settings = Settings()
        assert (settings.notification_sms_sender, settings.notification_max_attempts) == ("sms", 5)
        monkeypatch.setenv("REGISTRATION_NOTIFICATION_RETRY_MAX_SECONDS", "10")
        with pytest.raises(ValueError, match="below the base delay"):
            Settings()


class TestWindow:
    async def test_a_window_notice_is_ready_when_stored(self) -> None:
        window = configured_senders(Settings())[NotificationChannel.WINDOW]
        result = await window.send(delivery(channel=NotificationChannel.WINDOW, phone=None))
        assert result.status == DeliveryStatus.SENT and result.reference and result.reference.startswith("window:")
