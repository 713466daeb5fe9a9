"""When a notification that failed is tried again, and when it is given up (dead letter): plain functions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How often a notification is tried and how long the sender waits between tries."""

    max_attempts: int
    base_delay: timedelta
    max_delay: timedelta

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        if not timedelta(0) < self.base_delay <= self.max_delay:
            raise ValueError("delays must satisfy 0 < base_delay <= max_delay")


def retry_delay(policy: RetryPolicy, attempts: int) -> timedelta:
    """Returns the wait after the `attempts`-th failed attempt: the base delay doubled per earlier failure,
    capped at the maximum (1, 2, 4, 8 … minutes for a one-minute base)."""
    if attempts < 1:
        raise ValueError("attempts counts the failed attempt itself, so it is at least 1")
    # Doubling past the cap is pointless and 2**attempts grows without bound; stop once the cap is reached.
    delay = policy.base_delay
    for _ in range(attempts - 1):
        if delay >= policy.max_delay:
            break
        delay *= 2
    return min(delay, policy.max_delay)


@dataclass(frozen=True, slots=True)
class AfterFailure:
    """What becomes of a notification whose attempt failed: tried again at `next_attempt_at`, or given up."""

    dead_letter: bool
    next_attempt_at: datetime | None
    reason: str


def after_failure(policy: RetryPolicy, attempts: int, now: datetime, *, permanent: bool) -> AfterFailure:
    """Decides the fate of a notification after its `attempts`-th attempt failed.

    A permanent refusal (the gateway says the number or the WeChat binding does not exist) is given up at
    once: trying again cannot help. Otherwise it is tried again after the backoff until `max_attempts`
    attempts have failed.
    """
    if permanent:
        return AfterFailure(True, None, "refused permanently by the channel")
    if attempts >= policy.max_attempts:
        return AfterFailure(True, None, f"failed {attempts} of {policy.max_attempts} attempts")
    delay = retry_delay(policy, attempts)
    return AfterFailure(False, now + delay, f"attempt {attempts} of {policy.max_attempts} failed")
