"""Spreadsheets: exports with a Chinese header row, imports row by row with errors, all-or-nothing or partial."""

from __future__ import annotations

import io
import os
import tempfile
from datetime import date

import pytest
import xlsxwriter  # type: ignore[import-untyped]
from fastapi import APIRouter, Request
from python_calamine import CalamineWorkbook

from shared.db import Database
from shared.spreadsheets import (
    Column,
    ImportRead,
    RowError,
    SpreadsheetUnreadable,
    Template,
    add_row_error,
    date_cell,
    import_read,
    int_cell,
    read_upload,
    read_xlsx,
    read_xlsx_chunks,
    rows_to_import,
    write_xlsx,
)
from tests.platform.throwaway import platform_settings, throwaway_app

TEMPLATE = Template("跟踪台账", [
    Column("registration_id", "登记编号"),
    Column("contacted_on", "联系日期", date_cell),
    Column("monthly_income_fen", "月收入（分）", int_cell, required=False),
])


def export(rows: list[dict[str, object]]) -> bytes:
    handle, path = tempfile.mkstemp(suffix=".xlsx")
    os.close(handle)
    try:
        assert write_xlsx(TEMPLATE, rows, path) == len(rows)
        with open(path, "rb") as file:
            return file.read()
    finally:
        os.unlink(path)


def upload(lines: list[list[object]], header: list[str] | None = None) -> bytes:
    """A workbook as a caseworker would fill it in Excel."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = workbook.add_worksheet()
    for row, values in enumerate([header or TEMPLATE.headers, *lines]):
        for col, value in enumerate(values):
            sheet.write(row, col, value)
    workbook.close()
    return buffer.getvalue()


class TestExport:
    def test_chinese_header_then_rows_that_read_back(self) -> None:
        content = export([
            {"registration_id": "r-1", "contacted_on": date(2026, 11, 3), "monthly_income_fen": 250000},
            {"registration_id": "r-2", "contacted_on": date(2026, 11, 4)},
        ])
        rows = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()
        assert rows[0] == ["登记编号", "联系日期", "月收入（分）"]
        sheet = read_xlsx(TEMPLATE, content)
        assert sheet.errors == []
        assert sheet.rows == [
            (2, {"registration_id": "r-1", "contacted_on": date(2026, 11, 3), "monthly_income_fen": 250000}),
            (3, {"registration_id": "r-2", "contacted_on": date(2026, 11, 4), "monthly_income_fen": None}),
        ]

    def test_a_large_export_streams(self) -> None:
        content = export([{"registration_id": f"r-{i}", "contacted_on": date(2026, 11, 3)} for i in range(20_000)])
        assert len(read_xlsx(TEMPLATE, content).rows) == 20_000


class TestImport:
    def test_each_bad_cell_is_named_by_excel_row_and_header_in_both_languages(self) -> None:
        sheet = read_xlsx(TEMPLATE, upload([
            ["r-1", "2026-11-03", 100],
            ["", "not a date", 1.5],
            [],
            ["r-3", "2026-11-05", ""],
        ]))
        assert [(e.row, e.column, e.code) for e in sheet.errors] == [
            (3, "登记编号", "SCHEMA-REQUIRED"), (3, "联系日期", "SCHEMA-DATE"), (3, "月收入（分）", "SCHEMA-INT"),
        ]
        assert all(e.message and e.message_zh for e in sheet.errors)
        assert [row for row, _ in sheet.rows] == [2, 5]  # the blank line 4 is no row

    def test_chunks_keep_the_excel_row_numbers_and_refuse_the_header_before_the_first(self) -> None:
        lines: list[list[object]] = [[f"r-{i}", "2026-11-03", ""] for i in range(7)]
        lines[4] = ["r-4", "bad", ""]
        lines.insert(2, [])  # a blank line (Excel row 4) is no row and takes no place in a chunk
        parts = list(read_xlsx_chunks(TEMPLATE, upload(lines), 3))
        assert [([row for row, _ in p.rows], sorted(p.refused)) for p in parts] == [
            ([2, 3, 5], []), ([6, 8], [7]), ([9], []),
        ]
        with pytest.raises(SpreadsheetUnreadable):
            read_xlsx_chunks(TEMPLATE, upload([["r-1"]], header=["编号"]), 3)

    def test_all_or_nothing_by_default_and_the_good_rows_with_partial(self) -> None:
        sheet = read_xlsx(TEMPLATE, upload([["r-1", "2026-11-03", ""], ["r-2", "bad", ""]]))
        assert rows_to_import(sheet, partial=False) == []
        assert import_read(sheet, 0).model_dump() == {
            "accepted": 0, "rejected": 2,
            "errors": [{
                "row": 3, "column": "联系日期", "code": "SCHEMA-DATE",
                "message": "'bad' is not a date (YYYY-MM-DD)",
                "message_zh": "“bad”不是日期（格式为年-月-日，如2026-11-30）",
            }],
        }
        good = rows_to_import(sheet, partial=True)
        assert [row for row, _ in good] == [2]
        assert import_read(sheet, len(good)).accepted == 1

    def test_a_domain_rule_can_refuse_a_row_that_read_cleanly(self) -> None:
        sheet = read_xlsx(TEMPLATE, upload([["r-1", "2026-10-31", ""], ["r-2", "2026-11-03", ""]]))
        add_row_error(sheet, RowError(2, "联系日期", "FU-CONTACT-DATE", "outside the month", "不在本月内"))
        assert [row for row, _ in sheet.rows] == [3] and sheet.rejected_rows == {2}

    @pytest.mark.parametrize("content", [b"not a workbook", upload([["r-1"]], header=["编号", "日期"])])
    def test_no_workbook_or_another_header_is_unreadable(self, content: bytes) -> None:
        with pytest.raises(SpreadsheetUnreadable) as raised:
            read_xlsx(TEMPLATE, content)
        assert raised.value.status == 400 and raised.value.detail_zh


router = APIRouter()


@router.post("/imports", response_model=ImportRead)
async def import_sheet(request: Request, partial: bool = False) -> ImportRead:
    sheet = read_xlsx(TEMPLATE, await read_upload(request, max_bytes=20_000))
    return import_read(sheet, len(rows_to_import(sheet, partial=partial)))


class TestUploadEndpoint:
    async def test_an_upload_over_the_limit_is_413_and_a_good_one_answers_per_row(
        self, database: Database, database_url: str, redis_url: str, queue_prefix: str
    ) -> None:
        async with throwaway_app([router], platform_settings(database_url, redis_url, queue_prefix), database) as c:
            content = upload([["r-1", "2026-11-03", ""], ["", "x", ""]])
            ok = await c.post("/api/v1/imports?partial=true", content=content)
            too_large = await c.post("/api/v1/imports", content=b"x" * 20_001)
        assert ok.status_code == 200 and (ok.json()["accepted"], ok.json()["rejected"]) == (1, 1)
        assert too_large.status_code == 413 and too_large.json()["code"] == "request.too_large"
        assert too_large.json()["detail_zh"]
