"""Ledger rules at their boundaries, without a database: FU-MONTHLY, FU-CONTACT-DATE, FU-OUTCOME, DEREG-INCOME,
FU-REFUSAL, FU-UNREACHABLE and FU-DATA-MATCH."""

from __future__ import annotations

from datetime import date

from followup_svc.ledger.rules import (
    ServiceEvent,
    ServiceResponse,
    at_risk,
    check_contact_date,
    check_income,
    check_outcome_recorded,
    contact_response,
    data_match_status,
    entry_status_after,
    entry_status_at_creation,
    last_workday,
    month_has_ended,
    months_from,
    outcome_deregistration,
    parse_month,
    refusal_deregistration,
    unreachable_deregistration,
    valid_in_month,
)
from shared.calendar import default_calendar
from shared.policy import default_registry
from tests.support import PLAN

NOV = date(2026, 11, 1)
CAL = default_calendar()
SHAOGUAN = default_registry().for_region("440203")
GANSU = default_registry().for_region("620102")
MONTHLY = SHAOGUAN.citation("followup_monthly")
OUTCOME = SHAOGUAN.citation("followup_outcome")
DATA_MATCH = SHAOGUAN.citation("followup_data_match")
DEREGISTRATION = SHAOGUAN.citation("deregistration")


class TestMonthly:
    def test_months_and_validity(self) -> None:
        assert parse_month("2026-11") == NOV and parse_month("2026-13") is None and parse_month("26-11") is None
        assert months_from(date(2026, 9, 30), date(2026, 11, 2)) == [date(2026, 9, 1), date(2026, 10, 1), NOV]
        # Valid on one day of the month is enough: registered on its last day, or deregistered on its first.
        assert valid_in_month(date(2026, 11, 30), None, NOV)
        assert not valid_in_month(date(2026, 12, 1), None, NOV)
        assert valid_in_month(date(2026, 1, 1), date(2026, 11, 1), NOV)
        assert not valid_in_month(date(2026, 1, 1), date(2026, 10, 31), NOV)
        assert entry_status_at_creation(date(2026, 11, 30), NOV) == "ended"
        assert entry_status_at_creation(date(2026, 12, 1), NOV) == "pending"

    def test_due_on_is_the_last_working_day_and_at_risk_starts_five_working_days_before(self) -> None:
        # 2026-11-30 is a Monday; 2026-10-31 is a Saturday, and 1-7 Oct are holidays.
        assert last_workday(NOV, CAL) == date(2026, 11, 30)
        assert last_workday(date(2026, 10, 1), CAL) == date(2026, 10, 30)
        due = date(2026, 11, 30)
        # Working days in (today, due]: Mon 23 → 5 (24, 25, 26, 27, 30): at risk; Fri 20 → 6: not yet.
        assert at_risk("pending", False, due, date(2026, 11, 23), CAL)
        assert not at_risk("pending", False, due, date(2026, 11, 20), CAL)
        assert not at_risk("attempted", False, due, date(2026, 11, 29), CAL)
        assert not at_risk("pending", True, due, date(2026, 12, 2), CAL)

    def test_a_month_closes_from_the_first_day_after_it(self) -> None:
        assert not month_has_ended(NOV, date(2026, 11, 30), MONTHLY).met
        result = month_has_ended(NOV, date(2026, 12, 1), MONTHLY)
        assert result.met and result.rule == "FU-MONTHLY"


class TestContactDate:
    def test_inside_the_month_not_before_registration_not_in_the_future(self) -> None:
        registered = date(2026, 11, 10)
        today = date(2026, 11, 20)
        assert check_contact_date(date(2026, 11, 10), NOV, registered, today, MONTHLY).met
        assert check_contact_date(date(2026, 11, 20), NOV, registered, today, MONTHLY).met
        future = check_contact_date(date(2026, 11, 21), NOV, registered, today, MONTHLY)
        assert not future.met and "after today" in future.reason and future.rule == "FU-CONTACT-DATE"
        before = check_contact_date(date(2026, 11, 9), NOV, registered, today, MONTHLY)
        assert not before.met and "before the registration" in before.reason
        outside = check_contact_date(date(2026, 10, 31), NOV, date(2026, 1, 1), today, MONTHLY)
        assert not outside.met and "outside" in outside.reason
        assert not check_contact_date(date(2026, 12, 1), NOV, date(2026, 1, 1), date(2026, 12, 5), MONTHLY).met


class TestOutcome:
    def test_reached_needs_a_status_and_a_deregistration_status_requests_it(self) -> None:
        assert not check_outcome_recorded("reached", None, OUTCOME).met
        assert check_outcome_recorded("unreachable", None, OUTCOME).met
        request = outcome_deregistration("hired", date(2026, 11, 5), OUTCOME)
        assert request is not None and (request.reason, request.effective_date, request.rule) == (
            "hired", date(2026, 11, 5), "FU-OUTCOME")
        assert outcome_deregistration("unemployed", date(2026, 11, 5), OUTCOME) is None
        assert entry_status_after("pending", "unreachable") == "attempted"
        assert entry_status_after("attempted", "refused") == "contacted"
        assert entry_status_after("contacted", "unreachable") == "contacted"

    def test_stable_income_needs_the_minimum_living_standard(self) -> None:
        assert check_income("hired", None, 100000, "p", DEREGISTRATION) is None
        missing = check_income("stable_income", None, 100000, "p", DEREGISTRATION)
        assert missing is not None and not missing.met and missing.rule == "DEREG-INCOME"
        below = check_income("stable_income", 99999, 100000, "p", DEREGISTRATION)
        assert below is not None and not below.met
        at = check_income("stable_income", 100000, 100000, "p", DEREGISTRATION)
        assert at is not None and at.met


def _events(*items: tuple[int, ServiceResponse]) -> list[ServiceEvent]:
    return [ServiceEvent(date(2026, 11, day), response) for day, response in items]


U, J, A, N = (ServiceResponse.REFUSED_UNJUSTIFIED, ServiceResponse.REFUSED_JUSTIFIED, ServiceResponse.ACCEPTED,
              ServiceResponse.NEUTRAL)


class TestRefusal:
    def test_three_in_a_row_in_date_order(self) -> None:
        assert refusal_deregistration(_events((1, U), (2, U)), 3, DEREGISTRATION) is None
        # Out of order as given; an unreachable attempt in between neither counts nor resets.
        request = refusal_deregistration(_events((9, U), (1, U), (5, N), (4, U)), 3, DEREGISTRATION)
        assert request is not None and request.reason == "refused_services"
        assert request.effective_date == date(2026, 11, 9) and request.rule == "FU-REFUSAL"

    def test_an_acceptance_or_a_justified_refusal_resets(self) -> None:
        assert refusal_deregistration(_events((1, U), (2, U), (3, A), (4, U)), 3, DEREGISTRATION) is None
        assert refusal_deregistration(_events((1, U), (2, J), (3, U), (4, U)), 3, DEREGISTRATION) is None
        assert contact_response("refused", True) is J and contact_response("refused", False) is U
        assert contact_response("reached", False) is A and contact_response("unreachable", False) is N


class TestUnreachable:
    def test_six_consecutive_closed_unreachable_months(self) -> None:
        months = [(date(2026, m, 1), "unreachable") for m in range(6, 12)]
        request = unreachable_deregistration(months, NOV, 6, DEREGISTRATION)
        assert request is not None and request.effective_date == date(2026, 11, 30)
        assert request.rule == "FU-UNREACHABLE"
        assert unreachable_deregistration(months[1:], NOV, 6, DEREGISTRATION) is None  # five months only

    def test_a_missed_month_breaks_the_run(self) -> None:
        months = [(date(2026, m, 1), "missed" if m == 8 else "unreachable") for m in range(6, 12)]
        assert unreachable_deregistration(months, NOV, 6, DEREGISTRATION) is None


class TestDataMatch:
    def test_the_strongest_record_wins_and_no_match_confirms_unemployment(self) -> None:
        assert data_match_status([]) == "unemployed"
        assert data_match_status(["business_owner", "employment_contribution"]) == "hired"
        assert data_match_status(["employment_filing", "pension"]) == "pension"
        assert data_match_status(["death", "pension"]) == "deceased"
        assert data_match_status(["subsistence_allowance"]) == "unemployed"
        request = outcome_deregistration("self_employed", date(2026, 11, 20), DATA_MATCH, "FU-DATA-MATCH")
        assert request is not None and request.rule == "FU-DATA-MATCH"


class TestCitesTheRegionsPack:
    """Each rule cites the clause the pack of the registration's region gives it: the Shaoguan plan (or the
    national notice where the plan is silent) in Guangdong, 甘人社通〔2020〕111号 in Gansu."""

    def test_monthly_and_contact_date(self) -> None:
        for pack, expected in ((SHAOGUAN, f"{PLAN}二(二)1"), (GANSU, "甘人社通〔2020〕111号 五")):
            source = pack.citation("followup_monthly")
            assert month_has_ended(NOV, date(2026, 12, 1), source).source == expected
            assert check_contact_date(date(2026, 11, 10), NOV, NOV, date(2026, 11, 20), source).source == expected

    def test_outcome(self) -> None:
        for pack, expected in ((SHAOGUAN, f"{PLAN}二(二)1；人社厅发〔2020〕3号"), (GANSU, "甘人社通〔2020〕111号 五")):
            source = pack.citation("followup_outcome")
            assert check_outcome_recorded("reached", None, source).source == expected
            request = outcome_deregistration("hired", date(2026, 11, 5), source)
            assert request is not None and request.source == expected

    def test_data_match(self) -> None:
        for pack, expected in ((SHAOGUAN, f"{PLAN}二(二)1（信息比对）；人社厅发〔2020〕3号"),
                               (GANSU, "甘人社通〔2020〕111号 五（信息比对）")):
            request = outcome_deregistration("hired", date(2026, 11, 5), pack.citation("followup_data_match"),
                                             "FU-DATA-MATCH")
            assert request is not None and request.source == expected

    def test_refusal_unreachable_and_income_cite_the_deregistration_clause(self) -> None:
        months = [(date(2026, m, 1), "unreachable") for m in range(6, 12)]
        for pack, expected in ((SHAOGUAN, "人社厅发〔2020〕3号"), (GANSU, "甘人社通〔2020〕111号 五")):
            source = pack.citation("deregistration")
            refusal = refusal_deregistration(_events((1, U), (2, U), (3, U)), 3, source)
            unreachable = unreachable_deregistration(months, NOV, 6, source)
            income = check_income("stable_income", None, 100000, "p", source)
            assert refusal is not None and refusal.source == expected
            assert unreachable is not None and unreachable.source == expected
            assert income is not None and income.source == f"{expected}；p"
            assert ("甘人社通" in expected) == (pack is GANSU)
