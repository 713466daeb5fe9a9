"""What the region registry refuses, by kind (shared.errors maps each kind to its HTTP status)."""

from __future__ import annotations

from shared.errors import InvalidInput, NotFound


class UnknownDivision(InvalidInput):
    """The code names no division of GB/T 2260 (a town: no such county) (T-REGION)."""

    code = "region.unknown"
    title = "Unknown region"


class NotATown(InvalidInput):
    """Only a 9-digit town code can be named in the town registry."""

    code = "region.not_a_town"
    title = "Not a town code"


class NoAgency(NotFound):
    """No agency is recorded for the region nor for any region above it."""

    code = "region.no_agency"
    title = "No agency recorded"
