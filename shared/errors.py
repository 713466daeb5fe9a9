"""RFC 9457 problem+json errors with stable codes, bilingual messages and the rules that failed."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DataError, DBAPIError, IntegrityError, InterfaceError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from shared.context import current_request_id
from shared.labels import validation_message_zh

logger = logging.getLogger(__name__)

PROBLEM_MEDIA_TYPE = "application/problem+json"
PROBLEM_TYPE_BASE = "https://jiuye.example.org/problems/"


@dataclass(frozen=True, slots=True)
class Violation:
    """One failed rule: its ID, the field it concerns and a message in English and Chinese."""

    rule: str
    field: str | None
    message: str
    message_zh: str

    def as_dict(self) -> dict[str, str | None]:
        """Returns the JSON shape of api.md."""
        return {"rule": self.rule, "field": self.field, "message": self.message, "message_zh": self.message_zh}


@dataclass
class ProblemError(Exception):
    """An error the API reports as problem+json; raise it from services and dependencies."""

    status: int
    code: str
    title: str
    detail: str
    detail_zh: str
    violations: Sequence[Violation] = field(default_factory=tuple)
    headers: dict[str, str] | None = None

    def __str__(self) -> str:
        return f"{self.status} {self.code}: {self.detail}"

    def body(self, instance: str | None = None) -> dict[str, Any]:
        """Returns the problem document."""
        doc: dict[str, Any] = {
            "type": PROBLEM_TYPE_BASE + self.code,
            "title": self.title,
            "status": self.status,
            "detail": self.detail,
            "code": self.code,
            "detail_zh": self.detail_zh,
        }
        if self.violations:
            doc["violations"] = [v.as_dict() for v in self.violations]
        if instance:
            doc["instance"] = instance
        request_id = current_request_id()
        if request_id:
            doc["request_id"] = request_id
        return doc


class DomainError(Exception):
    """A use case that refuses: raised by services with a stable code, messages in both languages and the
    rules that failed, but no HTTP status. Each domain declares its errors in its `errors.py` as
    subclasses of one of the kinds below; `PROBLEM_KINDS` maps a kind to its HTTP status, in one place."""

    code: ClassVar[str]
    title: ClassVar[str]

    def __init__(self, detail: str, detail_zh: str, violations: Sequence[Violation] = ()) -> None:
        super().__init__(detail)
        self.detail = detail
        self.detail_zh = detail_zh
        self.violations = tuple(violations)

    @property
    def status(self) -> int:
        """The HTTP status of this error's kind."""
        return problem_status(type(self))

    @property
    def headers(self) -> dict[str, str] | None:
        """HTTP headers the answer carries (a Retry-After for what may work later)."""
        return None

    def problem(self) -> ProblemError:
        """Returns the problem+json this error is reported as."""
        return ProblemError(problem_status(type(self)), self.code, self.title, self.detail, self.detail_zh,
                            self.violations, headers=self.headers)


class InvalidInput(DomainError):
    """The request is well-formed but a value in it is not acceptable (a date in the future, a bad file)."""


class RuleFailed(DomainError):
    """A policy rule fails: the case is not eligible or the step is not allowed; violations name the rules."""


class AccessDenied(DomainError):
    """The caller may not act on this record, or it does not exist in their scope (the same answer)."""


class NotFound(DomainError):
    """A named resource (not a record in someone's scope) does not exist."""


class StateConflict(DomainError):
    """The record is not in a state that allows the step (already decided, already done, a duplicate)."""


class PayloadTooLarge(DomainError):
    """An upload exceeds its size limit."""


class UnsupportedMediaType(DomainError):
    """An upload is not of a type the endpoint reads."""


class MalformedPayload(DomainError):
    """An upload cannot be read at all (not UTF-8, not the expected columns)."""


class PeerUnavailable(DomainError):
    """A service this one depends on is unreachable; nothing was saved, the call can be retried."""

    code = "service.peer_unavailable"
    title = "Peer service unavailable"

    @property
    def headers(self) -> dict[str, str] | None:
        return {"Retry-After": "5"}


# The one table from kinds of domain error to HTTP status.
PROBLEM_KINDS: dict[type[DomainError], int] = {
    InvalidInput: 422,
    RuleFailed: 422,
    AccessDenied: 403,
    NotFound: 404,
    StateConflict: 409,
    PayloadTooLarge: 413,
    UnsupportedMediaType: 415,
    MalformedPayload: 400,
    PeerUnavailable: 503,
}


def problem_status(error_type: type[DomainError]) -> int:
    """Returns the HTTP status of a domain error type, from the nearest kind it derives from."""
    for kind in error_type.__mro__:
        if kind in PROBLEM_KINDS:
            return PROBLEM_KINDS[kind]
    raise TypeError(f"{error_type.__name__} derives from no kind in PROBLEM_KINDS")


def problem_response(problem: ProblemError, instance: str | None = None) -> JSONResponse:
    """Renders a ProblemError."""
    return JSONResponse(
        problem.body(instance), status_code=problem.status, media_type=PROBLEM_MEDIA_TYPE,
        headers=problem.headers,
    )


def not_found(what: str, what_zh: str) -> ProblemError:
    """Returns the 404 problem for a missing resource."""
    return ProblemError(404, "resource.not_found", "Not found", f"{what} not found", f"{what_zh}不存在")


def conflict(code: str, detail: str, detail_zh: str, violations: Sequence[Violation] = ()) -> ProblemError:
    """Returns a 409 problem."""
    return ProblemError(409, code, "Conflict", detail, detail_zh, violations)


def internal_error_response(instance: str) -> JSONResponse:
    """Renders the 500 problem; the request ID in it lets on-call find the logged traceback."""
    problem = ProblemError(
        500, "internal.error", "Internal error",
        "An unexpected error occurred; nothing was saved. Quote the request_id when reporting it.",
        "系统内部错误，未保存任何内容。报告问题时请提供请求编号（“request_id”）。",
    )
    return problem_response(problem, instance)


_HTTP_CODES: dict[int, tuple[str, str, str]] = {
    404: ("resource.not_found", "Not found", "资源不存在"),
    405: ("request.method_not_allowed", "Method not allowed", "不支持该请求方法"),
    406: ("request.not_acceptable", "Not acceptable", "无法提供所请求的格式"),
    413: ("request.too_large", "Payload too large", "请求体过大"),
    415: ("request.unsupported_media_type", "Unsupported media type", "不支持的请求格式"),
}


def _field_path(loc: Sequence[int | str]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header")]
    return ".".join(parts) if parts else ".".join(str(p) for p in loc)


def _validation_violations(exc: RequestValidationError) -> list[Violation]:
    violations = []
    for err in exc.errors():
        loc = err.get("loc", ())
        where = loc[0] if loc else "body"
        # The project's own validators write "English / 中文"; each language gets its half.
        message = str(err.get("msg", "invalid value")).split(" / ")[0]
        violations.append(
            Violation(
                rule=f"SCHEMA-{str(err.get('type', 'invalid')).upper().replace('_', '-')}",
                field=_field_path(loc),
                message=f"{where} field {_field_path(loc)}: {message}",
                message_zh=validation_message_zh(err),
            )
        )
    return violations


def _sqlstate(exc: DBAPIError) -> str | None:
    # SQLAlchemy's asyncpg adapter puts the server's SQLSTATE on the wrapped error.
    code = getattr(exc.orig, "sqlstate", None) or getattr(exc.orig, "pgcode", None)
    return code if isinstance(code, str) else None


# SQLSTATE classes that mean the database could not be reached or is going away: connection exception,
# operator intervention (shutdown, admin kill) and insufficient resources (too many connections).
_UNAVAILABLE_CLASSES = ("08", "57", "53")


def database_error_kind(exc: DBAPIError) -> str:
    """Tells what a database error means for the caller: `invalid` (a value the column cannot hold),
    `conflict` (a constraint, or a concurrent transaction that lost a serialization race), `unavailable`
    (the connection was lost or refused) or `bug` (anything else: our statement is wrong)."""
    code = _sqlstate(exc)
    if isinstance(exc, IntegrityError) or (code or "").startswith("23"):
        return "conflict"
    if isinstance(exc, DataError) or (code or "").startswith("22"):
        return "invalid"
    cause = getattr(exc.orig, "__cause__", None)
    if code is None and (isinstance(exc.orig, ValueError) or isinstance(cause, ValueError)):
        # asyncpg refuses an argument it cannot encode before sending it (a str for an integer column).
        return "invalid"
    if (code or "").startswith("40"):
        return "concurrent"
    if (
        isinstance(exc, InterfaceError)
        or exc.connection_invalidated
        or (code is not None and code.startswith(_UNAVAILABLE_CLASSES))
        or isinstance(exc.orig, ConnectionError | TimeoutError)
    ):
        return "unavailable"
    return "bug"


def _allowed_methods(request: Request) -> list[str]:
    """Returns every method some route of the request's path answers."""
    allowed: set[str] = set()
    for route in request.app.router.routes:
        match, _ = route.matches(request.scope)
        methods = getattr(route, "methods", None)
        if match is not Match.NONE and methods:
            allowed |= set(methods)
    return sorted(allowed)


def install_error_handlers(app: FastAPI) -> None:
    """Makes every error of the app, FastAPI's own included, a problem+json response."""

    async def on_problem(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, ProblemError)
        return problem_response(exc, request.url.path)

    async def on_validation(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        problem = ProblemError(
            422, "request.invalid", "Invalid request",
            "The request does not match the schema; see violations.",
            "请求内容不符合要求，详见各项说明。",
            _validation_violations(exc),
        )
        return problem_response(problem, request.url.path)

    async def on_http(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, StarletteHTTPException)
        code, title, zh = _HTTP_CODES.get(exc.status_code, ("request.error", "Request error", "请求错误"))
        headers = dict(exc.headers) if exc.headers else None
        if exc.status_code == 405:
            # Starlette names the methods of the first route of the path only; a path is often several routes.
            headers = {**(headers or {}), "Allow": ", ".join(_allowed_methods(request))}
        problem = ProblemError(exc.status_code, code, title, str(exc.detail), zh, headers=headers)
        return problem_response(problem, request.url.path)

    async def on_domain(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, DomainError)
        return problem_response(exc.problem(), request.url.path)

    def unavailable(request: Request) -> JSONResponse:
        problem = ProblemError(
            503, "service.unavailable", "Service unavailable",
            "The database is unavailable; nothing was saved. Retry later.",
            "数据库暂不可用，未保存任何内容，请稍后重试。", headers={"Retry-After": "5"},
        )
        return problem_response(problem, request.url.path)

    async def on_database(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, DBAPIError)
        kind = database_error_kind(exc)
        if kind == "conflict":
            logger.warning("integrity error", extra={"error": str(exc.orig or exc)[:500]})
            problem = conflict(
                "resource.conflict", "The change conflicts with existing data; nothing was saved.",
                "该操作与已有数据冲突，未保存任何内容。",
            )
        elif kind == "invalid":
            logger.warning("data error", extra={"error": str(exc.orig or exc)[:500]})
            problem = ProblemError(
                422, "request.invalid_value", "Invalid value",
                "A value is outside what can be stored (too long or out of range); nothing was saved.",
                "某个值超出可保存的范围（过长或越界），未保存任何内容。",
            )
        elif kind == "concurrent":
            logger.warning("concurrent update lost", extra={"error": str(exc.orig or exc)[:500]})
            problem = conflict(
                "resource.concurrent_update",
                "Another request changed the same records at the same moment; nothing was saved. Retry.",
                "其他请求同时修改了相同的记录，本次未保存任何内容，请重试。",
            )
        elif kind == "unavailable":
            logger.error("database unavailable", exc_info=exc)
            return unavailable(request)
        else:
            logger.error("database error from our statement", exc_info=exc)
            return internal_error_response(request.url.path)
        return problem_response(problem, request.url.path)

    async def on_connection(request: Request, exc: Exception) -> JSONResponse:
        # Opening a connection that is refused or times out fails before SQLAlchemy can wrap the error.
        logger.error("database connection failed", exc_info=exc)
        return unavailable(request)

    async def on_unexpected(request: Request, exc: Exception) -> JSONResponse:
        logger.exception("unhandled error")
        return internal_error_response(request.url.path)

    app.add_exception_handler(ProblemError, on_problem)
    app.add_exception_handler(RequestValidationError, on_validation)
    app.add_exception_handler(StarletteHTTPException, on_http)
    app.add_exception_handler(DomainError, on_domain)
    app.add_exception_handler(DBAPIError, on_database)
    app.add_exception_handler(ConnectionError, on_connection)
    app.add_exception_handler(TimeoutError, on_connection)
    app.add_exception_handler(Exception, on_unexpected)
