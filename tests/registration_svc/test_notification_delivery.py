"""The sender job (DEREG-NOTIFY): sends due notifications once, retries with backoff, dead-letters, survives
an interrupted send and a concurrent run; registered on the registration worker; its metrics."""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any, cast

import pytest
from arq import create_pool
from arq.connections import ArqRedis, RedisSettings
from arq.jobs import Job
from arq.worker import create_worker
from sqlalchemy import delete

from registration_svc.config import Settings
from registration_svc.notification import metrics, repository
from registration_svc.notification.adapters import configured_senders
from registration_svc.notification.models import Notification, NotificationChannel, NotificationStatus
from registration_svc.notification.tasks import INTERRUPTED, JOB_NAME, SendReport, send_due
from services.registration.worker import worker_settings
from shared.clock import Clock
from shared.db import Database
from tests.integration.e2e_support import preserved_logging
from tests.registration_svc.notification_support import (
    PHONE,
    MovableClock,
    StandInGateway,
    every_channel,
    only,
    options,
    run,
    stored,
    stored_notifications,
)
from tests.support import service_settings

MINUTE = timedelta(minutes=1)


class TestSenderWithTheDefaultAdapter:
    async def test_sends_pending_notifications_once(
        self, database: Database, caplog: pytest.LogCaptureFixture
    ) -> None:
        sms, letter = (await stored_notifications(database))[0], (await stored_notifications(database, phone=None))[0]
        caplog.set_level(logging.INFO, logger="registration_svc.notification")
        report = await send_due(database, configured_senders(Settings()), options(), SendReport(), clock=Clock())
        assert report.outcomes[("sms", "sent")] >= 1 and report.outcomes[("letter", "sent")] >= 1
        for notification_id, channel in ((sms, "sms"), (letter, "letter")):
            n = await stored(database, notification_id)
            assert (n.channel, n.status, n.attempts, n.last_error) == (channel, "sent", 1, None)
            assert n.sent_at is not None and n.next_attempt_at is None and n.claim_id is None
            assert n.delivery_reference == f"log:{notification_id}"
        assert PHONE not in caplog.text
        delivered = {r.__dict__["notification_id"] for r in caplog.records
                     if r.getMessage() == "notification delivered to the log"}
        assert {str(sms), str(letter)} <= delivered
        again = await send_due(database, configured_senders(Settings()), options(), SendReport(), clock=Clock())
        assert again.totals()["sent"] == 0


class TestSenderRouting:
    async def test_each_channel_goes_to_its_adapter(self, database: Database) -> None:
        [sms] = await stored_notifications(database)
        [letter] = await stored_notifications(database, phone=None)
        [wechat] = await stored_notifications(database, channel=NotificationChannel.WECHAT)
        gateways = {c: StandInGateway(name=c.value) for c in NotificationChannel}
        await run(database, gateways)
        assert only([sms], gateways[NotificationChannel.SMS].ids()) == [sms]
        assert only([letter], gateways[NotificationChannel.LETTER].ids()) == [letter]
        assert only([wechat], gateways[NotificationChannel.WECHAT].ids()) == [wechat]
        [given] = [d for d in gateways[NotificationChannel.SMS].deliveries if d.notification_id == sms]
        assert given.phone == PHONE and "已被用人单位录用" in given.message.text_zh
        assert given.idempotency_key == str(sms) and given.attempt == 1
        assert (await stored(database, sms)).delivery_reference == f"gw-{sms.hex[:8]}"


class TestRetryAndDeadLetter:
    @pytest.mark.parametrize("behaviour", ["raise", "fail"])
    async def test_backs_off_then_dead_letters(
        self, database: Database, behaviour: str, caplog: pytest.LogCaptureFixture
    ) -> None:
        [notification_id] = await stored_notifications(database)
        gateway, clock = StandInGateway(behaviour=behaviour), MovableClock()
        # Three attempts, one minute then two minutes apart (capped at three).
        opts = options(max_attempts=3, base=MINUTE, cap=3 * MINUTE)
        error = "ConnectionError: gateway down" if behaviour == "raise" else "HTTP 503 from the gateway"
        first = clock.now()
        await run(database, gateway, opts, clock)
        n = await stored(database, notification_id)
        assert (n.status, n.attempts, n.last_error) == ("failed", 1, error)
        assert n.next_attempt_at == first + MINUTE and n.last_attempt_at == first and n.claim_id is None

        clock.advance(seconds=59)
        await run(database, gateway, opts, clock)
        assert (await stored(database, notification_id)).attempts == 1  # not due yet

        second = clock.advance(seconds=1)
        await run(database, gateway, opts, clock)
        n = await stored(database, notification_id)
        assert (n.status, n.attempts, n.next_attempt_at) == ("failed", 2, second + 2 * MINUTE)

        third = clock.advance(minutes=2)
        report = await run(database, gateway, opts, clock)
        n = await stored(database, notification_id)
        assert (n.status, n.attempts, n.last_error, n.dead_lettered_at) == ("dead_letter", 3, error, third)
        assert n.next_attempt_at is None and n.sent_at is None
        assert report.outcomes[("sms", "dead_letter")] >= 1
        logged = [(r.levelno, r.getMessage()) for r in caplog.records
                  if r.__dict__.get("notification_id") == str(notification_id)]
        assert logged == [(logging.WARNING, "notification not sent; will retry")] * 2 + [
            (logging.ERROR, "notification dead-lettered")]
        assert {r.__dict__["agency_region_code"] for r in caplog.records
                if r.__dict__.get("notification_id") == str(notification_id)} == {"440203"}

        clock.advance(hours=5)
        await run(database, gateway, opts, clock)
        assert only([notification_id], gateway.ids()) == [notification_id] * 3

    async def test_a_refusal_is_dead_lettered_at_once_with_the_phone_masked(self, database: Database) -> None:
        [notification_id] = await stored_notifications(database)
        await run(database, StandInGateway(behaviour="reject"), options(max_attempts=5))
        n = await stored(database, notification_id)
        assert (n.status, n.attempts, n.last_error) == ("dead_letter", 1, "no such subscriber 138****5678")

    async def test_an_adapter_that_does_not_answer_in_time_failed(self, database: Database) -> None:
        [notification_id] = await stored_notifications(database)
        await run(database, StandInGateway(name="slow", behaviour="hang"),
                  options(send_timeout=timedelta(milliseconds=50)))
        n = await stored(database, notification_id)
        assert (n.status, n.attempts, n.last_error) == ("failed", 1, "no answer from the slow adapter within 0.05 s")

    async def test_a_template_that_no_longer_renders_is_dead_lettered_without_sending(
        self, database: Database
    ) -> None:
        [notification_id] = await stored_notifications(database)
        async with database.transaction() as session:
            n = await session.get(Notification, notification_id)
            assert n is not None
            n.params = {"name": "张三"}
        gateway = StandInGateway()
        await run(database, gateway)
        n = await stored(database, notification_id)
        assert n.status == "dead_letter" and "lacks parameter(s) effective_date, reason" in (n.last_error or "")
        assert only([notification_id], gateway.ids()) == []


class TestInterruptedSend:
    async def test_is_dead_lettered_for_a_person_to_check_never_resent(self, database: Database) -> None:
        [notification_id] = await stored_notifications(database)
        clock, opts = MovableClock(), options()
        # A run claimed it and marked it sending, then stopped before recording the outcome.
        claim_id = uuid.uuid4()
        async with database.transaction() as session:
            await repository.claim_due(session, clock.now(), 100, claim_id, clock.now() + opts.claim_span)
            assert await repository.start_attempt(
                session, notification_id, claim_id, clock.now(), clock.now() + opts.sending_span
            ) is not None
        gateway = StandInGateway()
        clock.advance(seconds=opts.sending_span.total_seconds() - 1)
        await run(database, gateway, opts, clock)
        assert (await stored(database, notification_id)).status == "sending"

        clock.advance(seconds=1)
        report = await run(database, gateway, opts, clock)
        n = await stored(database, notification_id)
        assert (n.status, n.attempts, n.last_error, n.claim_id) == ("dead_letter", 1, INTERRUPTED, None)
        assert report.interrupted >= 1
        assert only([notification_id], gateway.ids()) == []

    async def test_a_run_whose_claim_ended_does_not_send(self, database: Database) -> None:
        [notification_id] = await stored_notifications(database)
        now = datetime.now(UTC) + timedelta(seconds=1)
        slow, fast = uuid.uuid4(), uuid.uuid4()
        async with database.transaction() as session:
            await repository.claim_due(session, now, 100, slow, now)  # a claim that has already ended
            await repository.claim_due(session, now, 100, fast, now + MINUTE)
            assert await repository.start_attempt(session, notification_id, slow, now, now + MINUTE) is None
            taken = await repository.start_attempt(session, notification_id, fast, now, now + MINUTE)
            assert taken is not None and taken.attempts == 1

    async def test_a_run_out_of_time_gives_back_what_it_did_not_start(self, database: Database) -> None:
        ids = await stored_notifications(database, 3)
        gateway = StandInGateway()
        await run(database, gateway, options(run_time=timedelta(0)))
        assert only(ids, gateway.ids()) == []
        for notification_id in ids:
            n = await stored(database, notification_id)
            assert (n.status, n.claim_id, n.attempts) == ("pending", None, 0)
        await run(database, gateway)
        assert sorted(only(ids, gateway.ids())) == sorted(ids)


@pytest.fixture
async def committing(database_url: str) -> AsyncIterator[tuple[Database, Database]]:
    """Two databases with their own pools whose transactions commit, as two workers have; the notifications
    stored in the test's region are deleted afterwards."""
    first = Database.from_url(database_url, pool_size=2, max_overflow=0)
    second = Database.from_url(database_url, pool_size=2, max_overflow=0)
    try:
        yield first, second
    finally:
        async with first.transaction() as session:
            await session.execute(delete(Notification).where(Notification.agency_region_code == COMMITTED_REGION))
        await first.dispose()
        await second.dispose()


# Lechang (乐昌市): a county no other registration test uses, since these tests commit.
COMMITTED_REGION = "440281"


class TestConcurrentRuns:
    async def test_two_runs_send_each_notification_once(self, committing: tuple[Database, Database]) -> None:
        first, second = committing
        ids = await stored_notifications(first, 40, region=COMMITTED_REGION)
        gateway = StandInGateway(delay=0.01)
        opts = options(batch_size=5)
        reports = await asyncio.gather(
            send_due(first, every_channel(gateway), opts, SendReport(), clock=Clock()),
            send_due(second, every_channel(gateway), opts, SendReport(), clock=Clock()),
        )
        sent = only(ids, gateway.ids())
        assert sorted(sent) == sorted(ids) and len(set(sent)) == len(sent)
        # Both runs worked at the same time: each sent some of them.
        assert all(r.totals()["sent"] > 0 for r in reports), [r.totals() for r in reports]
        for notification_id in ids:
            n = await stored(first, notification_id)
            assert (n.status, n.attempts) == ("sent", 1)

    async def test_a_claim_skips_rows_another_run_has_locked(self, committing: tuple[Database, Database]) -> None:
        first, second = committing
        ids = await stored_notifications(first, 4, region=COMMITTED_REGION)
        now = datetime.now(UTC) + timedelta(seconds=1)
        async with first.transaction() as holding:
            mine = await repository.claim_due(holding, now, 2, uuid.uuid4(), now + MINUTE)
            # Not committed yet: the rows are locked, not yet claimed. The other run must not wait for them.
            async with asyncio.timeout(5), second.transaction() as other:
                theirs = await repository.claim_due(other, now, 10, uuid.uuid4(), now + MINUTE)
        mine_ids, their_ids = {n.id for n in mine}, {n.id for n in theirs} & set(ids)
        assert len(mine_ids) == 2 and not mine_ids & their_ids and mine_ids | their_ids == set(ids)


@pytest.fixture
def worker_prefix(queue_prefix: str) -> str:
    return f"{queue_prefix}-notify-{uuid.uuid4().hex[:6]}"


@pytest.fixture
async def redis(redis_url: str, worker_prefix: str) -> AsyncIterator[ArqRedis]:
    pool = await create_pool(RedisSettings.from_dsn(redis_url))
    yield pool
    for pattern in (f"{worker_prefix}:*", f"arq:*:{worker_prefix}:*"):
        for key in await pool.keys(pattern):
            await pool.delete(key)
    await pool.aclose()


class TestSenderJobOnTheWorker:
    def test_the_job_is_a_function_of_the_registration_worker(self) -> None:
        from services.registration.worker import WorkerSettings

        assert JOB_NAME in [f.__qualname__ for f in cast(Any, WorkerSettings).functions]

    async def test_a_real_worker_sends_with_the_default_adapter_and_counts(
        self, committing: tuple[Database, Database], database_url: str, redis_url: str, worker_prefix: str,
        redis: ArqRedis,
    ) -> None:
        first, _ = committing
        [notification_id] = await stored_notifications(first, region=COMMITTED_REGION)
        settings = cast(Settings, service_settings(Settings, database_url, redis_url, worker_prefix))
        queue = settings.queue_name("registration")
        job = await redis.enqueue_job(JOB_NAME, _queue_name=queue)
        assert job is not None
        worker = create_worker(worker_settings(settings, run_relay=False), burst=True, handle_signals=False,
                               poll_delay=0.05)
        with preserved_logging():
            try:
                await worker.main()
            finally:
                await worker.close()
        assert (worker.jobs_complete, worker.jobs_failed) == (1, 0)
        result = await Job(job.job_id, redis, _queue_name=queue).result()
        assert result["sent"] >= 1 and result["dead_letter"] == 0
        n = await stored(first, notification_id)
        assert (n.status, n.delivery_reference) == ("sent", f"log:{notification_id}")
        async with first.transaction() as session:
            text = await metrics.exposition(redis, session, worker_prefix)
        assert (f'jiuye_notifications_total{{service="registration",channel="sms",outcome="sent"}} '
                f'{result["sent"]}\n') in text


class TestMetrics:
    async def test_counters_and_gauges(self, database: Database, redis: ArqRedis, worker_prefix: str) -> None:
        await metrics.count(redis, worker_prefix, {("sms", "sent"): 2, ("sms", "dead_letter"): 1})
        await metrics.count(redis, worker_prefix, {("sms", "sent"): 1, ("letter", "failed"): 4})
        await stored_notifications(database, 2)
        await run(database, {
            NotificationChannel.SMS: StandInGateway(behaviour="reject"),
            NotificationChannel.LETTER: StandInGateway(),
            NotificationChannel.WECHAT: StandInGateway(),
        })
        async with database.transaction() as session:
            before = await metrics.exposition(redis, session, worker_prefix)
            dead = int(before.split('jiuye_notifications{service="registration",status="dead_letter"} ')[1].split()[0])
        lines = before.splitlines()
        assert 'jiuye_notifications_total{service="registration",channel="sms",outcome="sent"} 3' in lines
        assert 'jiuye_notifications_total{service="registration",channel="sms",outcome="dead_letter"} 1' in lines
        assert 'jiuye_notifications_total{service="registration",channel="letter",outcome="failed"} 4' in lines
        assert "# TYPE jiuye_notifications_total counter" in lines and "# TYPE jiuye_notifications gauge" in lines
        assert dead >= 2
        assert {s.value for s in NotificationStatus} - {"sent"} == {
            line.split('status="')[1].split('"')[0] for line in lines if line.startswith("jiuye_notifications{")
        }
