"""Helpers for the job-services tests: bodies of job-seeker registrations and vacancies, tokens, a clock."""

from __future__ import annotations

import copy
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from shared.clock import Clock
from tests.registration_svc.registration_support import SHAOGUAN_WUJIANG, _merge, id_number
from tests.support import bearer

SHANGHAI = ZoneInfo("Asia/Shanghai")
# Friday 27 November 2026, 10:00 in Beijing: one working day later is Monday 30 November.
FRIDAY = datetime(2026, 11, 27, 10, 0, tzinfo=SHANGHAI)
# Credit codes of real business licences (GB 32100 check characters valid).
ACME = "91440300708461136T"
OTHER_EMPLOYER = "91110000802100433B"


class MovableClock:
    """A clock a test moves forward (a review made days after the registration)."""

    def __init__(self, at: datetime) -> None:
        self.at = at
        self.clock = Clock(SHANGHAI, lambda: self.at)


def person(number: str, name: str = "李四") -> dict[str, Any]:
    """Returns the person part of a form, as registrations take it."""
    return {
        "id_type": "resident_id", "id_number": number, "name": name, "phone": "13900000000",
        "hukou_region_code": SHAOGUAN_WUJIANG, "hukou_type": "rural",
        "residence_region_code": SHAOGUAN_WUJIANG, "residence_type": "urban",
    }


def job_seeker_body(number: str | None = None, **changes: Any) -> dict[str, Any]:
    """Returns a complete job-seeker registration; keyword changes are merged in (nested dicts too)."""
    body: dict[str, Any] = {
        "person": person(number or id_number(date(1992, 3, 4), 345)),
        "agency_region_code": SHAOGUAN_WUJIANG,
        "intentions": {"occupation_codes": ["4-02-01-01"], "region_codes": ["440203"],
                       "min_monthly_wage_fen": 400_000, "full_time": True},
        "skills": ["forklift", "warehouse management"],
        "education": "senior_secondary",
        "experience_years": 5,
    }
    return _merge(copy.deepcopy(body), changes)


def vacancy_body(credit_code: str = ACME, **changes: Any) -> dict[str, Any]:
    """Returns a complete, fair vacancy; keyword changes are merged in (nested dicts too)."""
    body: dict[str, Any] = {
        "employer": {"name": "韶关某物流有限公司", "credit_code": credit_code, "region_code": SHAOGUAN_WUJIANG,
                     "contact_phone": "0751-8888888"},
        "title": "仓库管理员",
        "occupation_code": "4-02-01-01",
        "positions": 3,
        "region_code": SHAOGUAN_WUJIANG,
        "monthly_wage_min_fen": 450_000,
        "monthly_wage_max_fen": 600_000,
        "requirements": {"education": "junior_secondary", "min_age": 18, "max_age": 50, "gender": None,
                         "hukou": None, "skills": ["forklift"]},
        "valid_until": "2026-12-31",
    }
    return _merge(copy.deepcopy(body), changes)


def employer(credit_code: str = ACME, region: str = SHAOGUAN_WUJIANG) -> dict[str, str]:
    """Returns the Authorization header of an employer."""
    return bearer("employer", region, credit_code)


def citizen(number: str) -> dict[str, str]:
    """Returns the Authorization header of a citizen."""
    return bearer("citizen", SHAOGUAN_WUJIANG, number)
