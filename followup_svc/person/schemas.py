"""The person's timeline as the API shows it."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel


class TimelineEntry(BaseModel):
    """One thing that happened with a person: when, what, of which kind, by whom."""

    on: date
    type: Literal["registration", "first_contact", "ledger_contact", "service", "tier", "revisit",
                  "follow_up_action", "recommendation"]
    kind: str
    detail: str
    by: str | None
    record_id: str


class Timeline(BaseModel):
    """A person's history in the follow-up service, oldest first."""

    person_id: str
    agency_region_code: str
    items: list[TimelineEntry]
