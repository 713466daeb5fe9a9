"""Request bodies within limits: a size per route (413), and JSON that cannot be read is a 422, never a 400.

FastAPI reads a whole body of any size, and answers 400 "There was an error parsing the body" for invalid
UTF-8, nesting deeper than Python's recursion limit or an integer of more than 4,300 digits; the contract
says a malformed body is a 422 problem. Every route of the app is a `BodyLimitedRoute`: it reads the body
up to the route's limit (`openapi_extra={"x-max-body-bytes": N}`, else 1 MiB for a route with a body model)
and parses JSON itself, so FastAPI finds it read and parsed. A route reading its body itself (uploads) keeps
the limit it enforces while reading, unless it declares one.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Coroutine
from typing import Any, Final

from fastapi import Request, Response

from shared.errors import ProblemError, Violation
from shared.idempotency import IdempotentRoute

DEFAULT_MAX_BODY_BYTES: Final = 1024 * 1024
BODY_LIMIT_KEY: Final = "x-max-body-bytes"
_WITH_BODY: Final = frozenset({"POST", "PUT", "PATCH"})


def body_limit(max_bytes: int) -> dict[str, Any]:
    """Returns the openapi_extra of a route taking bodies up to `max_bytes` (uploads)."""
    return {BODY_LIMIT_KEY: max_bytes}


def too_large(max_bytes: int) -> ProblemError:
    """Returns the 413 problem of a body over the route's limit."""
    return ProblemError(
        413, "request.too_large", "Request too large",
        f"The request body is larger than {max_bytes} bytes, the limit of this endpoint.",
        f"请求内容超过本接口的上限 {max_bytes} 字节。",
    )


def _unreadable(detail: str, detail_zh: str) -> ProblemError:
    return ProblemError(
        422, "request.invalid", "Invalid request", f"The body is not valid JSON: {detail}.",
        f"请求内容不是有效的 JSON：{detail_zh}。",
        [Violation("SCHEMA-JSON-INVALID", "body", detail, detail_zh)],
    )


def _is_json(content_type: str | None) -> bool:
    if not content_type:
        return True
    media = content_type.split(";", 1)[0].strip().lower()
    return media == "application/json" or (media.startswith("application/") and media.endswith("+json"))


def parse_json(body: bytes) -> Any:
    """Returns the parsed body; a 422 problem for bytes that are not UTF-8, nesting too deep for the parser
    or numbers too long to read. Syntax errors are left to FastAPI (its 422 names the position)."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise _unreadable("the bytes are not UTF-8", "内容不是 UTF-8 编码") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return None
    except RecursionError:
        raise _unreadable("arrays or objects are nested too deeply", "数组或对象嵌套过深") from None
    except ValueError:
        raise _unreadable("a number has too many digits", "数字位数过多") from None


class BodyLimitedRoute(IdempotentRoute):
    """A route that refuses a body over its limit with a 413 and reads JSON bodies itself (422 if unreadable)."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()
        declared_limit = (self.openapi_extra or {}).get(BODY_LIMIT_KEY)
        reads_json = self.body_field is not None
        # A route with a body model gets the default; one that reads its body itself (an upload through
        # shared.spreadsheets.read_upload, a CSV) keeps its own limit unless it declares one here.
        limit = int(declared_limit) if declared_limit is not None else (
            DEFAULT_MAX_BODY_BYTES if reads_json else None)

        async def handle(request: Request) -> Response:
            if request.method in _WITH_BODY and limit is not None:
                declared = request.headers.get("content-length", "")
                if declared.isascii() and declared.isdigit() and int(declared) > limit:
                    raise too_large(limit)
                if reads_json and _is_json(request.headers.get("content-type")):
                    body = bytearray()
                    async for chunk in request.stream():
                        body.extend(chunk)
                        if len(body) > limit:
                            raise too_large(limit)
                    request._body = bytes(body)
                    if body:
                        parsed = parse_json(request._body)
                        if parsed is not None or request._body.strip() == b"null":
                            request._json = parsed
            return await handler(request)

        return handle
