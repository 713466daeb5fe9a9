"""Input types with bounds, for every request schema: dates and datetimes in a sensible range, strict
booleans, amounts that fit, phone numbers that are phone numbers."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Annotated, Final

from pydantic import AfterValidator, AwareDatetime, BeforeValidator, Field, StrictBool

# Dates a request may carry. Birth dates of living people start after 1900; nothing the rules count
# reaches past shared.calendar.MAX_DATE (2150), and 2199 leaves the rules room to say so themselves.
EARLIEST_DATE: Final = date(1900, 1, 1)
LATEST_DATE: Final = date(2199, 12, 31)
_EARLIEST_INSTANT: Final = datetime(1900, 1, 2, tzinfo=UTC)
_LATEST_INSTANT: Final = datetime(2199, 12, 31, tzinfo=UTC)


def _date_in_range(value: date) -> date:
    if not EARLIEST_DATE <= value <= LATEST_DATE:
        raise ValueError(f"must be between {EARLIEST_DATE.isoformat()} and {LATEST_DATE.isoformat()}")
    return value


def _instant_in_range(value: datetime) -> datetime:
    # Compared before any conversion: 0001-01-01T00:00:00+14:00 is before year 1 in UTC, and converting
    # it (astimezone) overflows.
    naive = value.replace(tzinfo=None)
    if not _EARLIEST_INSTANT.replace(tzinfo=None) <= naive <= _LATEST_INSTANT.replace(tzinfo=None):
        raise ValueError(f"must be between {EARLIEST_DATE.isoformat()} and {LATEST_DATE.isoformat()}")
    return value


BoundedDate = Annotated[date, AfterValidator(_date_in_range)]
"""A date between 1900-01-01 and 2199-12-31."""

BoundedDateTime = Annotated[AwareDatetime, AfterValidator(_instant_in_range)]
"""A datetime with its offset, between 1900-01-02 and 2199-12-31."""

Flag = StrictBool
"""A boolean given as true or false: 1, "yes" or "true" are refused, not read as true."""

# An amount of money in fen: up to 10^12 fen (10 billion yuan), far above any wage, loan or subsidy.
MAX_FEN: Final = 10**12
Fen = Annotated[int, Field(ge=0, le=MAX_FEN)]
"""A non-negative amount in fen, at most 10^12."""

SmallCount = Annotated[int, Field(ge=0, le=1_000_000)]
"""A count of people, months, days or items in a request."""

# Mainland mobile numbers (1, then 3-9, then 9 digits, optionally +86) and landlines with their area code
# (0 and 2-3 digits, 7-8 digits, an optional extension), ASCII digits only; spaces and dashes are removed.
_MOBILE: Final = re.compile(r"(?:\+?86)?1[3-9][0-9]{9}", re.ASCII)
_LANDLINE: Final = re.compile(r"0[1-9][0-9]{1,2}[0-9]{7,8}(?:#[0-9]{1,6})?", re.ASCII)


def _phone(value: object) -> object:
    if not isinstance(value, str):
        return value
    compact = value.strip().replace(" ", "").replace("-", "")
    if not compact.isascii() or not (_MOBILE.fullmatch(compact) or _LANDLINE.fullmatch(compact)):
        raise ValueError("must be a mainland mobile number (11 digits from 13-19) or a landline with its area code")
    return compact.removeprefix("+86").removeprefix("86") if _MOBILE.fullmatch(compact) else compact


PhoneNumber = Annotated[str, BeforeValidator(_phone)]
"""A mainland mobile or landline number, kept without spaces, dashes or the +86 prefix."""
