"""The OpenAPI document says what the service answers: every error status, once for all routes, as an RFC 9457
problem in application/problem+json (FastAPI alone documents only 422, as application/json)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final

from fastapi import FastAPI

from shared.errors import PROBLEM_MEDIA_TYPE

PROBLEM_SCHEMA: Final[dict[str, Any]] = {
    "title": "Problem",
    "type": "object",
    "description": "RFC 9457 problem details with the stable code, the Chinese message and the failed rules.",
    "required": ["type", "title", "status", "detail", "code", "detail_zh"],
    "properties": {
        "type": {"type": "string", "description": "问题类型（标识错误种类的网址）"},
        "title": {"type": "string", "description": "问题标题（英文）"},
        "status": {"type": "integer", "description": "HTTP 状态码"},
        "detail": {"type": "string", "description": "说明（英文）"},
        "code": {"type": "string", "description": "错误代码（稳定不变，供程序判断）"},
        "detail_zh": {"type": "string", "description": "说明（中文，可直接展示给用户）"},
        "instance": {"type": "string", "description": "出错的请求路径"},
        "request_id": {"type": "string", "description": "请求编号（查日志时引用）"},
        "violations": {
            "type": "array",
            "description": "未通过的规则，逐条列出",
            "items": {
                "type": "object",
                "required": ["rule", "message", "message_zh"],
                "properties": {
                    "rule": {"type": "string", "description": "未通过的规则编号"},
                    "field": {"type": ["string", "null"], "description": "出错的字段"},
                    "message": {"type": "string", "description": "说明（英文）"},
                    "message_zh": {"type": "string", "description": "说明（中文）"},
                },
            },
        },
    },
}

# What every API operation may answer besides its success: authentication and scope, a missing or
# conflicting record, a body too large, of another type or invalid, too many requests, an unavailable
# database or peer, and the 500 a bug gives (its request_id finds the logged stack).
API_ERRORS: Final[dict[str, str]] = {
    "400": "Bad request: an unreadable upload or query",
    "401": "Missing, invalid or expired bearer token",
    "403": "Not allowed for this role or region (the same answer whether or not the record exists)",
    "404": "Not found",
    "405": "Method not allowed",
    "409": "Conflict with the record's state, a duplicate, or an idempotency key reused with another body",
    "413": "Request body over this endpoint's limit",
    "415": "Unsupported media type",
    "422": "The request does not match the schema or a rule; violations name each failure",
    "429": "Too many requests",
    "500": "Internal error; quote the request_id",
    "503": "Database or a peer service unavailable; retry after Retry-After",
}
HEALTH_ERRORS: Final[dict[str, str]] = {
    "405": API_ERRORS["405"], "422": API_ERRORS["422"], "500": API_ERRORS["500"],
    "503": "Not ready: a dependency is unreachable",
}


def _problem(description: str) -> dict[str, Any]:
    return {"description": description,
            "content": {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}}}


def with_problems(schema: dict[str, Any], api_prefix: str) -> dict[str, Any]:
    """Adds the Problem schema and the error responses of every operation to an OpenAPI document."""
    schema.setdefault("components", {}).setdefault("schemas", {})["Problem"] = PROBLEM_SCHEMA
    for path, item in schema.get("paths", {}).items():
        errors = API_ERRORS if path.startswith(api_prefix) else HEALTH_ERRORS
        for operation in item.values():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            responses: dict[str, Any] = operation["responses"]
            for status, description in errors.items():
                # FastAPI's own 422 (HTTPValidationError, application/json) is not what the service sends.
                if status not in responses or status == "422":
                    responses[status] = _problem(description)
    schemas = schema["components"]["schemas"]
    for unused in ("HTTPValidationError", "ValidationError"):
        schemas.pop(unused, None)
    return schema


def document_problems(app: FastAPI, api_prefix: str) -> None:
    """Makes the app's OpenAPI document list the problem responses of every operation."""
    build: Callable[[], dict[str, Any]] = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = with_problems(build(), api_prefix)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
