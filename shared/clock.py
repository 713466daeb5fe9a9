"""The one way to say "now" and "today": a clock in the configured time zone, injectable for tests.

Deadlines, overdue flags and the date an application counts from are all local (China Standard Time by
default, `TIMEZONE`), so "today" is never the server's or UTC's date. Services take the clock from
`app.state.clock` (endpoints: `ClockDep`) or from the worker context; tests give a fixed one.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import Depends, Request
from pydantic import PlainSerializer

DEFAULT_TIMEZONE = "Asia/Shanghai"

# The zone datetimes are shown in (`LocalDateTime`); `use_zone` sets it from the settings at startup.
_display_zone = ZoneInfo(DEFAULT_TIMEZONE)


class Clock:
    """Tells the current instant (aware, UTC) and the local date and time in the service's time zone."""

    def __init__(self, timezone: str | ZoneInfo = DEFAULT_TIMEZONE, source: Callable[[], datetime] | None = None):
        self.zone = timezone if isinstance(timezone, ZoneInfo) else ZoneInfo(timezone)
        self._source = source or (lambda: datetime.now(UTC))

    @classmethod
    def fixed(cls, at: datetime, timezone: str | ZoneInfo = DEFAULT_TIMEZONE) -> Clock:
        """Returns a clock that always tells `at` (an aware datetime): for tests and replays."""
        if at.tzinfo is None:
            raise ValueError("a fixed clock needs an aware datetime")
        return cls(timezone, lambda: at)

    def now(self) -> datetime:
        """Returns the current instant as an aware datetime in UTC (what the database stores)."""
        return self._source().astimezone(UTC)

    def today(self) -> date:
        """Returns today's date in the service's time zone."""
        return self.local(self.now()).date()

    def local(self, instant: datetime) -> datetime:
        """Returns an aware instant in the service's time zone."""
        return instant.astimezone(self.zone)

    def local_date(self, instant: datetime) -> date:
        """Returns the local calendar date of an aware instant."""
        return instant.astimezone(self.zone).date()


def use_zone(timezone: str) -> None:
    """Sets the zone in which API responses show datetimes (called once at service startup)."""
    global _display_zone
    _display_zone = ZoneInfo(timezone)


def _in_display_zone(value: datetime) -> datetime:
    # Naive values come only from UTC columns read without zone; state them as UTC first.
    aware = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
    return aware.astimezone(_display_zone)


# A datetime in an API response: always with the local offset (+08:00), whatever the database returned.
LocalDateTime = Annotated[datetime, PlainSerializer(_in_display_zone, return_type=datetime)]


def current_clock(request: Request) -> Clock:
    """Returns the running service's clock."""
    clock: Clock = request.app.state.clock
    return clock


ClockDep = Annotated[Clock, Depends(current_clock)]
