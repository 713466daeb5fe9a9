"""REG-AGE, REG-PLACE, REG-DEADLINE and the deregistration rules as plain functions (no database)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from registration_svc.deregistration.rules import (
    DeregistrationReason,
    ReasonGroup,
    check_effective_date,
    check_income,
    notify_rule,
    reason_group,
)
from registration_svc.registration.models import Channel
from registration_svc.registration.rules import (
    check_age,
    check_commitment,
    check_declaration,
    check_place,
    decision_deadline,
    decision_deadline_reason,
)
from shared.calendar import default_calendar
from shared.policy import PolicyPack, default_registry
from tests.support import PLAN

CALENDAR = default_calendar()
SHAOGUAN = default_registry().for_region("440203")
GANSU = default_registry().for_region("620102")
PLACE = SHAOGUAN.citation("registration_place")


class TestRegAgeRule:
    def test_sixteenth_birthday_is_enough(self) -> None:
        result = check_age(date(2010, 11, 20), date(2026, 11, 20), 16, f"{PLAN}一(一)")
        assert result.met and result.rule == "REG-AGE" and "16" in result.reason

    def test_day_before_sixteenth_birthday_fails(self) -> None:
        result = check_age(date(2010, 11, 21), date(2026, 11, 20), 16, f"{PLAN}一(一)")
        assert not result.met and "age 15" in result.reason and "15 周岁" in result.reason_zh

    def test_born_29_february_turns_16_on_1_march(self) -> None:
        assert not check_age(date(2008, 2, 29), date(2024, 2, 28), 16, "s").met
        assert check_age(date(2008, 2, 29), date(2024, 2, 29), 16, "s").met
        assert not check_age(date(2012, 2, 29), date(2028, 2, 28), 16, "s").met
        assert check_age(date(2012, 2, 29), date(2028, 2, 29), 16, "s").met
        assert check_age(date(2009, 2, 28), date(2025, 2, 28), 16, "s").met

    def test_no_upper_age_limit(self) -> None:
        assert check_age(date(1950, 1, 1), date(2026, 11, 20), 16, "s").met


class TestRegPlaceRule:
    def test_same_city_other_county_is_accepted(self) -> None:
        assert check_place("440204", "440203", "440203", PLACE).met

    def test_residence_city_is_enough(self) -> None:
        assert check_place("440204", "440104", "440203001", PLACE).met

    def test_other_city_fails_naming_both(self) -> None:
        result = check_place("440104", "440203", "440204", PLACE)
        assert not result.met and result.rule == "REG-PLACE"
        assert "4401" in result.reason and "440203" in result.reason and "4401" in result.reason_zh


class TestCitesTheRegionsPack:
    """REG-PENSION, REG-UNEMPLOYED, REG-ABLE, REG-WILLING, REG-COMMITMENT and REG-PLACE cite the pack of the
    agency's region: the Shaoguan plan (the national notice where it is silent) in Shaoguan, 甘人社通〔2020〕111号
    in Gansu."""

    @pytest.mark.parametrize(("pack", "conditions", "commitment", "place"), [
        (SHAOGUAN, f"{PLAN}一(一)", "人社厅发〔2020〕3号", f"{PLAN}一(三)4；人社厅发〔2020〕3号"),
        (GANSU, "甘人社通〔2020〕111号 一", "甘人社通〔2020〕111号 三", "甘人社通〔2020〕111号 一"),
    ])
    def test_each_rule_cites_its_clause(self, pack: PolicyPack, conditions: str, commitment: str, place: str) -> None:
        citation = pack.citation
        declared = check_declaration(unemployed=False, able_to_work=False, wants_work=False, receiving_pension=True,
                                     source=citation("registration"))
        assert [r.rule for r in declared] == ["REG-PENSION", "REG-UNEMPLOYED", "REG-ABLE", "REG-WILLING"]
        assert {r.source for r in declared} == {conditions}
        assert check_commitment(False, citation("registration_commitment")).source == commitment
        assert check_place("620102", "440203", "440203", citation("registration_place")).source == place


ONLINE, WINDOW = (2, "shaoguan-plan 一(四)2"), (0, "shaoguan-plan 一(四)1")


class TestRegDeadlineRule:
    def test_window_is_the_application_date(self) -> None:
        deadline = decision_deadline(Channel.WINDOW, date(2026, 11, 20), ONLINE, WINDOW, CALENDAR)
        assert deadline.due_on == date(2026, 11, 20) and deadline.workdays == 0

    def test_online_across_a_weekend(self) -> None:
        # Friday 2026-11-20: Monday is the first working day, Tuesday the second.
        deadline = decision_deadline(Channel.ONLINE, date(2026, 11, 20), ONLINE, WINDOW, CALENDAR)
        assert deadline.due_on == date(2026, 11, 24)
        assert not deadline.estimated and deadline.source == f"{PLAN}一(四)2"

    def test_online_across_national_day_2026(self) -> None:
        deadline = decision_deadline(Channel.WECHAT, date(2026, 9, 30), ONLINE, WINDOW, CALENDAR)
        assert deadline.due_on == date(2026, 10, 9)
        assert deadline.due_on == CALENDAR.add_workdays(date(2026, 9, 30), 2).due
        # 1-7 October are rest days; the 8th and 9th are the two working days counted.
        assert not any(CALENDAR.is_workday(date(2026, 10, day)) for day in range(1, 8))
        assert CALENDAR.is_workday(date(2026, 10, 8))

    def test_policy_packs_give_2_and_7_working_days(self) -> None:
        on = date(2026, 11, 20)
        assert default_registry().for_region("440203").params(on).registration_online_workdays == 2
        assert default_registry().for_region("620102").params(on).registration_online_workdays == 7

    def test_gansu_decides_window_registrations_in_7_working_days_by_its_own_notice(self) -> None:
        # 甘人社通〔2020〕111号 三 gives 7 working days for every registration; the Shaoguan plan's
        # 即时办结 (一(四)1) is Shaoguan's, not Gansu's.
        gansu = default_registry().for_region("620102")
        window = gansu.param("registration_window_workdays", date(2026, 11, 20))
        assert (window.value, window.source) == (7, "甘人社通〔2020〕111号 三")
        deadline = decision_deadline(
            Channel.WINDOW, date(2026, 11, 20), (7, "x"), (int(window.value), window.source), CALENDAR
        )
        assert deadline.workdays == 7 and deadline.source == "甘人社通〔2020〕111号 三"
        shaoguan = default_registry().for_region("440203").param("registration_window_workdays", date(2026, 11, 20))
        assert (shaoguan.value, shaoguan.source) == (0, f"{PLAN}一(四)1")

    def test_year_without_data_is_estimated(self) -> None:
        year = max(CALENDAR.known_years) + 1
        deadline = decision_deadline(Channel.ONLINE, date(year, 3, 2), (2, "s"), (0, "s"), CALENDAR)
        reason, reason_zh = decision_deadline_reason(deadline)
        assert deadline.estimated and "estimated" in reason and "估算" in reason_zh


EXPECTED_NOTIFY = {
    "pension": True,
    "hired": True,
    "self_employed": True,
    "stable_income": True,
    "enrolled_in_school": True,
    "military_service": True,
    "moved_abroad": False,
    "lost_work_ability": True,
    "imprisoned": False,
    "deceased": False,
    "refused_services": True,
    "unreachable": False,
    "other_provincial": True,
}
EXPECTED_GROUP = {
    "pension": "over_age",
    "hired": "employed",
    "self_employed": "employed",
    "stable_income": "employed",
    "enrolled_in_school": "ended_job_seeking",
    "military_service": "ended_job_seeking",
    "moved_abroad": "ended_job_seeking",
    "lost_work_ability": "ended_job_seeking",
    "imprisoned": "ended_job_seeking",
    "deceased": "ended_job_seeking",
    "refused_services": "ended_job_seeking",
    "unreachable": "ended_job_seeking",
    "other_provincial": "other",
}


class TestDeregistrationReasons:
    def test_every_code_of_rules_md_exists(self) -> None:
        assert {r.value for r in DeregistrationReason} == set(EXPECTED_NOTIFY)

    @pytest.mark.parametrize("reason", sorted(EXPECTED_NOTIFY))
    def test_notify_and_group(self, reason: str) -> None:
        result = notify_rule(DeregistrationReason(reason), "s")
        assert result.rule == "DEREG-NOTIFY" and result.met is EXPECTED_NOTIFY[reason]
        assert reason_group(DeregistrationReason(reason)) == ReasonGroup(EXPECTED_GROUP[reason])


class TestDeregistrationIncome:
    def test_income_at_the_minimum_is_enough(self) -> None:
        result = check_income(DeregistrationReason.STABLE_INCOME, 100_000, 100_000, "s", "s")
        assert result is not None and result.met and result.rule == "DEREG-INCOME"

    def test_income_one_fen_below_fails(self) -> None:
        result = check_income(DeregistrationReason.STABLE_INCOME, 99_999, 100_000, "s", "s")
        assert result is not None and not result.met and "99999" in result.reason
        assert "月收入999.99元低于当地最低生活保障标准1,000.00元" in result.reason_zh

    def test_missing_income_fails(self) -> None:
        result = check_income(DeregistrationReason.STABLE_INCOME, None, 100_000, "s", "s")
        assert result is not None and not result.met

    def test_other_reasons_need_no_income(self) -> None:
        assert check_income(DeregistrationReason.HIRED, None, 100_000, "s", "s") is None


class TestDeregistrationDate:
    registered = date(2026, 11, 2)
    today = date(2026, 11, 22)

    def test_bounds(self) -> None:
        assert not check_effective_date(self.registered - timedelta(days=1), self.registered, self.today, "s").met
        assert check_effective_date(self.registered, self.registered, self.today, "s").met
        assert check_effective_date(self.today, self.registered, self.today, "s").met
        assert not check_effective_date(self.today + timedelta(days=1), self.registered, self.today, "s").met
