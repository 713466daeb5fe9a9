"""What the ledger refuses, by kind (shared.errors maps each kind to its HTTP status)."""

from __future__ import annotations

from shared.errors import InvalidInput, RuleFailed, StateConflict


class EntryClosed(StateConflict):
    """The entry's month was closed: no contact can be added to it any more."""

    code = "ledger.entry_closed"
    title = "Ledger entry closed"


class EntryEnded(StateConflict):
    """The registration ended during the entry's month: the entry needs no contact."""

    code = "ledger.entry_ended"
    title = "Ledger entry ended"


class ImportChanged(StateConflict):
    """A row the import's check accepted was refused when it was applied: the ledger changed meanwhile."""

    code = "ledger.import_changed"
    title = "Ledger changed during the import"


class MonthOpen(StateConflict):
    """A month that has not ended cannot be closed (FU-MONTHLY)."""

    code = "ledger.month_open"
    title = "Month not ended"


class MonthNotStarted(StateConflict):
    """A data match for a month that has not begun has no day to date its contacts on (FU-CONTACT-DATE)."""

    code = "ledger.month_not_started"
    title = "Month not started"


class InvalidMonth(InvalidInput):
    """A month that is not `YYYY-MM`."""

    code = "ledger.invalid_month"
    title = "Invalid month"


class ContactRefused(RuleFailed):
    """A contact fails FU-CONTACT-DATE, FU-OUTCOME or DEREG-INCOME; violations name the rules."""

    code = "ledger.contact_invalid"
    title = "Contact refused"
