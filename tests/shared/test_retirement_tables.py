"""T-RETIRE against every row of the comparison tables (对照表) attached to the 2024 decision.

The rows below are data, written out as the official tables print them (出生时间, 改革后法定退休年龄,
改革后退休时间, 延迟月数), not recomputed from the formula: the tests compare the implementation
with them. Tables: 附件1 男职工延迟法定退休年龄对照表; 附件2 原法定退休年龄为五十五周岁的女职工
延迟法定退休年龄对照表; 附件3 原法定退休年龄为五十周岁的女职工延迟法定退休年龄对照表
(国务院关于渐进式延迟法定退休年龄的办法, adopted with the NPC Standing Committee decision of
2024-09-13, in force 2025-01-01).
"""

from __future__ import annotations

import calendar as gregorian
import re
from datetime import date

import pytest

from shared.timerules import (
    RetirementCategory,
    retirement_age,
    retirement_date,
    retirement_delay_months,
)

Row = tuple[str, str, str, int]

# 附件1 男职工延迟法定退休年龄对照表 (original age 60).
MALE_TABLE: tuple[Row, ...] = (
    ("1965年1月-1965年4月", "60岁1个月", "2025年2月-2025年5月", 1),
    ("1965年5月-1965年8月", "60岁2个月", "2025年7月-2025年10月", 2),
    ("1965年9月-1965年12月", "60岁3个月", "2025年12月-2026年3月", 3),
    ("1966年1月-1966年4月", "60岁4个月", "2026年5月-2026年8月", 4),
    ("1966年5月-1966年8月", "60岁5个月", "2026年10月-2027年1月", 5),
    ("1966年9月-1966年12月", "60岁6个月", "2027年3月-2027年6月", 6),
    ("1967年1月-1967年4月", "60岁7个月", "2027年8月-2027年11月", 7),
    ("1967年5月-1967年8月", "60岁8个月", "2028年1月-2028年4月", 8),
    ("1967年9月-1967年12月", "60岁9个月", "2028年6月-2028年9月", 9),
    ("1968年1月-1968年4月", "60岁10个月", "2028年11月-2029年2月", 10),
    ("1968年5月-1968年8月", "60岁11个月", "2029年4月-2029年7月", 11),
    ("1968年9月-1968年12月", "61岁", "2029年9月-2029年12月", 12),
    ("1969年1月-1969年4月", "61岁1个月", "2030年2月-2030年5月", 13),
    ("1969年5月-1969年8月", "61岁2个月", "2030年7月-2030年10月", 14),
    ("1969年9月-1969年12月", "61岁3个月", "2030年12月-2031年3月", 15),
    ("1970年1月-1970年4月", "61岁4个月", "2031年5月-2031年8月", 16),
    ("1970年5月-1970年8月", "61岁5个月", "2031年10月-2032年1月", 17),
    ("1970年9月-1970年12月", "61岁6个月", "2032年3月-2032年6月", 18),
    ("1971年1月-1971年4月", "61岁7个月", "2032年8月-2032年11月", 19),
    ("1971年5月-1971年8月", "61岁8个月", "2033年1月-2033年4月", 20),
    ("1971年9月-1971年12月", "61岁9个月", "2033年6月-2033年9月", 21),
    ("1972年1月-1972年4月", "61岁10个月", "2033年11月-2034年2月", 22),
    ("1972年5月-1972年8月", "61岁11个月", "2034年4月-2034年7月", 23),
    ("1972年9月-1972年12月", "62岁", "2034年9月-2034年12月", 24),
    ("1973年1月-1973年4月", "62岁1个月", "2035年2月-2035年5月", 25),
    ("1973年5月-1973年8月", "62岁2个月", "2035年7月-2035年10月", 26),
    ("1973年9月-1973年12月", "62岁3个月", "2035年12月-2036年3月", 27),
    ("1974年1月-1974年4月", "62岁4个月", "2036年5月-2036年8月", 28),
    ("1974年5月-1974年8月", "62岁5个月", "2036年10月-2037年1月", 29),
    ("1974年9月-1974年12月", "62岁6个月", "2037年3月-2037年6月", 30),
    ("1975年1月-1975年4月", "62岁7个月", "2037年8月-2037年11月", 31),
    ("1975年5月-1975年8月", "62岁8个月", "2038年1月-2038年4月", 32),
    ("1975年9月-1975年12月", "62岁9个月", "2038年6月-2038年9月", 33),
    ("1976年1月-1976年4月", "62岁10个月", "2038年11月-2039年2月", 34),
    ("1976年5月-1976年8月", "62岁11个月", "2039年4月-2039年7月", 35),
    ("1976年9月-1976年12月", "63岁", "2039年9月-2039年12月", 36),
)

# 附件2 原法定退休年龄为五十五周岁的女职工延迟法定退休年龄对照表 (original age 55).
FEMALE_55_TABLE: tuple[Row, ...] = (
    ("1970年1月-1970年4月", "55岁1个月", "2025年2月-2025年5月", 1),
    ("1970年5月-1970年8月", "55岁2个月", "2025年7月-2025年10月", 2),
    ("1970年9月-1970年12月", "55岁3个月", "2025年12月-2026年3月", 3),
    ("1971年1月-1971年4月", "55岁4个月", "2026年5月-2026年8月", 4),
    ("1971年5月-1971年8月", "55岁5个月", "2026年10月-2027年1月", 5),
    ("1971年9月-1971年12月", "55岁6个月", "2027年3月-2027年6月", 6),
    ("1972年1月-1972年4月", "55岁7个月", "2027年8月-2027年11月", 7),
    ("1972年5月-1972年8月", "55岁8个月", "2028年1月-2028年4月", 8),
    ("1972年9月-1972年12月", "55岁9个月", "2028年6月-2028年9月", 9),
    ("1973年1月-1973年4月", "55岁10个月", "2028年11月-2029年2月", 10),
    ("1973年5月-1973年8月", "55岁11个月", "2029年4月-2029年7月", 11),
    ("1973年9月-1973年12月", "56岁", "2029年9月-2029年12月", 12),
    ("1974年1月-1974年4月", "56岁1个月", "2030年2月-2030年5月", 13),
    ("1974年5月-1974年8月", "56岁2个月", "2030年7月-2030年10月", 14),
    ("1974年9月-1974年12月", "56岁3个月", "2030年12月-2031年3月", 15),
    ("1975年1月-1975年4月", "56岁4个月", "2031年5月-2031年8月", 16),
    ("1975年5月-1975年8月", "56岁5个月", "2031年10月-2032年1月", 17),
    ("1975年9月-1975年12月", "56岁6个月", "2032年3月-2032年6月", 18),
    ("1976年1月-1976年4月", "56岁7个月", "2032年8月-2032年11月", 19),
    ("1976年5月-1976年8月", "56岁8个月", "2033年1月-2033年4月", 20),
    ("1976年9月-1976年12月", "56岁9个月", "2033年6月-2033年9月", 21),
    ("1977年1月-1977年4月", "56岁10个月", "2033年11月-2034年2月", 22),
    ("1977年5月-1977年8月", "56岁11个月", "2034年4月-2034年7月", 23),
    ("1977年9月-1977年12月", "57岁", "2034年9月-2034年12月", 24),
    ("1978年1月-1978年4月", "57岁1个月", "2035年2月-2035年5月", 25),
    ("1978年5月-1978年8月", "57岁2个月", "2035年7月-2035年10月", 26),
    ("1978年9月-1978年12月", "57岁3个月", "2035年12月-2036年3月", 27),
    ("1979年1月-1979年4月", "57岁4个月", "2036年5月-2036年8月", 28),
    ("1979年5月-1979年8月", "57岁5个月", "2036年10月-2037年1月", 29),
    ("1979年9月-1979年12月", "57岁6个月", "2037年3月-2037年6月", 30),
    ("1980年1月-1980年4月", "57岁7个月", "2037年8月-2037年11月", 31),
    ("1980年5月-1980年8月", "57岁8个月", "2038年1月-2038年4月", 32),
    ("1980年9月-1980年12月", "57岁9个月", "2038年6月-2038年9月", 33),
    ("1981年1月-1981年4月", "57岁10个月", "2038年11月-2039年2月", 34),
    ("1981年5月-1981年8月", "57岁11个月", "2039年4月-2039年7月", 35),
    ("1981年9月-1981年12月", "58岁", "2039年9月-2039年12月", 36),
)

# 附件3 原法定退休年龄为五十周岁的女职工延迟法定退休年龄对照表 (original age 50).
FEMALE_50_TABLE: tuple[Row, ...] = (
    ("1975年1月-1975年2月", "50岁1个月", "2025年2月-2025年3月", 1),
    ("1975年3月-1975年4月", "50岁2个月", "2025年5月-2025年6月", 2),
    ("1975年5月-1975年6月", "50岁3个月", "2025年8月-2025年9月", 3),
    ("1975年7月-1975年8月", "50岁4个月", "2025年11月-2025年12月", 4),
    ("1975年9月-1975年10月", "50岁5个月", "2026年2月-2026年3月", 5),
    ("1975年11月-1975年12月", "50岁6个月", "2026年5月-2026年6月", 6),
    ("1976年1月-1976年2月", "50岁7个月", "2026年8月-2026年9月", 7),
    ("1976年3月-1976年4月", "50岁8个月", "2026年11月-2026年12月", 8),
    ("1976年5月-1976年6月", "50岁9个月", "2027年2月-2027年3月", 9),
    ("1976年7月-1976年8月", "50岁10个月", "2027年5月-2027年6月", 10),
    ("1976年9月-1976年10月", "50岁11个月", "2027年8月-2027年9月", 11),
    ("1976年11月-1976年12月", "51岁", "2027年11月-2027年12月", 12),
    ("1977年1月-1977年2月", "51岁1个月", "2028年2月-2028年3月", 13),
    ("1977年3月-1977年4月", "51岁2个月", "2028年5月-2028年6月", 14),
    ("1977年5月-1977年6月", "51岁3个月", "2028年8月-2028年9月", 15),
    ("1977年7月-1977年8月", "51岁4个月", "2028年11月-2028年12月", 16),
    ("1977年9月-1977年10月", "51岁5个月", "2029年2月-2029年3月", 17),
    ("1977年11月-1977年12月", "51岁6个月", "2029年5月-2029年6月", 18),
    ("1978年1月-1978年2月", "51岁7个月", "2029年8月-2029年9月", 19),
    ("1978年3月-1978年4月", "51岁8个月", "2029年11月-2029年12月", 20),
    ("1978年5月-1978年6月", "51岁9个月", "2030年2月-2030年3月", 21),
    ("1978年7月-1978年8月", "51岁10个月", "2030年5月-2030年6月", 22),
    ("1978年9月-1978年10月", "51岁11个月", "2030年8月-2030年9月", 23),
    ("1978年11月-1978年12月", "52岁", "2030年11月-2030年12月", 24),
    ("1979年1月-1979年2月", "52岁1个月", "2031年2月-2031年3月", 25),
    ("1979年3月-1979年4月", "52岁2个月", "2031年5月-2031年6月", 26),
    ("1979年5月-1979年6月", "52岁3个月", "2031年8月-2031年9月", 27),
    ("1979年7月-1979年8月", "52岁4个月", "2031年11月-2031年12月", 28),
    ("1979年9月-1979年10月", "52岁5个月", "2032年2月-2032年3月", 29),
    ("1979年11月-1979年12月", "52岁6个月", "2032年5月-2032年6月", 30),
    ("1980年1月-1980年2月", "52岁7个月", "2032年8月-2032年9月", 31),
    ("1980年3月-1980年4月", "52岁8个月", "2032年11月-2032年12月", 32),
    ("1980年5月-1980年6月", "52岁9个月", "2033年2月-2033年3月", 33),
    ("1980年7月-1980年8月", "52岁10个月", "2033年5月-2033年6月", 34),
    ("1980年9月-1980年10月", "52岁11个月", "2033年8月-2033年9月", 35),
    ("1980年11月-1980年12月", "53岁", "2033年11月-2033年12月", 36),
    ("1981年1月-1981年2月", "53岁1个月", "2034年2月-2034年3月", 37),
    ("1981年3月-1981年4月", "53岁2个月", "2034年5月-2034年6月", 38),
    ("1981年5月-1981年6月", "53岁3个月", "2034年8月-2034年9月", 39),
    ("1981年7月-1981年8月", "53岁4个月", "2034年11月-2034年12月", 40),
    ("1981年9月-1981年10月", "53岁5个月", "2035年2月-2035年3月", 41),
    ("1981年11月-1981年12月", "53岁6个月", "2035年5月-2035年6月", 42),
    ("1982年1月-1982年2月", "53岁7个月", "2035年8月-2035年9月", 43),
    ("1982年3月-1982年4月", "53岁8个月", "2035年11月-2035年12月", 44),
    ("1982年5月-1982年6月", "53岁9个月", "2036年2月-2036年3月", 45),
    ("1982年7月-1982年8月", "53岁10个月", "2036年5月-2036年6月", 46),
    ("1982年9月-1982年10月", "53岁11个月", "2036年8月-2036年9月", 47),
    ("1982年11月-1982年12月", "54岁", "2036年11月-2036年12月", 48),
    ("1983年1月-1983年2月", "54岁1个月", "2037年2月-2037年3月", 49),
    ("1983年3月-1983年4月", "54岁2个月", "2037年5月-2037年6月", 50),
    ("1983年5月-1983年6月", "54岁3个月", "2037年8月-2037年9月", 51),
    ("1983年7月-1983年8月", "54岁4个月", "2037年11月-2037年12月", 52),
    ("1983年9月-1983年10月", "54岁5个月", "2038年2月-2038年3月", 53),
    ("1983年11月-1983年12月", "54岁6个月", "2038年5月-2038年6月", 54),
    ("1984年1月-1984年2月", "54岁7个月", "2038年8月-2038年9月", 55),
    ("1984年3月-1984年4月", "54岁8个月", "2038年11月-2038年12月", 56),
    ("1984年5月-1984年6月", "54岁9个月", "2039年2月-2039年3月", 57),
    ("1984年7月-1984年8月", "54岁10个月", "2039年5月-2039年6月", 58),
    ("1984年9月-1984年10月", "54岁11个月", "2039年8月-2039年9月", 59),
    ("1984年11月-1984年12月", "55岁", "2039年11月-2039年12月", 60),
)

TABLES: dict[RetirementCategory, tuple[Row, ...]] = {
    RetirementCategory.MALE: MALE_TABLE,
    RetirementCategory.FEMALE_55: FEMALE_55_TABLE,
    RetirementCategory.FEMALE_50: FEMALE_50_TABLE,
}

# What each table implies outside its rows: born before the first row keeps the original age,
# born after the last row keeps the final age.
ORIGINAL_AGE_ZH = {
    RetirementCategory.MALE: "60岁",
    RetirementCategory.FEMALE_55: "55岁",
    RetirementCategory.FEMALE_50: "50岁",
}

_MONTH_RANGE = re.compile(r"^(\d{4})年(\d{1,2})月-(\d{4})年(\d{1,2})月$")
_AGE = re.compile(r"^(\d{2})岁(?:(\d{1,2})个月)?$")


def month_range(text: str) -> tuple[int, int]:
    """Parses "1965年1月-1965年4月" into two month indexes (year * 12 + month - 1)."""
    match = _MONTH_RANGE.match(text)
    assert match, text
    y1, m1, y2, m2 = (int(g) for g in match.groups())
    return y1 * 12 + m1 - 1, y2 * 12 + m2 - 1


def age_months(text: str) -> int:
    """Parses "60岁1个月" or "63岁" into months."""
    match = _AGE.match(text)
    assert match, text
    return int(match.group(1)) * 12 + int(match.group(2) or 0)


def first_and_last_days(month_index: int) -> tuple[date, date]:
    year, month = divmod(month_index, 12)
    month += 1
    return date(year, month, 1), date(year, month, gregorian.monthrange(year, month)[1])


def month_index_of(day: date) -> int:
    return day.year * 12 + day.month - 1


def row_id(category: RetirementCategory, births: str) -> str:
    start, end = month_range(births)
    return f"{category.value}-{start // 12}-{start % 12 + 1:02d}..{end // 12}-{end % 12 + 1:02d}"


ROWS = [
    pytest.param(category, row, id=row_id(category, row[0]))
    for category, table in TABLES.items()
    for row in table
]


class TestTableTranscription:
    """Checks the transcribed rows hang together, so a typo cannot hide in them."""

    @pytest.mark.parametrize(("category", "rows", "count"), [
        (RetirementCategory.MALE, MALE_TABLE, 36),
        (RetirementCategory.FEMALE_55, FEMALE_55_TABLE, 36),
        (RetirementCategory.FEMALE_50, FEMALE_50_TABLE, 60),
    ])
    def test_rows_are_contiguous_and_numbered(
        self, category: RetirementCategory, rows: tuple[Row, ...], count: int
    ) -> None:
        assert len(rows) == count
        previous_end: int | None = None
        for number, (births, _age, _retire, delay) in enumerate(rows, start=1):
            start, end = month_range(births)
            assert start <= end
            if previous_end is not None:
                assert start == previous_end + 1, births
            previous_end = end
            assert delay == number


class TestEveryRow:
    @pytest.mark.parametrize(("category", "row"), ROWS)
    def test_age_delay_and_retirement_months_match_the_printed_row(
        self, category: RetirementCategory, row: Row
    ) -> None:
        births, age_text, retire_text, delay = row
        birth_from, birth_to = month_range(births)
        retire_from, retire_to = month_range(retire_text)
        for birth_month in range(birth_from, birth_to + 1):
            for born in first_and_last_days(birth_month):
                assert retirement_age(born, category).label_zh == age_text, born
                assert retirement_age(born, category).total_months == age_months(age_text), born
                assert retirement_delay_months(born, category) == delay, born
                retires = month_index_of(retirement_date(born, category))
                assert retire_from <= retires <= retire_to, born
        # The printed retirement range runs from the first birth month's to the last one's.
        assert month_index_of(retirement_date(first_and_last_days(birth_from)[0], category)) == retire_from
        assert month_index_of(retirement_date(first_and_last_days(birth_to)[1], category)) == retire_to


class TestOutsideTheTables:
    @pytest.mark.parametrize("category", list(RetirementCategory))
    def test_born_the_month_before_the_first_row_keeps_the_original_age(
        self, category: RetirementCategory
    ) -> None:
        first_month, _ = month_range(TABLES[category][0][0])
        for born in first_and_last_days(first_month - 1):
            assert retirement_age(born, category).label_zh == ORIGINAL_AGE_ZH[category]
            assert retirement_delay_months(born, category) == 0

    @pytest.mark.parametrize("category", list(RetirementCategory))
    def test_born_after_the_last_row_keeps_the_last_rows_age(self, category: RetirementCategory) -> None:
        _, last_month = month_range(TABLES[category][-1][0])
        final_age = TABLES[category][-1][1]
        for offset in (1, 2, 12, 120):
            for born in first_and_last_days(last_month + offset):
                assert retirement_age(born, category).label_zh == final_age
