"""What the calendar refuses, by kind (shared.errors maps each kind to its HTTP status)."""

from __future__ import annotations

from shared.errors import InvalidInput


class DateOutsideCalendar(InvalidInput):
    """A date the calendar cannot answer for (T-WORKDAY: outside the years it covers)."""

    code = "calendar.out_of_range"
    title = "Date outside the calendar"


class InvalidYear(InvalidInput):
    """A year outside what can be read or replaced."""

    code = "calendar.invalid_year"
    title = "Invalid year"


class InvalidArrangement(InvalidInput):
    """A year's holiday arrangement with invalid entries; violations name each."""

    code = "calendar.invalid_arrangement"
    title = "Invalid holiday arrangement"
