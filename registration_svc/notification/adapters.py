"""Channel adapters behind one interface: the logging default, SMS and WeChat (their gateways are pluggable).

An adapter formats one notification for its channel and hands it over; it says what happened in a
`DeliveryResult` and never records anything itself (the sender job does). Each delivery carries an
idempotency key, the notification's id, the same on every attempt: a gateway that deduplicates by it
discards a repeat of a message it already accepted (see tasks.py for when a repeat can happen).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from registration_svc.config import Settings
from registration_svc.notification.masking import mask_address, mask_phone, scrub
from registration_svc.notification.models import NotificationChannel
from registration_svc.notification.templates import DEREGISTERED, DEREGISTRATION_REASONS, Message

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Delivery:
    """One attempt to deliver one notification: everything an adapter needs, and nothing of the database."""

    notification_id: uuid.UUID
    person_id: uuid.UUID
    channel: NotificationChannel
    phone: str | None
    template: str
    params: Mapping[str, str]
    message: Message
    attempt: int
    # The postal address of a letter (None on other channels).
    address: str | None = None

    @property
    def idempotency_key(self) -> str:
        """The key a gateway can deduplicate by: the notification's id, the same on every attempt."""
        return str(self.notification_id)


class DeliveryStatus(StrEnum):
    """What an adapter reports: handed over, failed for now, or refused for good."""

    SENT = "sent"
    FAILED = "failed"
    REJECTED = "rejected"


@dataclass(frozen=True, slots=True)
class DeliveryResult:
    """The outcome of one attempt, with the gateway's reference of the message or the error."""

    status: DeliveryStatus
    reference: str | None = None
    error: str | None = None

    @classmethod
    def sent(cls, reference: str | None = None) -> DeliveryResult:
        """The channel accepted the message."""
        return cls(DeliveryStatus.SENT, reference=reference)

    @classmethod
    def failed(cls, error: str) -> DeliveryResult:
        """The attempt failed in a way that may pass (gateway down, timeout): try again later."""
        return cls(DeliveryStatus.FAILED, error=error)

    @classmethod
    def rejected(cls, error: str) -> DeliveryResult:
        """The channel refused the message for good (no such number, no WeChat binding): do not try again."""
        return cls(DeliveryStatus.REJECTED, error=error)


class NotificationSender(Protocol):
    """Delivers notifications on a channel. Expected failures come back as a FAILED or REJECTED result;
    an exception counts as a failure to try again."""

    name: str

    async def send(self, delivery: Delivery) -> DeliveryResult:
        """Hands one notification to the channel."""
        ...


class DeliveryRejected(Exception):
    """Raised by a gateway transport when the channel refuses a message for good."""


def _error(exc: Exception) -> str:
    return f"{type(exc).__name__}: {exc}"


async def _handed_over(submit: Callable[[], Awaitable[str]]) -> DeliveryResult:
    """Hands a message to a gateway: sent with its reference, rejected for good (DeliveryRejected, also from
    formatting it), or failed for a retry (any other error)."""
    try:
        reference = await submit()
    except DeliveryRejected as exc:
        return DeliveryResult.rejected(_error(exc))
    except Exception as exc:
        return DeliveryResult.failed(_error(exc))
    return DeliveryResult.sent(reference)


class LoggingSender:
    """The default adapter: writes the message to the log (phone masked, identity numbers masked in the
    text) and reports it sent. It stands in wherever no gateway is configured."""

    name = "log"

    async def send(self, delivery: Delivery) -> DeliveryResult:
        """Logs the message and reports it sent."""
        logger.info(
            "notification delivered to the log",
            extra={
                "notification_id": str(delivery.notification_id), "person_id": str(delivery.person_id),
                "channel": delivery.channel.value, "template": delivery.template, "attempt": delivery.attempt,
                "phone": mask_phone(delivery.phone) if delivery.phone else None,
                "address": mask_address(delivery.address) if delivery.address else None,
                "text_zh": scrub(delivery.message.text_zh, delivery.phone),
                "text_en": scrub(delivery.message.text_en, delivery.phone),
            },
        )
        return DeliveryResult.sent(f"log:{delivery.notification_id}")


class WindowSender:
    """The agency's window: nothing leaves the building. The notice is ready the moment it is stored (the
    caseworker sees it when the person next comes, the person in their own notices online), so it is sent."""

    name = "window"

    async def send(self, delivery: Delivery) -> DeliveryResult:
        """Reports the notice ready at the window."""
        return DeliveryResult.sent(f"window:{delivery.notification_id}")


@dataclass(frozen=True, slots=True)
class SmsMessage:
    """An SMS as a gateway takes it. Chinese gateways send only pre-approved templates, so the template and
    its parameters travel with the text; `out_id` is the idempotency key."""

    phone: str
    text: str
    signature: str
    template: str
    params: Mapping[str, str]
    out_id: str


class SmsTransport(Protocol):
    """Submits SMS to a gateway; returns the gateway's message id, raises DeliveryRejected for a refusal
    that will not pass and any other exception for one that may."""

    async def submit(self, message: SmsMessage) -> str:
        """Submits one SMS."""
        ...


class SmsSender:
    """SMS: the Chinese text, headed by the agency's signature 【…】 as Chinese carriers require."""

    name = "sms"

    def __init__(self, transport: SmsTransport, signature: str) -> None:
        self.transport = transport
        self.signature = signature

    def format(self, delivery: Delivery) -> SmsMessage:
        """Returns the SMS for a delivery (which must have a phone number)."""
        assert delivery.phone is not None
        text = f"【{self.signature}】{delivery.message.text_zh}" if self.signature else delivery.message.text_zh
        return SmsMessage(delivery.phone, text, self.signature, delivery.template, dict(delivery.params),
                          delivery.idempotency_key)

    async def send(self, delivery: Delivery) -> DeliveryResult:
        """Submits the SMS; a notification without a phone number is refused."""
        if delivery.phone is None:
            return DeliveryResult.rejected("no phone number to send an SMS to")
        return await _handed_over(lambda: self.transport.submit(self.format(delivery)))


@dataclass(frozen=True, slots=True)
class WeChatTemplateMessage:
    """A WeChat official-account template message. The person is named by our id: the transport looks up
    the openid bound to the person (the binding lives with the WeChat integration, not here)."""

    person_id: uuid.UUID
    template_id: str
    fields: Mapping[str, str]
    idempotency_key: str


class WeChatTransport(Protocol):
    """Submits template messages to WeChat; returns its msgid, raises DeliveryRejected when the person has
    no binding or has blocked the account, any other exception for a failure that may pass."""

    async def submit(self, message: WeChatTemplateMessage) -> str:
        """Submits one template message."""
        ...


class WeChatSender:
    """WeChat: the template's fields (first, keyword1…, remark) filled from the notification."""

    name = "wechat"

    def __init__(self, transport: WeChatTransport, template_id: str) -> None:
        self.transport = transport
        self.template_id = template_id

    def format(self, delivery: Delivery) -> WeChatTemplateMessage:
        """Returns the template message for a delivery."""
        fields: dict[str, str] = {"first": "失业登记注销通知" if delivery.template == DEREGISTERED else "通知"}
        if delivery.template == DEREGISTERED:
            reason = DEREGISTRATION_REASONS.get(delivery.params.get("reason", ""), ("", ""))[0]
            fields |= {"keyword1": delivery.params.get("name", ""),
                       "keyword2": delivery.params.get("effective_date", ""), "keyword3": reason}
        fields["remark"] = delivery.message.text_zh
        return WeChatTemplateMessage(delivery.person_id, self.template_id, fields, delivery.idempotency_key)

    async def send(self, delivery: Delivery) -> DeliveryResult:
        """Submits the template message."""
        return await _handed_over(lambda: self.transport.submit(self.format(delivery)))


@dataclass(frozen=True, slots=True)
class PostalLetter:
    """A letter for the mail room or a print-and-post service: where it goes, to whom, and what it says."""

    address: str
    addressee: str
    text_zh: str
    idempotency_key: str


class LetterTransport(Protocol):
    """Hands letters to a print-and-post service; returns its reference, raises DeliveryRejected when it refuses
    the address for good, any other exception for a failure that may pass."""

    async def submit(self, letter: PostalLetter) -> str:
        """Submits one letter."""
        ...


class LetterSender:
    """Post: the stored address and the Chinese text (a letter is read on paper, in Chinese)."""

    name = "letter"

    def __init__(self, transport: LetterTransport) -> None:
        self.transport = transport

    def format(self, delivery: Delivery) -> PostalLetter:
        """Returns the letter of a delivery; DeliveryRejected when it has no address to go to."""
        if not delivery.address:
            raise DeliveryRejected("no postal address stored for a letter")
        return PostalLetter(delivery.address, delivery.params.get("name", ""), delivery.message.text_zh,
                            delivery.idempotency_key)

    async def send(self, delivery: Delivery) -> DeliveryResult:
        """Submits the letter."""
        return await _handed_over(lambda: self.transport.submit(self.format(delivery)))


class SenderConfigurationError(ValueError):
    """The settings choose an adapter that cannot be built (its gateway transport is missing)."""


def configured_senders(
    settings: Settings,
    *,
    sms_transport: SmsTransport | None = None,
    wechat_transport: WeChatTransport | None = None,
    letter_transport: LetterTransport | None = None,
) -> dict[NotificationChannel, NotificationSender]:
    """Returns the adapter of each channel as the settings choose them (the logging one by default).

    Raises SenderConfigurationError when a gateway adapter is chosen without its transport: a worker that
    would otherwise log messages it was told to send by SMS must not start.
    """
    log = LoggingSender()
    senders: dict[NotificationChannel, NotificationSender] = dict.fromkeys(NotificationChannel, log)
    senders[NotificationChannel.WINDOW] = WindowSender()
    if settings.notification_sms_sender == "sms":
        if sms_transport is None:
            raise SenderConfigurationError(
                "REGISTRATION_NOTIFICATION_SMS_SENDER=sms needs an SMS gateway transport, and none is installed"
            )
        senders[NotificationChannel.SMS] = SmsSender(sms_transport, settings.notification_sms_signature)
    if settings.notification_wechat_sender == "wechat":
        if wechat_transport is None:
            raise SenderConfigurationError(
                "REGISTRATION_NOTIFICATION_WECHAT_SENDER=wechat needs a WeChat transport, and none is installed"
            )
        if not settings.notification_wechat_template_id:
            raise SenderConfigurationError(
                "REGISTRATION_NOTIFICATION_WECHAT_SENDER=wechat needs REGISTRATION_NOTIFICATION_WECHAT_TEMPLATE_ID"
            )
        senders[NotificationChannel.WECHAT] = WeChatSender(wechat_transport, settings.notification_wechat_template_id)
    if settings.notification_letter_sender == "letter":
        if letter_transport is None:
            raise SenderConfigurationError(
                "REGISTRATION_NOTIFICATION_LETTER_SENDER=letter needs a print-and-post transport, and none is installed"
            )
        senders[NotificationChannel.LETTER] = LetterSender(letter_transport)
    return senders
