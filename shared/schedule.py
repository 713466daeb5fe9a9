"""When a batch job runs, declared on the job itself: the scheduler collects the declarations.

A job of a service's worker is marked `@scheduled(daily(1, 10))` where it is defined, so that its
schedule is read beside what it does; `services/scheduler.py` finds every marked function of every
service's worker and enqueues it on that service's queue at those times (`python -m services schedule`
prints the table).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

F = TypeVar("F", bound=Callable[..., object])

_ATTRIBUTE = "jiuye_schedule"


@dataclass(frozen=True, slots=True)
class Schedule:
    """When a job runs, in the scheduler's time zone (arq cron fields; None means every)."""

    hour: int | None
    minute: int | None
    weekday: int | None = None
    day: int | None = None

    def describe(self) -> str:
        """Says the schedule in words, for the printed table."""
        if self.hour is None and self.minute is None:
            return "every minute"
        when = f"{self.hour:02d}:{self.minute:02d}" if self.hour is not None and self.minute is not None else ""
        if self.day is not None:
            return f"monthly on day {self.day} at {when}"
        if self.weekday is not None:
            return f"weekly on weekday {self.weekday} at {when}"
        return f"daily at {when}"


def daily(hour: int, minute: int) -> Schedule:
    """Returns a schedule of once a day at hour:minute."""
    return Schedule(hour, minute)


EVERY_MINUTE = Schedule(hour=None, minute=None)


def scheduled(when: Schedule) -> Callable[[F], F]:
    """Marks a worker job to be enqueued by the scheduler at `when`."""

    def mark(job: F) -> F:
        setattr(job, _ATTRIBUTE, when)
        return job

    return mark


def schedule_of(job: Callable[..., object]) -> Schedule | None:
    """Returns the schedule a job was marked with, if any (wrappers made with functools.wraps keep it)."""
    when = getattr(job, _ATTRIBUTE, None)
    return when if isinstance(when, Schedule) else None
