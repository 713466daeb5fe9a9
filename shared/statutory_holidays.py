"""The statutory holidays of a year by the 2025 revision of 《全国年节及纪念日放假办法》, for years whose
arrangement the State Council has not published yet (T-WORKDAY estimates).

Art. 2 (as revised by the State Council's decision of 2024, in force 2025-01-01): 元旦 1 day (1 January);
春节 4 days (除夕 and 正月初一 to 初三); 清明节 1 day (the day of the 清明 solar term); 劳动节 2 days
(1-2 May); 端午节 1 day (五月初五); 中秋节 1 day (八月十五); 国庆节 3 days (1-3 October). Art. 6: a holiday
falling on a Saturday or Sunday is made up (补假) on a working day; it is taken here on the next weekday
that is not itself a holiday, as the published arrangements do. What no rule fixes in advance is the
调休 (weekends swapped to lengthen a break): an estimate can be wrong about that, never about a holiday.
The lunar and solar-term dates come from shared/data/lunar_dates.csv (scripts/update_lunar_dates.py).
"""

from __future__ import annotations

import csv
import functools
from datetime import date, timedelta
from importlib import resources
from typing import Final

FIRST_YEAR: Final = 2025  # the revised measures apply from 2025-01-01; earlier years followed other rules
SOURCE: Final = "《全国年节及纪念日放假办法》（2024年修订）第二条、第六条"
_ESTIMATE: Final = "（按放假办法估算）"


@functools.cache
def _lunar_dates() -> dict[int, tuple[date, date, date, date]]:
    text = resources.files("shared.data").joinpath("lunar_dates.csv").read_text(encoding="utf-8")
    return {
        int(row["year"]): (
            date.fromisoformat(row["spring_festival"]),
            date.fromisoformat(row["qingming"]),
            date.fromisoformat(row["dragon_boat"]),
            date.fromisoformat(row["mid_autumn"]),
        )
        for row in csv.DictReader(text.splitlines())
    }


def covered_years() -> range:
    """Returns the years whose statutory holidays can be estimated (those with lunar dates shipped)."""
    years = _lunar_dates()
    return range(min(years), max(years) + 1)


@functools.cache
def statutory_holidays(year: int) -> dict[date, str]:
    """Returns the statutory holidays of a year and the days they are made up on (补假), with names;
    empty for a year the revised measures or the shipped lunar dates do not cover."""
    dates = _lunar_dates().get(year)
    if year < FIRST_YEAR or dates is None:
        return {}
    spring, qingming, dragon_boat, mid_autumn = dates
    days: dict[date, str] = {date(year, 1, 1): "New Year's Day / 元旦"}
    for offset in range(-1, 3):  # 除夕 and 正月初一 to 初三
        days[spring + timedelta(days=offset)] = "Spring Festival / 春节"
    days[qingming] = "Tomb-sweeping Day / 清明"
    days[date(year, 5, 1)] = days[date(year, 5, 2)] = "Labour Day / 劳动节"
    days[dragon_boat] = "Dragon Boat Festival / 端午"
    days[mid_autumn] = "Mid-autumn Festival / 中秋"
    for october_day in (1, 2, 3):
        days[date(year, 10, october_day)] = "National Day / 国庆节"
    made_up: dict[date, str] = {}
    for day, name in sorted(days.items()):
        if day.weekday() < 5:
            continue
        substitute = day + timedelta(days=1)
        while substitute.weekday() >= 5 or substitute in days or substitute in made_up:
            substitute += timedelta(days=1)
        made_up[substitute] = f"{name} 补假"
    # Every day lies in the year itself (春节 falls between 21 January and 20 February); kept to the year
    # all the same, since the calendar marks a year's days from that year's rules only.
    return {
        day: f"{name}{_ESTIMATE}" for day, name in sorted({**days, **made_up}.items()) if day.year == year
    }
