"""What payments refuse, by kind; each names PAY-ONCE or the step it guards."""

from __future__ import annotations

from shared.auth import Forbidden
from shared.errors import InvalidInput, NotFound, StateConflict


class NothingPayable(StateConflict):
    """No item of the kind and region is payable and outside a batch: no empty batch is made."""

    code = "payment.nothing_payable"
    title = "Nothing payable"


class BatchNotFound(NotFound):
    """No batch of that id in the caller's scope."""

    code = "payment.batch_not_found"
    title = "Payment batch not found"


class InvalidResults(InvalidInput):
    """A result names an item not in the batch, lacks its date or reason, or repeats an item (nothing applied)."""

    code = "payment.invalid_results"
    title = "Invalid bank results"


class ResultConflict(StateConflict):
    """A result would turn a paid item into failed, or pay a failed one (PAY-ONCE); nothing applied."""

    code = "payment.result_conflict"
    title = "Bank result conflicts with a final result"


class NotPaymentAdmin(Forbidden):
    """Only an admin of the region makes batches and records bank results."""

    code = "payment.admin_only"
    title = "Payment admin only"
