"""What verification refuses, by kind (shared.errors maps each kind to its HTTP status)."""

from __future__ import annotations

from shared.errors import (
    InvalidInput,
    MalformedPayload,
    NotFound,
    PayloadTooLarge,
    StateConflict,
    UnsupportedMediaType,
)


class VisitInFuture(InvalidInput):
    """A home visit cannot be dated after today."""

    code = "request.invalid"
    title = "Invalid request"


class VisitBeforeApplication(InvalidInput):
    """A home visit checks what an application declared: it cannot be dated before the application."""

    code = "request.invalid"
    title = "Invalid request"


class HomeVisitAlreadyDone(StateConflict):
    """The home-visit task was completed before."""

    code = "home_visit.already_done"
    title = "Conflict"


class UnknownReferenceSource(NotFound):
    """No reference source has that name."""

    code = "resource.not_found"
    title = "Not found"


class ReferenceFileNotCsv(UnsupportedMediaType):
    """Reference data is loaded from text/csv only."""

    code = "request.unsupported_media_type"
    title = "Unsupported media type"


class ReferenceFileTooLarge(PayloadTooLarge):
    """The reference file exceeds the upload limit."""

    code = "request.too_large"
    title = "Payload too large"


class MalformedReferenceFile(MalformedPayload):
    """The reference file cannot be read at all (encoding, header)."""

    code = "reference_data.malformed"
    title = "Malformed reference file"


class InvalidReferenceRows(InvalidInput):
    """Lines of the reference file are invalid; nothing was loaded."""

    code = "reference_data.invalid_rows"
    title = "Invalid reference rows"
