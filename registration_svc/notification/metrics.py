"""Prometheus metrics of notification delivery: counters the sender keeps in Redis, gauges read from the table.

The sender runs in the worker, which serves no HTTP; like the worker's job counts (shared/worker.py), its
counts go to a Redis hash that the service's /metrics renders.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

from redis.asyncio import Redis
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from registration_svc.notification.models import Notification, NotificationStatus

logger = logging.getLogger(__name__)

SERVICE = "registration"
# Statuses whose current count is a gauge; `sent` only grows, its counter says the same.
GAUGED = tuple(s for s in NotificationStatus if s is not NotificationStatus.SENT)


def counter_key(queue_prefix: str) -> str:
    """Returns the Redis hash of the delivery counters (fields `<channel>:<outcome>`)."""
    return f"{queue_prefix}:metrics:{SERVICE}:notifications"


async def count(redis: Redis, queue_prefix: str, outcomes: Mapping[tuple[str, str], int]) -> None:
    """Adds a run's outcomes per channel to the counters; a Redis failure is logged, not raised (the
    outcomes themselves are recorded in the database)."""
    if not outcomes:
        return
    try:
        async with redis.pipeline(transaction=False) as pipe:
            for (channel, outcome), n in outcomes.items():
                pipe.hincrby(counter_key(queue_prefix), f"{channel}:{outcome}", n)
            await pipe.execute()
    except Exception as exc:
        logger.warning("notification counters not updated", extra={"error": repr(exc)[:300]})


async def exposition(redis: Redis, session: AsyncSession, queue_prefix: str) -> str:
    """Returns the metrics in the Prometheus text format:

    - `jiuye_notifications_total{service, channel, outcome}` (counter): notifications sent, failed (an
      attempt failed, another will follow) and dead-lettered, by channel;
    - `jiuye_notifications{service, status}` (gauge): notifications now pending, sending, failed and
      dead-lettered; a dead letter stays counted until staff retry it.
    """
    raw: Mapping[bytes, bytes] = await redis.hgetall(counter_key(queue_prefix))  # type: ignore[misc]
    lines = [
        "# HELP jiuye_notifications_total Notification delivery attempts by channel and outcome\n",
        "# TYPE jiuye_notifications_total counter\n",
    ]
    for key, value in sorted(raw.items()):
        channel, _, outcome = key.decode().partition(":")
        lines.append(
            f'jiuye_notifications_total{{service="{SERVICE}",channel="{channel}",outcome="{outcome}"}} '
            f"{int(value)}\n"
        )
    rows = await session.execute(
        select(Notification.status, func.count())
        .where(Notification.status.in_([s.value for s in GAUGED]))
        .group_by(Notification.status)
    )
    counts: dict[str, int] = {status: n for status, n in rows}
    lines += [
        "# HELP jiuye_notifications Notifications not yet sent, by delivery status\n",
        "# TYPE jiuye_notifications gauge\n",
    ]
    lines += [f'jiuye_notifications{{service="{SERVICE}",status="{s.value}"}} {counts.get(s.value, 0)}\n'
              for s in GAUGED]
    return "".join(lines)
