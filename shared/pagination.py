"""Opaque keyset cursors for list endpoints (`?limit=&cursor=`)."""

from __future__ import annotations

import base64
import json
from datetime import datetime
from typing import Generic, TypeVar
from uuid import UUID

from pydantic import BaseModel

from shared.errors import ProblemError, Violation

T = TypeVar("T")

DEFAULT_LIMIT = 50
MAX_LIMIT = 200


class Page(BaseModel, Generic[T]):
    """A page of a list: its items and the cursor of the next page, if any."""

    items: list[T]
    next_cursor: str | None


def encode_cursor(created_at: datetime, record_id: UUID) -> str:
    """Encodes the position after a row ordered by (created_at, id)."""
    raw = json.dumps([created_at.isoformat(), str(record_id)]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, UUID]:
    """Decodes a cursor, or raises a 422 problem naming the cursor parameter."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        created_at, record_id = json.loads(base64.urlsafe_b64decode(padded.encode()))
        return datetime.fromisoformat(created_at), UUID(record_id)
    except (ValueError, TypeError) as exc:
        raise ProblemError(
            422, "request.invalid_cursor", "Invalid cursor", "The cursor is not one this API issued.",
            "分页游标无效。",
            [Violation("SCHEMA-CURSOR", "cursor", "cursor is malformed", "分页游标格式错误")],
        ) from exc
