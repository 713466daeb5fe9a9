"""Per-request and per-job context (request ID, actor) carried through logs, HTTP calls and jobs."""

from __future__ import annotations

import random
from contextvars import ContextVar

request_id_var: ContextVar[str | None] = ContextVar("request_id", default=None)

REQUEST_ID_HEADER = "X-Request-ID"


def new_request_id() -> str:
    """Returns a fresh request ID: 32 hex digits, like a UUID's. It correlates logs and is no secret, so
    it comes from the fast generator, not from the operating system's entropy on every request."""
    return f"{random.getrandbits(128):032x}"


def current_request_id() -> str | None:
    """Returns the request ID of the running request or job, if any."""
    return request_id_var.get()
