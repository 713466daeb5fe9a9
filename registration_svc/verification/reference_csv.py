"""Parses and validates an administrator's reference-data CSV file for one source (pure, no database).

Format: UTF-8 (a BOM is allowed), comma-separated, a header row. Required columns `id_number`,
`kind`, `status` (`active` | `ended`); optional `valid_from`, `valid_to` (YYYY-MM-DD). Every other
column is kept as text in the record's `detail` (employer, business name, ...).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from registration_svc.identity.rules import is_known_number
from registration_svc.verification.models import RecordStatus, SourceName
from shared.identity import normalize_id_number
from shared.labels import label_zh

REQUIRED_COLUMNS = ("id_number", "kind", "status")
DATE_COLUMNS = ("valid_from", "valid_to")
MAX_DETAIL_COLUMNS = 20
MAX_VALUE_LENGTH = 500
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")

# Which kinds of record each source may hold; the adapters interpret exactly these.
SOURCE_KINDS: dict[SourceName, frozenset[str]] = {
    SourceName.IDENTITY: frozenset({"resident_identity", "social_security_card"}),
    SourceName.SOCIAL_INSURANCE: frozenset({"employment_contribution", "employment_filing", "pension"}),
    SourceName.BUSINESS_REGISTRATION: frozenset({"business_owner"}),
    SourceName.CIVIL_AFFAIRS: frozenset({"death", "subsistence_allowance"}),
}


@dataclass(frozen=True)
class ReferenceRow:
    """One valid data row of the file."""

    line: int
    id_number: str
    kind: str
    status: RecordStatus
    valid_from: date | None
    valid_to: date | None
    detail: dict[str, str]


@dataclass(frozen=True)
class LineProblem:
    """Why one line of the file is invalid."""

    line: int
    column: str | None
    message: str
    message_zh: str


class CsvFileError(ValueError):
    """The file as a whole cannot be read (encoding, header); nothing in it is looked at further."""

    def __init__(self, message: str, message_zh: str) -> None:
        super().__init__(message)
        self.message = message
        self.message_zh = message_zh


def _header(reader: Iterator[list[str]]) -> list[str]:
    try:
        header = next(reader)
    except StopIteration:
        raise CsvFileError("the file is empty; a header row is required", "文件为空，须包含表头行") from None
    columns = [name.strip().lower() for name in header]
    missing = [name for name in REQUIRED_COLUMNS if name not in columns]
    if missing:
        raise CsvFileError(
            f"the header lacks the required column(s) {', '.join(missing)}",
            f"表头缺少必填列：{'、'.join(f'“{name}”' for name in missing)}",
        )
    duplicates = sorted({name for name in columns if columns.count(name) > 1})
    if duplicates:
        raise CsvFileError(f"the header repeats column(s) {', '.join(duplicates)}",
                           f"表头存在重复列：{'、'.join(duplicates)}")
    if any(not name for name in columns):
        raise CsvFileError("the header has an empty column name", "表头存在空列名")
    if len(columns) - len(REQUIRED_COLUMNS) - sum(c in columns for c in DATE_COLUMNS) > MAX_DETAIL_COLUMNS:
        raise CsvFileError(f"the header has more than {MAX_DETAIL_COLUMNS} extra columns",
                           f"表头的附加列超过{MAX_DETAIL_COLUMNS}个")
    return columns


def _parse_date(value: str) -> date | None:
    if not value:
        return None
    if not _ISO_DATE.fullmatch(value):
        raise ValueError(value)
    return date.fromisoformat(value)


def _row(source: SourceName, line: int, columns: list[str], values: list[str]
         ) -> tuple[ReferenceRow | None, list[LineProblem]]:
    if len(values) != len(columns):
        return None, [LineProblem(line, None, f"has {len(values)} fields, the header has {len(columns)}",
                                  f"有{len(values)}个字段，表头有{len(columns)}列")]
    fields = {name: value.strip() for name, value in zip(columns, values, strict=True)}
    problems: list[LineProblem] = []
    id_number = normalize_id_number(fields["id_number"])
    if not is_known_number(id_number):
        problems.append(LineProblem(line, "id_number", "is not a valid identity document number (REG-ID)",
                                    "不是有效的证件号码（REG-ID）"))
    kind = fields["kind"]
    allowed = SOURCE_KINDS[source]
    if kind not in allowed:
        problems.append(LineProblem(
            line, "kind",
            f"{kind!r} is not a kind of the {source.value} source ({', '.join(sorted(allowed))})",
            f"“{kind}”不是{label_zh(source)}数据源的记录类型（{'、'.join(f'“{k}”' for k in sorted(allowed))}）",
        ))
    status: RecordStatus | None = None
    try:
        status = RecordStatus(fields["status"])
    except ValueError:
        problems.append(LineProblem(line, "status", f"{fields['status']!r} is not active or ended",
                                    f"“{fields['status']}”不是“active”（有效）或“ended”（已终止）"))
    dates: dict[str, date | None] = {}
    for name in DATE_COLUMNS:
        try:
            dates[name] = _parse_date(fields.get(name, ""))
        except ValueError:
            dates[name] = None
            problems.append(LineProblem(line, name, f"{fields[name]!r} is not a date YYYY-MM-DD",
                                        f"{fields[name]!r}不是 YYYY-MM-DD 格式的日期"))
    valid_from, valid_to = dates["valid_from"], dates["valid_to"]
    if valid_from is not None and valid_to is not None and valid_from > valid_to:
        problems.append(LineProblem(line, "valid_to", f"{valid_to} is before valid_from {valid_from}",
                                    f"{valid_to}早于起始日期{valid_from}"))
    detail = {name: value for name, value in fields.items()
              if name not in REQUIRED_COLUMNS and name not in DATE_COLUMNS and value}
    for name, value in detail.items():
        if len(value) > MAX_VALUE_LENGTH:
            problems.append(LineProblem(line, name, f"is longer than {MAX_VALUE_LENGTH} characters",
                                        f"超过{MAX_VALUE_LENGTH}个字符"))
    if problems or status is None:
        return None, problems
    return ReferenceRow(line, id_number, kind, status, valid_from, valid_to, detail), []


def parse_reference_csv(source: SourceName, content: bytes) -> tuple[list[ReferenceRow], list[LineProblem]]:
    """Parses a whole file; returns its rows and every line problem (rows are only usable without problems).

    Raises CsvFileError when the file cannot be read at all.
    """
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CsvFileError(f"the file is not UTF-8 (byte {exc.start})",
                           f"文件不是 UTF-8 编码（第{exc.start}字节）") from None
    if "\x00" in text:
        raise CsvFileError("the file contains NUL characters", "文件包含 NUL 字符")
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        columns = _header(reader)
        rows: list[ReferenceRow] = []
        problems: list[LineProblem] = []
        for values in reader:
            if not values or all(not value.strip() for value in values):
                continue
            row, row_problems = _row(source, reader.line_num, columns, values)
            problems.extend(row_problems)
            if row is not None:
                rows.append(row)
    except csv.Error as exc:
        raise CsvFileError(f"line {reader.line_num} is not valid CSV: {exc}",
                           f"第{reader.line_num}行不是有效的 CSV：{exc}") from None
    if not rows and not problems:
        raise CsvFileError("the file has no data rows; a source is replaced by a non-empty file",
                           "文件没有数据行；替换数据源须提供非空文件")
    return rows, problems
