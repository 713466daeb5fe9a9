"""RFC 9457 problem+json errors with stable codes, bilingual messages and the rules that failed."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import asyncpg  # type: ignore[import-untyped]
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DataError, DBAPIError, IntegrityError, OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException

from shared.context import current_request_id

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
        "系统内部错误，未保存任何内容。报告问题时请提供 request_id。",
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
        message = str(err.get("msg", "invalid value"))
        violations.append(
            Violation(
                rule=f"SCHEMA-{str(err.get('type', 'invalid')).upper().replace('_', '-')}",
                field=_field_path(loc),
                message=f"{where} field {_field_path(loc)}: {message}",
                message_zh=f"字段 {_field_path(loc)} 无效：{message}",
            )
        )
    return violations


def _is_bad_value(exc: DBAPIError) -> bool:
    # asyncpg's data exceptions (SQLSTATE class 22: value too long, out of range, bad text for a type) reach
    # SQLAlchemy as a plain DBAPIError, not DataError; asyncpg rejects a bad argument (ValueError) likewise.
    code = getattr(exc.orig, "sqlstate", None) or getattr(exc.orig, "pgcode", None)
    if isinstance(code, str):
        return code.startswith("22")
    return isinstance(exc.orig, ValueError) or isinstance(getattr(exc.orig, "__cause__", None), ValueError)


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
            "请求内容不符合要求，详见 violations。",
            _validation_violations(exc),
        )
        return problem_response(problem, request.url.path)

    async def on_http(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, StarletteHTTPException)
        code, title, zh = _HTTP_CODES.get(exc.status_code, ("request.error", "Request error", "请求错误"))
        headers = dict(exc.headers) if exc.headers else None
        problem = ProblemError(exc.status_code, code, title, str(exc.detail), zh, headers=headers)
        return problem_response(problem, request.url.path)

    async def on_integrity(request: Request, exc: Exception) -> JSONResponse:
        logger.warning("integrity error", extra={"error": str(exc.__cause__ or exc)[:500]})
        problem = conflict(
            "resource.conflict", "The change conflicts with existing data; nothing was saved.",
            "该操作与已有数据冲突，未保存任何内容。",
        )
        return problem_response(problem, request.url.path)

    async def on_data_error(request: Request, exc: Exception) -> JSONResponse:
        logger.warning("data error", extra={"error": str(exc.__cause__ or exc)[:500]})
        problem = ProblemError(
            422, "request.invalid_value", "Invalid value",
            "A value is outside what can be stored (too long or out of range); nothing was saved.",
            "某个值超出可保存的范围（过长或越界），未保存任何内容。",
        )
        return problem_response(problem, request.url.path)

    async def on_unavailable(request: Request, exc: Exception) -> JSONResponse:
        if isinstance(exc, DBAPIError) and _is_bad_value(exc):
            return await on_data_error(request, exc)
        logger.error("database unavailable", exc_info=exc)
        problem = ProblemError(
            503, "service.unavailable", "Service unavailable",
            "The database is unavailable; nothing was saved. Retry later.",
            "数据库暂不可用，未保存任何内容，请稍后重试。", headers={"Retry-After": "5"},
        )
        return problem_response(problem, request.url.path)

    async def on_unexpected(request: Request, exc: Exception) -> JSONResponse:
        logger.exception("unhandled error")
        return internal_error_response(request.url.path)

    app.add_exception_handler(ProblemError, on_problem)
    app.add_exception_handler(RequestValidationError, on_validation)
    app.add_exception_handler(StarletteHTTPException, on_http)
    app.add_exception_handler(IntegrityError, on_integrity)
    app.add_exception_handler(DataError, on_data_error)
    app.add_exception_handler(OperationalError, on_unavailable)
    app.add_exception_handler(DBAPIError, on_unavailable)
    app.add_exception_handler(OSError, on_unavailable)
    # Statements on the driver connection (Database.reader/writer) raise asyncpg's own errors, unwrapped by
    # SQLAlchemy, mapped as their wrapped forms are: a value the column cannot hold (class 22, or an argument
    # asyncpg cannot encode) is a 422, a violated constraint (class 23) a 409; a lost or refused connection
    # (class 08), a server shutting down (class 57), a closed connection or any other server error a 503.
    app.add_exception_handler(asyncpg.exceptions.DataError, on_data_error)
    app.add_exception_handler(asyncpg.exceptions._base.DataError, on_data_error)
    app.add_exception_handler(asyncpg.exceptions.IntegrityConstraintViolationError, on_integrity)
    for driver_error in (
        asyncpg.exceptions.InterfaceError,
        asyncpg.exceptions.PostgresConnectionError,
        asyncpg.exceptions.OperatorInterventionError,
        asyncpg.exceptions.PostgresError,
    ):
        app.add_exception_handler(driver_error, on_unavailable)
    app.add_exception_handler(Exception, on_unexpected)
