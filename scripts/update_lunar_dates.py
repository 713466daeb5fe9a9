"""Regenerates shared/data/lunar_dates.csv: per year the Gregorian dates of 春节 (正月初一), 清明 (the solar
term), 端午 (五月初五) and 中秋 (八月十五), from which the working-day calendar estimates the statutory
holidays of a year whose arrangement the State Council has not published yet (T-WORKDAY).

The dates come from `lunar-python` (6tail's lunar, pure Python, maintained, astronomical solar terms),
pinned in the dev extras; it is a tool for this script and its test, not a runtime dependency:

    .venv/bin/python scripts/update_lunar_dates.py

tests/shared/test_lunar_dates.py checks that the shipped file is what the package computes.
"""

from __future__ import annotations

import csv
import sys
from datetime import date
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "shared" / "data" / "lunar_dates.csv"
FIRST_YEAR, LAST_YEAR = 2025, 2150  # the 2025 revision of the holiday measures applies from 2025


def lunar_dates(year: int) -> tuple[date, date, date, date]:
    """Returns the Gregorian dates of 正月初一, 清明, 五月初五 and 八月十五 of a year."""
    from lunar_python import Lunar, Solar  # type: ignore[import-untyped]

    def solar(lunar_month: int, lunar_day: int) -> date:
        day = Lunar.fromYmd(year, lunar_month, lunar_day).getSolar()
        return date(day.getYear(), day.getMonth(), day.getDay())

    qingming = Solar.fromYmd(year, 4, 3).getLunar().getJieQiTable()["清明"]
    return (
        solar(1, 1),
        date(qingming.getYear(), qingming.getMonth(), qingming.getDay()),
        solar(5, 5),
        solar(8, 15),
    )


def rows() -> list[list[str]]:
    """Returns the CSV rows, header first."""
    header = ["year", "spring_festival", "qingming", "dragon_boat", "mid_autumn"]
    return [header] + [
        [str(year), *(d.isoformat() for d in lunar_dates(year))] for year in range(FIRST_YEAR, LAST_YEAR + 1)
    ]


def main() -> int:
    with OUT.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows())
    print(f"wrote {OUT} ({LAST_YEAR - FIRST_YEAR + 1} years)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
