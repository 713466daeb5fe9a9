"""Chinese labels of every code the API uses (shared/data/labels.toml) and Chinese validation messages.

Chinese texts name an enum value by its label and a field by its name in Chinese, never by the code; an
identifier a person must type as it is (a CSV column) is quoted “like_this”.
"""

from __future__ import annotations

import functools
import tomllib
from collections.abc import Mapping, Sequence
from enum import Enum
from importlib import resources
from typing import Any

from shared.codes import is_ascii_digits

_LOCATIONS = frozenset({"body", "query", "path", "header", "cookie"})


@functools.cache
def _table() -> dict[str, Any]:
    return tomllib.loads(resources.files("shared.data").joinpath("labels.toml").read_text(encoding="utf-8"))


def enum_labels() -> Mapping[str, Mapping[str, str]]:
    """Returns the labels of every enum, by enum name then value."""
    enums: Mapping[str, Mapping[str, str]] = _table()["enums"]
    return enums


def field_labels() -> Mapping[str, str]:
    """Returns the Chinese label of every field name ("birth_date" -> "出生日期")."""
    fields: Mapping[str, str] = _table()["fields"]
    return fields


def label_zh(value: Enum) -> str:
    """Returns the Chinese label of an enum value ("female_50" -> "原法定退休年龄50周岁的女职工")."""
    labels = enum_labels().get(type(value).__name__, {})
    return labels.get(str(value.value), f"“{value.value}”")


def code_zh(enum_name: str, value: str) -> str:
    """Returns the Chinese label of a code held as a plain string, by its enum's name
    ("DeregistrationReason", "hired" -> "被用人单位录用或招聘"); an unknown code is quoted as it is written."""
    return enum_labels().get(enum_name, {}).get(value, f"“{value}”")


def field_zh(path: str | Sequence[int | str]) -> str:
    """Returns a field path in Chinese: "person.birth_date" -> "出生日期", "holidays.0.date" -> "放假日第1项日期".

    A name the table lacks is quoted as it is written (“nickname”), so the text stays honest."""
    parts = path.split(".") if isinstance(path, str) else [p for p in path if p not in _LOCATIONS]
    fields = field_labels()
    words: list[str] = []
    for part in parts:
        if isinstance(part, int) or is_ascii_digits(str(part)):
            words.append(f"第{int(part) + 1}项")
        else:
            words.append(fields.get(str(part), f"“{part}”"))
    if len(words) > 1 and not words[-1].startswith("第"):
        # The last name says what it is; a parent is kept only where a list item needs it.
        words = [w for w in words[:-1] if w.startswith("第")] + [words[-1]]
    return "".join(words) or "请求内容"


_TYPE_TEXTS: Mapping[str, str] = {
    "missing": "为必填项",
    "extra_forbidden": "不是可接受的字段",
    "int_type": "应为整数",
    "int_parsing": "应为整数",
    "int_from_float": "应为整数",
    "float_type": "应为数字",
    "float_parsing": "应为数字",
    "decimal_parsing": "应为数字",
    "bool_type": "应为是或否（“true”或“false”）",
    "bool_parsing": "应为是或否（“true”或“false”）",
    "string_type": "应为文字",
    "string_pattern_mismatch": "格式不正确",
    "date_type": "应为有效日期（年-月-日，如2026-11-30）",
    "date_parsing": "应为有效日期（年-月-日，如2026-11-30）",
    "date_from_datetime_parsing": "应为有效日期（年-月-日，如2026-11-30）",
    "date_from_datetime_inexact": "应为日期，不含时刻",
    "datetime_type": "应为带时区的日期时间（如2026-11-30T09:00:00+08:00）",
    "datetime_parsing": "应为带时区的日期时间（如2026-11-30T09:00:00+08:00）",
    "datetime_from_date_parsing": "应为带时区的日期时间（如2026-11-30T09:00:00+08:00）",
    "timezone_aware": "应带时区（如+08:00）",
    "uuid_type": "应为有效编号（UUID）",
    "uuid_parsing": "应为有效编号（UUID）",
    "model_type": "应为对象（JSON 对象）",
    "model_attributes_type": "应为对象（JSON 对象）",
    "dict_type": "应为对象（JSON 对象）",
    "list_type": "应为列表",
    "json_invalid": "不是有效的 JSON",
    "json_type": "不是有效的 JSON",
    "url_parsing": "应为有效网址",
}


def validation_message_zh(error: Mapping[str, Any]) -> str:
    """Returns the Chinese message of one pydantic/FastAPI validation error, naming the field in Chinese.

    Messages of the project's own validators are written "English / 中文": the Chinese half is used."""
    kind = str(error.get("type", ""))
    field = field_zh(error.get("loc", ()))
    context: Mapping[str, Any] = error.get("ctx") or {}
    message = str(error.get("msg", ""))
    if " / " in message:
        text = message.rsplit(" / ", 1)[1]
    elif kind in _TYPE_TEXTS:
        text = _TYPE_TEXTS[kind]
    elif kind in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        bound = {"greater_than_equal": ("ge", "不能小于"), "greater_than": ("gt", "应大于"),
                 "less_than_equal": ("le", "不能大于"), "less_than": ("lt", "应小于")}[kind]
        text = f"{bound[1]}{context.get(bound[0], '')}"
    elif kind in ("string_too_short", "too_short"):
        text = f"至少{context.get('min_length', '')}{'个字符' if kind.startswith('string') else '项'}"
    elif kind in ("string_too_long", "too_long"):
        text = f"不能超过{context.get('max_length', '')}{'个字符' if kind.startswith('string') else '项'}"
    elif kind in ("enum", "literal_error"):
        expected = str(context.get("expected", "")).replace("'", "")
        options = "、".join(f"“{o.strip()}”" for o in expected.replace(" or ", ",").split(",") if o.strip())
        text = f"不是可选的取值（可选：{options}）" if options else "不是可选的取值"
    else:
        text = "取值无效"
    return f"{field}：{text}"
