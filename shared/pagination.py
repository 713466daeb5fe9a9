"""Opaque keyset cursors for list endpoints (`?limit=&cursor=`)."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any, Generic, Literal, TypeVar
from uuid import UUID

from fastapi import Depends, Query
from pydantic import BaseModel
from sqlalchemy import Select, tuple_
from sqlalchemy.orm import InstrumentedAttribute

from shared.errors import ProblemError, Violation

T = TypeVar("T")
R = TypeVar("R")
S = TypeVar("S", bound=Select[*tuple[Any, ...]])

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


@dataclass(frozen=True, slots=True)
class PageRequest:
    """What page a list asks for: how many items, the keyset position after which they start, and whether
    the newest come first."""

    limit: int = DEFAULT_LIMIT
    after: tuple[datetime, UUID] | None = None
    newest_first: bool = False


def page_request(
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="每页条数 Items per page")] = DEFAULT_LIMIT,
    cursor: Annotated[
        str | None, Query(max_length=200, description="分页游标 The next_cursor of the previous page")
    ] = None,
    order: Annotated[
        Literal["oldest", "newest"],
        Query(description="排序 oldest first (default) or newest first; keep it the same on every page"),
    ] = "oldest",
) -> PageRequest:
    """Reads `?limit=&cursor=&order=` of a list endpoint."""
    return PageRequest(limit, decode_cursor(cursor) if cursor else None, order == "newest")


PageRequestDep = Annotated[PageRequest, Depends(page_request)]


def keyset(
    statement: S,
    created_at: InstrumentedAttribute[datetime],
    record_id: InstrumentedAttribute[UUID],
    page: PageRequest,
) -> S:
    """Restricts a statement to one page in (created_at, id) order: rows after the cursor, one more than
    the limit so that `to_page` can tell whether another page follows."""
    if page.newest_first:
        if page.after is not None:
            statement = statement.where(tuple_(created_at, record_id) < tuple_(*page.after))
        return statement.order_by(created_at.desc(), record_id.desc()).limit(page.limit + 1)
    if page.after is not None:
        statement = statement.where(tuple_(created_at, record_id) > tuple_(*page.after))
    return statement.order_by(created_at, record_id).limit(page.limit + 1)


def to_page(
    rows: Sequence[R],
    page: PageRequest,
    item: Callable[[R], T],
    position: Callable[[R], tuple[datetime, UUID]],
) -> Page[T]:
    """Returns the page of rows fetched by `keyset`, with the cursor of the next page if there is one."""
    shown = rows[: page.limit]
    next_cursor = encode_cursor(*position(shown[-1])) if len(rows) > page.limit and shown else None
    return Page[T](items=[item(row) for row in shown], next_cursor=next_cursor)
