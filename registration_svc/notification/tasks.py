"""Worker side of notifications: the sender job that delivers due notifications through the channel adapters.

Schedule: the scheduler enqueues `send_pending_notifications` every minute (services/scheduler.py). A
deregistration notice should reach the person while the caseworker's decision is fresh, and the first
retry waits a minute (REGISTRATION_NOTIFICATION_RETRY_BASE_SECONDS), which only means something if runs
come at least that often. A run with nothing due costs one lookup on a small partial index.

Not sending twice. An adapter hands a message to a gateway we cannot enlist in our transaction, so the
send and the record of it can never commit together; what matters is what a crash between them leaves.
Each notification goes through three short transactions, never holding a row lock during network I/O:

1. claim: a batch of due notifications is locked with FOR UPDATE SKIP LOCKED (a concurrent run skips
   them instead of waiting) and given this run's claim id and a claim end in next_attempt_at, so no
   other run picks them up after the commit;
2. start: one at a time, the notification is marked `sending` (attempts + 1) and committed *before* the
   adapter is called, only if the claim is still this run's;
3. outcome: `sent`, `failed` with the next attempt time, or `dead_letter`, again only under the claim.

A run that stops between 1 and 2 loses nothing: its claims end and the notifications are due again. A
run that stops between 2 and 3 leaves a notification `sending` whose outcome nobody knows: it may have
gone out. The next run does not resend it; once its time is up it is dead-lettered as interrupted and
logged at ERROR, for a person to check the gateway's delivery report and retry it if it never arrived.
So an automatic resend never follows a crash, at the price of a person's look at the rare interrupted one.

Recording `sending` first was chosen over relying on an idempotency key alone because SMS and WeChat
gateways do not promise to deduplicate. Every delivery still carries the notification's id as its
idempotency key, which covers the other repeat: an attempt that timed out on our side after the gateway
had accepted it is retried as a failure, and a gateway that deduplicates discards the second copy.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta

from registration_svc.config import Settings
from registration_svc.notification import metrics, repository
from registration_svc.notification.adapters import (
    Delivery,
    DeliveryRejected,
    DeliveryResult,
    DeliveryStatus,
    NotificationSender,
)
from registration_svc.notification.masking import scrub
from registration_svc.notification.models import Notification, NotificationChannel, NotificationStatus
from registration_svc.notification.rules import RetryPolicy, after_failure
from registration_svc.notification.templates import render
from shared.clock import Clock
from shared.db import Database
from shared.schedule import EVERY_MINUTE, scheduled
from shared.worker import JobCtx, JobFunction, worker_context

logger = logging.getLogger(__name__)

JOB_NAME = "send_pending_notifications"
MAX_ERROR_LENGTH = 1000
# What a notification still `sending` past its time is dead-lettered with.
INTERRUPTED = (
    "interrupted: the sender stopped after handing the message to the channel and before recording the "
    "outcome; it may have been delivered. Check the gateway's delivery report before retrying."
)
# Time for the outcome's transaction after the adapter has answered or timed out.
_RECORD_MARGIN = timedelta(seconds=60)

@dataclass(frozen=True, slots=True)
class SenderOptions:
    """How the sender runs: its retry policy, claim size and time limits."""

    retry: RetryPolicy
    batch_size: int
    send_timeout: timedelta
    run_time: timedelta

    @classmethod
    def from_settings(cls, settings: Settings) -> SenderOptions:
        """Returns the options the service's settings give."""
        return cls(
            RetryPolicy(
                settings.notification_max_attempts,
                timedelta(seconds=settings.notification_retry_base_seconds),
                timedelta(seconds=settings.notification_retry_max_seconds),
            ),
            settings.notification_batch_size,
            timedelta(seconds=settings.notification_send_timeout_seconds),
            timedelta(seconds=settings.notification_run_seconds),
        )

    @property
    def claim_span(self) -> timedelta:
        """How long a claim holds: a run stops starting sends at its run time, and the last one it started
        is answered or timed out one send timeout later."""
        return self.run_time + self.send_timeout + _RECORD_MARGIN

    @property
    def sending_span(self) -> timedelta:
        """How long a notification may stay `sending` before it counts as interrupted."""
        return self.send_timeout + _RECORD_MARGIN


@dataclass
class SendReport:
    """What a run did, by channel and outcome (sent, failed, dead_letter)."""

    outcomes: Counter[tuple[str, str]] = field(default_factory=Counter)
    interrupted: int = 0

    def add(self, channel: str, outcome: str) -> None:
        """Counts one notification's outcome."""
        self.outcomes[(channel, outcome)] += 1

    def totals(self) -> dict[str, int]:
        """Returns the counts per outcome, the interrupted ones (dead-lettered too) apart."""
        totals = {"sent": 0, "failed": 0, "dead_letter": 0}
        for (_, outcome), count in self.outcomes.items():
            totals[outcome] += count
        return {**totals, "interrupted": self.interrupted}


def _delivery(notification: Notification) -> Delivery:
    return Delivery(
        notification.id, notification.person_id, NotificationChannel(notification.channel), notification.phone,
        notification.template, dict(notification.params), render(notification.template, notification.params),
        notification.attempts, notification.address,
    )


async def _attempt(sender: NotificationSender | None, notification: Notification, limit: timedelta) -> DeliveryResult:
    if sender is None:
        return DeliveryResult.failed(f"no adapter serves the {notification.channel} channel")
    try:
        delivery = _delivery(notification)
    except ValueError as exc:
        # The stored template no longer renders (renamed, or its parameters changed): no retry will help.
        return DeliveryResult.rejected(f"{type(exc).__name__}: {exc}")
    try:
        async with asyncio.timeout(limit.total_seconds()):
            return await sender.send(delivery)
    except TimeoutError:
        return DeliveryResult.failed(f"no answer from the {sender.name} adapter within {limit.total_seconds():g} s")
    except DeliveryRejected as exc:
        return DeliveryResult.rejected(f"{type(exc).__name__}: {exc}")
    except Exception as exc:
        return DeliveryResult.failed(f"{type(exc).__name__}: {exc}")


async def _send_one(
    database: Database,
    senders: Mapping[NotificationChannel, NotificationSender],
    options: SenderOptions,
    notification_id: uuid.UUID,
    claim_id: uuid.UUID,
    clock: Clock,
    report: SendReport,
) -> None:
    started = clock.now()
    async with database.transaction() as session:
        notification = await repository.start_attempt(
            session, notification_id, claim_id, started, started + options.sending_span
        )
    if notification is None:
        # The claim ended (this run was too slow) and another run has taken the notification.
        logger.warning("notification claim lost", extra={"notification_id": str(notification_id)})
        return
    channel = NotificationChannel(notification.channel)
    sender = senders.get(channel)
    result = await _attempt(sender, notification, options.send_timeout)
    finished = clock.now()
    values: dict[str, object]
    if result.status is DeliveryStatus.SENT:
        outcome = NotificationStatus.SENT
        values = {"status": outcome.value, "sent_at": finished, "next_attempt_at": None, "last_error": None,
                  "delivery_reference": (result.reference or "")[:128] or None}
    else:
        error = scrub(result.error or result.status.value, notification.phone)[:MAX_ERROR_LENGTH]
        decision = after_failure(options.retry, notification.attempts, finished,
                                 permanent=result.status is DeliveryStatus.REJECTED)
        outcome = NotificationStatus.DEAD_LETTER if decision.dead_letter else NotificationStatus.FAILED
        values = {"status": outcome.value, "last_error": error, "next_attempt_at": decision.next_attempt_at,
                  "dead_lettered_at": finished if decision.dead_letter else None}
    async with database.transaction() as session:
        recorded = await repository.record_outcome(session, notification.id, claim_id, values)
    # The region routes an alert about a dead letter to the agency that can act on it.
    extra = {"notification_id": str(notification.id), "channel": channel.value, "attempts": notification.attempts,
             "outcome": outcome.value, "agency_region_code": notification.agency_region_code}
    if not recorded:
        logger.error("notification outcome not recorded: it was dead-lettered as interrupted meanwhile",
                     extra={**extra, "error": values.get("last_error")})
        return
    report.add(channel.value, outcome.value)
    if outcome is NotificationStatus.SENT:
        logger.info("notification sent", extra={**extra, "adapter": sender.name if sender else None})
    elif outcome is NotificationStatus.FAILED:
        logger.warning("notification not sent; will retry", extra={
            **extra, "error": values["last_error"], "next_attempt_at": str(values["next_attempt_at"])})
    else:
        logger.error("notification dead-lettered", extra={**extra, "error": values["last_error"]})


async def send_due(
    database: Database,
    senders: Mapping[NotificationChannel, NotificationSender],
    options: SenderOptions,
    report: SendReport,
    *,
    clock: Clock,
) -> SendReport:
    """Dead-letters interrupted sends, then sends the notifications due, batch by batch, until none are
    left or the run's time is up; counts what happened in `report` as it goes, and returns it."""
    async with database.transaction() as session:
        interrupted = await repository.dead_letter_interrupted(session, clock.now(), INTERRUPTED)
    for notification in interrupted:
        report.interrupted += 1
        report.add(notification.channel, NotificationStatus.DEAD_LETTER.value)
        logger.error("notification dead-lettered: interrupted while sending", extra={
            "notification_id": str(notification.id), "channel": notification.channel,
            "attempts": notification.attempts, "agency_region_code": notification.agency_region_code})
    stop_at = time.monotonic() + options.run_time.total_seconds()
    while True:
        claim_id, claimed_at = uuid.uuid4(), clock.now()
        async with database.transaction() as session:
            batch = [n.id for n in await repository.claim_due(
                session, claimed_at, options.batch_size, claim_id, claimed_at + options.claim_span)]
        for notification_id in batch:
            if time.monotonic() >= stop_at:
                async with database.transaction() as session:
                    released = await repository.release(session, claim_id, clock.now())
                logger.info("notification run out of time", extra={"released": released})
                return report
            await _send_one(database, senders, options, notification_id, claim_id, clock, report)
        if len(batch) < options.batch_size or time.monotonic() >= stop_at:
            return report


def sender_job(senders: Mapping[NotificationChannel, NotificationSender], options: SenderOptions) -> JobFunction:
    """Returns the arq job `send_pending_notifications`, delivering through the given adapters; it runs
    every minute, so a deregistration notice leaves while the decision is fresh and the first retry (after
    one minute) is not delayed."""

    @scheduled(EVERY_MINUTE)
    async def send_pending_notifications(ctx: JobCtx) -> dict[str, int]:
        """arq job: sends the due notifications; returns how many were sent, failed and dead-lettered."""
        wc = worker_context(ctx)
        report = SendReport()
        try:
            await send_due(wc.database, senders, options, report, clock=wc.clock)
        finally:
            # Counted even when the run fails half-way: what it recorded has happened.
            await metrics.count(wc.redis, wc.settings.queue_prefix, report.outcomes)
        return report.totals()

    send_pending_notifications.__qualname__ = JOB_NAME
    return send_pending_notifications
