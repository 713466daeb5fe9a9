"""One glossary of Chinese labels (shared/data/labels.toml), Chinese validation messages, and the check
that Chinese texts hold no ASCII code words (tests/chinese_text.py)."""

from __future__ import annotations

import enum
import importlib
import inspect
import pkgutil

import pytest

from shared.labels import enum_labels, field_labels, field_zh, label_zh, validation_message_zh
from shared.timerules import RetirementCategory
from tests.chinese_text import code_words

PACKAGES = ("shared", "registration_svc", "followup_svc", "eligibility_svc", "subsidy_svc")
# Codes that never reach a person's text: event names on the queues.
NOT_SHOWN = frozenset({"EventType"})


def service_enums() -> dict[str, list[type[enum.Enum]]]:
    """Returns every enum the services declare, by name (two services may declare enums of one name: the
    glossary has one table per name, so it must hold the values of both)."""
    found: dict[str, list[type[enum.Enum]]] = {}
    for package in PACKAGES:
        root = importlib.import_module(package)
        for module_info in pkgutil.walk_packages(root.__path__, f"{package}."):
            module = importlib.import_module(module_info.name)
            for name, value in vars(module).items():
                if (
                    inspect.isclass(value) and issubclass(value, enum.Enum)
                    and value.__module__ == module.__name__ and name not in NOT_SHOWN
                ):
                    found.setdefault(name, []).append(value)
    return found


class TestGlossary:
    def test_every_enum_value_has_a_chinese_label(self) -> None:
        labels = enum_labels()
        missing = [
            f"{name}.{member.value}"
            for name, kinds in service_enums().items()
            for kind in kinds
            for member in kind
            if str(member.value) not in labels.get(name, {})
        ]
        assert missing == []

    def test_labels_are_chinese(self) -> None:
        for name, values in enum_labels().items():
            for value, label in values.items():
                assert not code_words(label) and any("\u4e00" <= c <= "\u9fff" for c in label), (name, value)

    def test_field_labels_are_chinese(self) -> None:
        fields = field_labels()
        assert len(fields) > 400
        offenders = {
            name: label for name, label in fields.items()
            if code_words(label) or not any("\u4e00" <= c <= "\u9fff" for c in label)
        }
        assert offenders == {}

    def test_label_of_a_value(self) -> None:
        assert label_zh(RetirementCategory.FEMALE_50) == "原法定退休年龄50周岁的女职工"

    @pytest.mark.parametrize(
        ("path", "text"),
        [("person.birth_date", "出生日期"), ("holidays.0.date", "第1项日期"), (("body", "as_of"), "评估日期"),
         ("person.nickname", "“nickname”"),
         # "²" and "４" pass str.isdigit() but not int(): a key named so is quoted, not a 500 (CI of stop 18).
         ("²", "“²”"), (("body", "４"), "“４”")],
    )
    def test_field_names(self, path: str | tuple[str, ...], text: str) -> None:
        assert field_zh(path) == text


class TestValidationMessages:
    @pytest.mark.parametrize(
        ("error", "text"),
        [
            ({"type": "missing", "loc": ("body", "person", "name"), "msg": "Field required"}, "姓名：为必填项"),
            ({"type": "timezone_aware", "loc": ("body", "applied_at"), "msg": "Input should have timezone info"},
             "申请时间：应带时区（如+08:00）"),
            ({"type": "greater_than_equal", "loc": ("query", "days"), "msg": "x", "ctx": {"ge": 0}},
             "工作日数：不能小于0"),
            ({"type": "enum", "loc": ("body", "channel"), "msg": "x", "ctx": {"expected": "'window' or 'online'"}},
             "办理渠道：不是可选的取值（可选：“window”、“online”）"),
            ({"type": "value_error", "loc": ("body", "date"), "msg": "Value error, bad / 日期有误"}, "日期：日期有误"),
            ({"type": "something_new", "loc": ("body", "x"), "msg": "x"}, "“x”：取值无效"),
        ],
    )
    def test_chinese_message_names_the_field(self, error: dict[str, object], text: str) -> None:
        message = validation_message_zh(error)
        assert message == text and not code_words(message)


class TestTheCheck:
    @pytest.mark.parametrize(
        ("text", "words"),
        [
            ("注销原因 hired", ["hired"]),
            ("属重点扶持对象（registered_unemployed）", ["registered_unemployed"]),
            ("字段 person.name 无效：Field required", ["person.name", "Field", "required"]),
            ("状态为 done", ["done"]),
            ("未通过 REG-ID 校验（GB 11643-1999，ISO 7064 MOD 11-2）", []),
            ("表头缺少必填列：“id_number”", []),
            ("《韶关市登记失业人员跟踪服务工作方案》一(四)2", []),
            ("only English", []),
        ],
    )
    def test_code_words(self, text: str, words: list[str]) -> None:
        assert code_words(text) == words
