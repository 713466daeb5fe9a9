"""The .xlsx exports and imports of every workflow (api.md "Spreadsheets"), on libraries made for them.

A `Template` names the columns once: the key the code uses, the Chinese header the sheet shows, and how a
cell is read back. Exports stream rows through xlsxwriter in constant-memory mode (a province's ledger does
not sit in memory); imports read with python-calamine and answer row by row, with the row number as Excel
shows it (the header is row 1), the column's header, a rule code and a message in both languages. By
default a file with any error imports nothing; `?partial=true` imports the good rows.
"""

from __future__ import annotations

import io
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import xlsxwriter  # type: ignore[import-untyped]
from fastapi import Request
from fastapi.responses import FileResponse
from pydantic import BaseModel
from python_calamine import CalamineWorkbook
from starlette.background import BackgroundTask

from shared.errors import MalformedPayload, PayloadTooLarge
from shared.request_body import body_limit

XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_UPLOAD_BYTES = 20 * 1024 * 1024

Cell = object
CellReader = Callable[[Cell], object]


class CellError(ValueError):
    """A cell that cannot be read: its rule code and message in both languages."""

    def __init__(self, code: str, message: str, message_zh: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.message_zh = message_zh


def text_cell(value: Cell) -> object:
    """Reads a cell as trimmed text (numbers typed into a text column, such as codes, included)."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def int_cell(value: Cell) -> object:
    """Reads a whole number."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise CellError("SCHEMA-INT", "not a whole number", "不是整数")
    try:
        number = float(value)
    except ValueError:
        raise CellError("SCHEMA-INT", f"{value!r} is not a whole number", f"“{value}”不是整数") from None
    if not number.is_integer():
        raise CellError("SCHEMA-INT", f"{value!r} is not a whole number", f"“{value}”不是整数")
    return int(number)


def date_cell(value: Cell) -> object:
    """Reads a date: an Excel date cell, or text as 2026-11-30."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise CellError("SCHEMA-DATE", f"{value!r} is not a date (YYYY-MM-DD)",
                        f"“{value}”不是日期（格式为年-月-日，如2026-11-30）") from None


@dataclass(frozen=True, slots=True)
class Column:
    """One column of a template: the key in code, the Chinese header, how to read a cell, its width."""

    key: str
    header_zh: str
    read: CellReader = text_cell
    required: bool = True
    width: int = 16


@dataclass(frozen=True, slots=True)
class Template:
    """A sheet's layout, shared by its export and its import."""

    sheet_zh: str
    columns: Sequence[Column]

    @property
    def headers(self) -> list[str]:
        """The header row, in Chinese."""
        return [c.header_zh for c in self.columns]


def write_xlsx(template: Template, rows: Iterable[Mapping[str, object]], path: str) -> int:
    """Writes the rows under the template's Chinese header row to `path`, one row at a time (constant
    memory); returns how many rows were written."""
    workbook = xlsxwriter.Workbook(path, {"constant_memory": True, "remove_timezone": True})
    try:
        sheet = workbook.add_worksheet(template.sheet_zh)
        bold = workbook.add_format({"bold": True})
        dated = workbook.add_format({"num_format": "yyyy-mm-dd"})
        for index, column in enumerate(template.columns):
            sheet.set_column(index, index, column.width)
            sheet.write_string(0, index, column.header_zh, bold)
        count = 0
        for count, row in enumerate(rows, start=1):
            for index, column in enumerate(template.columns):
                value = row.get(column.key)
                if value is None:
                    continue
                if isinstance(value, date):
                    sheet.write_datetime(count, index, datetime(value.year, value.month, value.day), dated)
                elif isinstance(value, bool):
                    sheet.write_boolean(count, index, value)
                elif isinstance(value, int | float):
                    sheet.write_number(count, index, value)
                else:
                    sheet.write_string(count, index, str(value))
        return count
    finally:
        workbook.close()


def xlsx_response(template: Template, rows: Iterable[Mapping[str, object]], filename: str) -> FileResponse:
    """Returns an export as a download: written to a temporary file, which is removed once sent."""
    handle, path = tempfile.mkstemp(suffix=".xlsx")
    os.close(handle)
    try:
        write_xlsx(template, rows, path)
    except BaseException:
        os.unlink(path)
        raise
    return FileResponse(path, media_type=XLSX_MEDIA_TYPE, filename=filename,
                        background=BackgroundTask(os.unlink, path))


@dataclass(frozen=True, slots=True)
class RowError:
    """One cell an import refused: the row as Excel numbers it, the column's header, the rule, the message."""

    row: int
    column: str
    code: str
    message: str
    message_zh: str


@dataclass(slots=True)
class ReadSheet:
    """The rows of an imported sheet that read cleanly (with their Excel row numbers) and the errors.

    Refusing a row is O(1) (the good rows are kept by row number), so a file of 100,000 rows with many
    refused ones is not read in quadratic time."""

    good: dict[int, dict[str, object]] = field(default_factory=dict)
    errors: list[RowError] = field(default_factory=list)
    refused: set[int] = field(default_factory=set)

    @property
    def rows(self) -> list[tuple[int, dict[str, object]]]:
        """The rows without errors, in sheet order, as (Excel row number, values)."""
        return list(self.good.items())

    @rows.setter
    def rows(self, rows: list[tuple[int, dict[str, object]]]) -> None:
        self.good = dict(rows)

    @property
    def rejected_rows(self) -> set[int]:
        """The Excel row numbers with at least one error."""
        return self.refused


class SpreadsheetUnreadable(MalformedPayload):
    """The upload is not an xlsx file this template reads (not a workbook, or another header row)."""

    code = "spreadsheet.unreadable"
    title = "Unreadable spreadsheet"


class SpreadsheetTooLarge(PayloadTooLarge):
    """The upload exceeds the size limit."""

    code = "request.too_large"
    title = "Payload too large"


def read_xlsx(template: Template, content: bytes) -> ReadSheet:
    """Reads the first sheet of an upload laid out as the template (header row first); raises
    SpreadsheetUnreadable when it is no workbook or its header row is not the template's."""
    sheet = ReadSheet()
    for part in read_xlsx_chunks(template, content, 10_000):
        sheet.good.update(part.good)
        sheet.errors.extend(part.errors)
        sheet.refused |= part.refused
    return sheet


def read_xlsx_chunks(template: Template, content: bytes, size: int) -> Iterator[ReadSheet]:
    """Reads the sheet as read_xlsx does, `size` lines at a time, so that an importer can check or apply
    a large file without holding every row's values at once; the header is checked before the first."""
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(content))
        # Rows are taken one at a time from the reader, not as one list of the whole sheet.
        rows = iter(workbook.get_sheet_by_index(0).iter_rows())
        first = next(rows, None)
    except Exception as exc:  # an untrusted upload: whatever the reader chokes on, nothing was imported
        raise SpreadsheetUnreadable(
            f"The file is not a readable .xlsx workbook ({type(exc).__name__}); nothing was imported.",
            "无法读取该 .xlsx 文件，未导入任何内容。",
        ) from None
    header = [str(cell).strip() for cell in first] if first is not None else []
    if header[: len(template.columns)] != template.headers:
        raise SpreadsheetUnreadable(
            f"The header row must be the template's: {', '.join(template.headers)}; nothing was imported.",
            f"表头须与模板一致：{'、'.join(template.headers)}；未导入任何内容。",
        )
    return _chunks(template, rows, size)


def _chunks(template: Template, rows: Iterator[Sequence[Cell]], size: int) -> Iterator[ReadSheet]:
    sheet = ReadSheet()
    for offset, raw in enumerate(rows, start=2):
        cells = list(raw) + [""] * (len(template.columns) - len(raw))
        if all(cell in ("", None) for cell in cells):
            continue  # a blank line is no row
        values: dict[str, object] = {}
        for column, cell in zip(template.columns, cells, strict=False):
            if cell in ("", None):
                if column.required:
                    add_row_error(sheet, RowError(offset, column.header_zh, "SCHEMA-REQUIRED",
                                                  f"{column.header_zh} is required", f"{column.header_zh}不能为空"))
                values[column.key] = None
                continue
            try:
                values[column.key] = column.read(cell)
            except CellError as exc:
                add_row_error(sheet, RowError(offset, column.header_zh, exc.code, exc.message, exc.message_zh))
        if offset not in sheet.refused:
            sheet.good[offset] = values
        if len(sheet.good) + len(sheet.refused) >= size:
            yield sheet
            sheet = ReadSheet()
    if sheet.good or sheet.refused:
        yield sheet


def add_row_error(sheet: ReadSheet, error: RowError) -> None:
    """Adds a domain rule's refusal of a row that read cleanly (a date outside its month …)."""
    sheet.errors.append(error)
    sheet.refused.add(error.row)
    sheet.good.pop(error.row, None)


class RowErrorRead(BaseModel):
    """One refused cell of an import (api.md "Spreadsheets")."""

    row: int
    column: str
    code: str
    message: str
    message_zh: str


class ImportRead(BaseModel):
    """The answer to an import: rows accepted and rejected, and every error."""

    accepted: int
    rejected: int
    errors: list[RowErrorRead]


def rows_to_import(sheet: ReadSheet, *, partial: bool) -> list[tuple[int, dict[str, object]]]:
    """Returns the rows to apply: every good row with `partial`, else all of them or none."""
    if sheet.errors and not partial:
        return []
    return sheet.rows


def import_read(sheet: ReadSheet, applied: int) -> ImportRead:
    """Returns the import answer for the rows applied."""
    return import_answer(sheet.errors, len(sheet.good) + len(sheet.refused), applied)


def import_answer(errors: list[RowError], rows: int, applied: int) -> ImportRead:
    """Returns the import answer: of `rows` rows read, `applied` were applied and the rest refused."""
    return ImportRead(
        accepted=applied, rejected=rows - applied,
        errors=[RowErrorRead(row=e.row, column=e.column, code=e.code, message=e.message, message_zh=e.message_zh)
                for e in sorted(errors, key=lambda e: (e.row, e.column))],
    )


def xlsx_upload(max_bytes: int = MAX_UPLOAD_BYTES) -> dict[str, Any]:
    """Returns the openapi_extra of a route taking an xlsx upload: its body documented as the file and an
    explicit body limit (a 100,000-row sheet is about 8 MB; `read_upload` reads up to the same bound)."""
    return {
        "requestBody": {
            "required": True, "content": {XLSX_MEDIA_TYPE: {"schema": {"type": "string", "format": "binary"}}},
        },
        **body_limit(max_bytes),
    }


async def read_upload(request: Request, max_bytes: int = MAX_UPLOAD_BYTES) -> bytes:
    """Reads an upload's body, refusing one larger than `max_bytes` with a 413 before reading it all."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isascii() and declared.isdigit() and int(declared) > max_bytes:
        raise _too_large(max_bytes)
    content = bytearray()
    async for chunk in request.stream():
        content.extend(chunk)
        if len(content) > max_bytes:
            raise _too_large(max_bytes)
    return bytes(content)


def _too_large(max_bytes: int) -> SpreadsheetTooLarge:
    return SpreadsheetTooLarge(
        f"The file is larger than {max_bytes} bytes; split it by region or month.",
        f"文件超过 {max_bytes} 字节，请按区划或月份拆分后上传。",
    )
