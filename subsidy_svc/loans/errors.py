"""What startup-loan recording refuses, by kind."""

from __future__ import annotations

from shared.errors import InvalidInput, NotFound, RuleFailed, StateConflict


class RateAboveCap(RuleFailed):
    """The annual rate is above LPR + the pack's cap at the grant date (LOAN-RATE)."""

    code = "startup_loan.rate_above_cap"
    title = "Rate above the cap"


class LoanNotEligible(RuleFailed):
    """The eligibility service's evaluation fails (LOAN-* violations, the maximum amount or term)."""

    code = "startup_loan.not_eligible"
    title = "Loan not eligible"


class InvalidLoan(InvalidInput):
    """The borrower's id does not fit the borrower type, or the person is not in the registry."""

    code = "startup_loan.invalid_request"
    title = "Invalid startup-loan request"


class LoanConflict(StateConflict):
    """A contract recorded twice, a loan repaid twice, or a period already paid or batched."""

    code = "startup_loan.conflict"
    title = "Startup-loan conflict"


class LoanNotFound(NotFound):
    """No loan of that id in the caller's scope."""

    code = "startup_loan.not_found"
    title = "Startup loan not found"
