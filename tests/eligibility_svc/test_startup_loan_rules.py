"""Tests of the startup-loan rules LOAN-* for individuals and small/micro enterprises."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from eligibility_svc.startup_loan.rules import (
    KeyGroup,
    LoanEvaluation,
    evaluate_startup_loan,
    yuan,
)
from eligibility_svc.startup_loan.schemas import StartupLoanRequest
from eligibility_svc.startup_loan.service import loan_application
from shared.calendar import WorkdayCalendar, default_calendar
from shared.explain import RuleResult
from shared.policy import default_registry
from tests.support import PLAN

PACK = default_registry().default
AS_OF = date(2026, 11, 24)  # a Tuesday
YUAN = 100  # fen


def individual(**overrides: Any) -> dict[str, Any]:
    """Returns an eligible individual: a registered unemployed man of 40 with a registered business."""
    person: dict[str, Any] = {
        "gender": "male",
        "birth_date": "1986-05-01",
        "key_groups": ["registered_unemployed"],
        "has_project": True,
        "business_registered_in_city": True,
        "business_registered_on": "2026-01-10",
        "jobs_created": 0,
        "previous_loans": 0,
        "other_debts": [],
    }
    person.update({k: v.isoformat() if isinstance(v, date) else v for k, v in overrides.items()})
    return person


def enterprise(**overrides: Any) -> dict[str, Any]:
    """Returns an eligible enterprise: 40 staff, 4 key-group hires, clean record."""
    company: dict[str, Any] = {
        "registered_in_city": True,
        "staff_count": 40,
        "new_key_group_hires_12m": 4,
        "serious_violation_record": False,
    }
    company.update(overrides)
    return company


def request(
    *,
    person: dict[str, Any] | None = None,
    company: dict[str, Any] | None = None,
    amount_fen: int = 100_000 * YUAN,
    term_months: int = 24,
    as_of: date = AS_OF,
) -> dict[str, Any]:
    """Returns a request body for an individual (default) or an enterprise."""
    document: dict[str, Any] = {
        "as_of": as_of.isoformat(),
        "requested_amount_fen": amount_fen,
        "requested_term_months": term_months,
    }
    if company is not None:
        document.update(applicant_type="enterprise", enterprise=company)
    else:
        document.update(applicant_type="individual", individual=person if person is not None else individual())
    return document


def evaluate(calendar: WorkdayCalendar | None = None, **kwargs: Any) -> LoanEvaluation:
    """Validates and evaluates a request built from keyword arguments."""
    return evaluate_startup_loan(loan_application(StartupLoanRequest.model_validate(request(**kwargs))), PACK, calendar)


def rule(evaluation: LoanEvaluation, rule_id: str) -> RuleResult:
    """Returns one rule's result."""
    (result,) = [r for r in evaluation.rules if r.rule == rule_id]
    return result


def error_locs(exc: ValidationError) -> list[tuple[int | str, ...]]:
    """Returns the field paths of a validation error."""
    return [tuple(e["loc"]) for e in exc.errors()]


class TestEligibleApplicants:
    def test_individual(self) -> None:
        evaluation = evaluate()
        assert evaluation.eligible
        assert evaluation.violations == ()
        assert [r.rule for r in evaluation.rules] == [
            "LOAN-AGE",
            "LOAN-PROJECT",
            "LOAN-REGISTERED",
            "LOAN-OTHER-DEBT",
            "LOAN-NON-KEY",
            "LOAN-COUNT",
            "LOAN-AMOUNT",
            "LOAN-TERM",
        ]
        assert (evaluation.max_amount_fen, evaluation.max_term_months) == (300_000 * YUAN, 36)

    def test_enterprise(self) -> None:
        evaluation = evaluate(company=enterprise(), amount_fen=5_000_000 * YUAN, term_months=24)
        assert evaluation.eligible
        assert [r.rule for r in evaluation.rules] == [
            "LOAN-ENT-REGISTERED",
            "LOAN-ENT-HIRES",
            "LOAN-ENT-RECORD",
            "LOAN-COUNT",
            "LOAN-AMOUNT",
            "LOAN-TERM",
        ]
        assert (evaluation.max_amount_fen, evaluation.max_term_months) == (5_000_000 * YUAN, 24)

    def test_interest_terms_from_the_pack(self) -> None:
        evaluation = evaluate()
        assert evaluation.rate_cap_bp_over_lpr == 50
        assert evaluation.interest_subsidy_share_bp == 5000
        assert evaluation.interest_subsidy_share == Decimal("0.5")
        assert evaluation.pack_id == "cn-44-shaoguan"

    def test_every_result_is_bilingual_with_a_source(self) -> None:
        for evaluation in (evaluate(), evaluate(company=enterprise())):
            for result in evaluation.rules:
                assert result.reason and result.reason_zh and result.source.startswith(f"{PLAN}五(二)")


class TestLoanAge:
    # Woman born 1971-11-23: 55 on 2026-11-23, 56 on 2027-11-23; "不超过55周岁" holds up to 2027-11-22.
    @pytest.mark.parametrize(
        ("as_of", "met"),
        [
            (date(2026, 11, 22), True),
            (date(2026, 11, 23), True),
            (date(2027, 11, 22), True),
            (date(2027, 11, 23), False),
            (date(2027, 11, 24), False),
        ],
    )
    def test_woman_up_to_the_day_before_her_56th_birthday(self, as_of: date, met: bool) -> None:
        result = rule(
            evaluate(
                as_of=as_of,
                person=individual(
                    gender="female", birth_date=date(1971, 11, 23), business_registered_on=date(2026, 1, 1)
                ),
            ),
            "LOAN-AGE",
        )
        assert result.met is met
        assert "2027-11-22" in result.reason and "2027-11-22" in result.reason_zh
        assert "55" in result.reason and "女性不超过55周岁" in result.reason_zh
        assert result.source == f"{PLAN}五(二)1(1)①"

    @pytest.mark.parametrize(("as_of", "met"), [(date(2027, 11, 22), True), (date(2027, 11, 23), False)])
    def test_man_up_to_the_day_before_his_61st_birthday(self, as_of: date, met: bool) -> None:
        result = rule(
            evaluate(
                as_of=as_of,
                person=individual(
                    gender="male", birth_date=date(1966, 11, 23), business_registered_on=date(2026, 1, 1)
                ),
            ),
            "LOAN-AGE",
        )
        assert result.met is met
        assert "men may be at most 60" in result.reason
        assert "the day before the 61st birthday" in result.reason and "61th" not in result.reason

    def test_woman_of_57_man_of_57(self) -> None:
        birth = date(1969, 1, 1)
        assert not rule(evaluate(person=individual(gender="female", birth_date=birth)), "LOAN-AGE").met
        assert rule(evaluate(person=individual(gender="male", birth_date=birth)), "LOAN-AGE").met


class TestProjectAndRegistration:
    def test_no_project(self) -> None:
        evaluation = evaluate(person=individual(has_project=False))
        assert [r.rule for r in evaluation.violations] == ["LOAN-PROJECT"]
        assert rule(evaluation, "LOAN-PROJECT").field == "individual.has_project"

    def test_not_registered_in_the_city(self) -> None:
        evaluation = evaluate(person=individual(business_registered_in_city=False))
        assert [r.rule for r in evaluation.violations] == ["LOAN-REGISTERED"]
        assert "家庭农场" in rule(evaluation, "LOAN-REGISTERED").reason_zh


class TestOtherDebt:
    @pytest.mark.parametrize("kind", ["student", "poverty_alleviation", "housing", "car"])
    def test_exempt_kinds_pass_whatever_the_amount(self, kind: str) -> None:
        debts = [{"kind": kind, "amount_fen": 2_000_000 * YUAN}]
        assert rule(evaluate(person=individual(other_debts=debts)), "LOAN-OTHER-DEBT").met

    @pytest.mark.parametrize(
        ("amount_fen", "met"),
        [(100_000 * YUAN - 1, True), (100_000 * YUAN, True), (100_000 * YUAN + 1, False)],
    )
    def test_consumer_loans_up_to_100000_yuan_inclusive(self, amount_fen: int, met: bool) -> None:
        result = rule(
            evaluate(person=individual(other_debts=[{"kind": "consumer", "amount_fen": amount_fen}])),
            "LOAN-OTHER-DEBT",
        )
        assert result.met is met
        assert yuan(amount_fen) in result.reason and yuan(amount_fen) in result.reason_zh
        assert "100,000.00" in result.reason
        assert result.source == f"{PLAN}五(二)1(1)④"

    def test_consumer_loans_add_up(self) -> None:
        debts = [
            {"kind": "consumer", "amount_fen": 60_000 * YUAN},
            {"kind": "consumer", "amount_fen": 40_001 * YUAN},
        ]
        result = rule(evaluate(person=individual(other_debts=debts)), "LOAN-OTHER-DEBT")
        assert not result.met
        assert "100,001.00" in result.reason

    @pytest.mark.parametrize("kind", ["business", "other"])
    def test_any_other_loan_fails(self, kind: str) -> None:
        result = rule(evaluate(person=individual(other_debts=[{"kind": kind, "amount_fen": 1}])), "LOAN-OTHER-DEBT")
        assert not result.met
        assert f"a {kind} loan of 0.01 yuan" in result.reason

    def test_every_problem_is_named(self) -> None:
        debts = [
            {"kind": "business", "amount_fen": 5_000 * YUAN},
            {"kind": "consumer", "amount_fen": 200_000 * YUAN},
            {"kind": "housing", "amount_fen": 900_000 * YUAN},
        ]
        result = rule(evaluate(person=individual(other_debts=debts)), "LOAN-OTHER-DEBT")
        assert "5,000.00" in result.reason and "200,000.00" in result.reason
        assert "经营性贷款5,000.00元" in result.reason_zh
        assert "900,000.00" not in result.reason


class TestNonKeyGroup:
    def test_key_group_has_no_business_age_limit(self) -> None:
        result = rule(
            evaluate(person=individual(key_groups=["farmer"], business_registered_on=date(2010, 1, 1))),
            "LOAN-NON-KEY",
        )
        assert result.met
        assert "farmer" in result.reason

    @pytest.mark.parametrize(
        ("as_of", "met"),
        [(date(2026, 11, 23), True), (date(2026, 11, 24), True), (date(2026, 11, 25), False)],
    )
    def test_three_years_on_a_working_day(self, as_of: date, met: bool) -> None:
        # 2026-11-24 is a Tuesday: the 3 years end that day.
        result = rule(
            evaluate(as_of=as_of, person=individual(key_groups=[], business_registered_on=date(2023, 11, 24))),
            "LOAN-NON-KEY",
        )
        assert result.met is met
        assert "2026-11-24" in result.reason
        assert result.source == f"{PLAN}五(二)1(2)"

    @pytest.mark.parametrize(("as_of", "met"), [(date(2026, 11, 23), True), (date(2026, 11, 24), False)])
    def test_last_day_on_a_sunday_moves_to_monday(self, as_of: date, met: bool) -> None:
        assert not default_calendar().is_workday(date(2026, 11, 22))
        result = rule(
            evaluate(as_of=as_of, person=individual(key_groups=[], business_registered_on=date(2023, 11, 22))),
            "LOAN-NON-KEY",
        )
        assert result.met is met
        assert "moved from 2026-11-22" in result.reason and "顺延" in result.reason_zh

    def test_estimated_calendar_is_said(self) -> None:
        result = rule(
            evaluate(
                WorkdayCalendar({}),
                as_of=date(2026, 11, 23),
                person=individual(key_groups=[], business_registered_on=date(2023, 11, 22)),
            ),
            "LOAN-NON-KEY",
        )
        assert result.met
        assert "estimated" in result.reason and "估算" in result.reason_zh

    def test_without_a_registration_date(self) -> None:
        person = individual(key_groups=[])
        del person["business_registered_on"]
        result = rule(evaluate(person=person), "LOAN-NON-KEY")
        assert not result.met
        assert result.field == "individual.business_registered_on"


class TestLoanCount:
    @pytest.mark.parametrize(("previous", "met"), [(2, True), (3, False), (4, False)])
    def test_key_group_at_most_three_loans(self, previous: int, met: bool) -> None:
        result = rule(evaluate(person=individual(previous_loans=previous)), "LOAN-COUNT")
        assert result.met is met
        assert f"{previous} previous loans" in result.reason
        assert f"第{previous + 1}次" in result.reason_zh

    def test_limit_is_for_key_groups(self) -> None:
        result = rule(evaluate(person=individual(key_groups=[], previous_loans=5)), "LOAN-COUNT")
        assert result.met
        assert "key groups" in result.reason

    @pytest.mark.parametrize(("previous", "met"), [(2, True), (3, False)])
    def test_enterprise_at_most_three_loans(self, previous: int, met: bool) -> None:
        assert rule(evaluate(company=enterprise(previous_loans=previous)), "LOAN-COUNT").met is met


class TestLoanAmount:
    @pytest.mark.parametrize(
        ("jobs", "amount_fen", "met", "maximum"),
        [
            (4, 300_000 * YUAN, True, 300_000 * YUAN),
            (4, 300_000 * YUAN + 1, False, 300_000 * YUAN),
            (5, 300_000 * YUAN + 1, True, 500_000 * YUAN),
            (5, 500_000 * YUAN, True, 500_000 * YUAN),
            (5, 500_000 * YUAN + 1, False, 500_000 * YUAN),
            (6, 500_000 * YUAN, True, 500_000 * YUAN),
        ],
    )
    def test_individual(self, jobs: int, amount_fen: int, met: bool, maximum: int) -> None:
        evaluation = evaluate(person=individual(jobs_created=jobs), amount_fen=amount_fen)
        result = rule(evaluation, "LOAN-AMOUNT")
        assert result.met is met
        assert evaluation.max_amount_fen == maximum
        assert yuan(maximum) in result.reason and f"带动就业{jobs}人" in result.reason_zh
        assert result.field == "requested_amount_fen"

    @pytest.mark.parametrize(("amount_fen", "met"), [(5_000_000 * YUAN, True), (5_000_000 * YUAN + 1, False)])
    def test_enterprise(self, amount_fen: int, met: bool) -> None:
        assert rule(evaluate(company=enterprise(), amount_fen=amount_fen), "LOAN-AMOUNT").met is met

    def test_maximum_is_reported_even_when_ineligible(self) -> None:
        evaluation = evaluate(person=individual(has_project=False, jobs_created=5))
        assert not evaluation.eligible
        assert evaluation.max_amount_fen == 500_000 * YUAN


class TestLoanTerm:
    @pytest.mark.parametrize(("months", "met"), [(35, True), (36, True), (37, False)])
    def test_individual(self, months: int, met: bool) -> None:
        result = rule(evaluate(term_months=months), "LOAN-TERM")
        assert result.met is met
        assert f"requested {months} months, at most 36" in result.reason

    @pytest.mark.parametrize(("months", "met"), [(24, True), (25, False)])
    def test_enterprise(self, months: int, met: bool) -> None:
        assert rule(evaluate(company=enterprise(), term_months=months), "LOAN-TERM").met is met


class TestEnterpriseHires:
    @pytest.mark.parametrize(
        ("staff", "hires", "met", "needed"),
        [
            (100, 10, True, 10),
            (100, 9, False, 10),
            (101, 6, True, 6),  # above 100 staff: 5%, 5.05 -> 6
            (101, 5, False, 6),
            (20, 2, True, 2),
            (21, 2, False, 3),
            (19, 2, True, 2),
            (1, 0, False, 1),
            (1, 1, True, 1),
        ],
    )
    def test_share_of_staff(self, staff: int, hires: int, met: bool, needed: int) -> None:
        result = rule(evaluate(company=enterprise(staff_count=staff, new_key_group_hires_12m=hires)), "LOAN-ENT-HIRES")
        assert result.met is met
        assert f"at least {needed}" in result.reason and f"至少{needed}人" in result.reason_zh
        assert ("5%" if staff > 100 else "10%") in result.reason

    @settings(max_examples=500, deadline=None)
    @given(st.integers(min_value=1, max_value=5000), st.integers(min_value=0, max_value=5000))
    def test_matches_exact_fractions(self, staff: int, hires: int) -> None:
        ratio = Fraction(5, 100) if staff > 100 else Fraction(10, 100)
        result = rule(evaluate(company=enterprise(staff_count=staff, new_key_group_hires_12m=hires)), "LOAN-ENT-HIRES")
        assert result.met == (Fraction(hires, staff) >= ratio)


class TestEnterpriseRegistrationAndRecord:
    def test_not_registered_in_the_city(self) -> None:
        evaluation = evaluate(company=enterprise(registered_in_city=False))
        assert [r.rule for r in evaluation.violations] == ["LOAN-ENT-REGISTERED"]

    def test_serious_violation_record(self) -> None:
        evaluation = evaluate(company=enterprise(serious_violation_record=True))
        assert [r.rule for r in evaluation.violations] == ["LOAN-ENT-RECORD"]
        assert "拖欠职工工资" in evaluation.violations[0].reason_zh


class TestEveryViolationReported:
    def test_individual_failing_everything(self) -> None:
        evaluation = evaluate(
            as_of=date(2030, 1, 1),
            person=individual(
                gender="female",
                birth_date=date(1960, 1, 1),
                key_groups=[],
                has_project=False,
                business_registered_in_city=False,
                business_registered_on=date(2020, 1, 1),
                other_debts=[{"kind": "other", "amount_fen": 100}],
            ),
            amount_fen=300_000 * YUAN + 1,
            term_months=37,
        )
        assert not evaluation.eligible
        assert [r.rule for r in evaluation.violations] == [
            "LOAN-AGE",
            "LOAN-PROJECT",
            "LOAN-REGISTERED",
            "LOAN-OTHER-DEBT",
            "LOAN-NON-KEY",
            "LOAN-AMOUNT",
            "LOAN-TERM",
        ]

    def test_enterprise_failing_everything(self) -> None:
        evaluation = evaluate(
            company=enterprise(
                registered_in_city=False,
                new_key_group_hires_12m=0,
                serious_violation_record=True,
                previous_loans=3,
            ),
            amount_fen=5_000_000 * YUAN + 1,
            term_months=25,
        )
        assert [r.rule for r in evaluation.violations] == [
            "LOAN-ENT-REGISTERED",
            "LOAN-ENT-HIRES",
            "LOAN-ENT-RECORD",
            "LOAN-COUNT",
            "LOAN-AMOUNT",
            "LOAN-TERM",
        ]


class TestKeyGroups:
    def test_codes_cover_the_seed_list(self) -> None:
        assert len(KeyGroup) == 13
        assert {"registered_unemployed", "employment_difficulty", "veteran", "farmer"} <= {g.value for g in KeyGroup}


class TestInputValidation:
    @pytest.mark.parametrize(
        ("person_overrides", "loc"),
        [
            ({"jobs_created": -1}, ("individual", "jobs_created")),
            ({"previous_loans": -1}, ("individual", "previous_loans")),
            ({"previous_loans": "3"}, ("individual", "previous_loans")),
            ({"previous_loans": 2.0}, ("individual", "previous_loans")),
            ({"jobs_created": True}, ("individual", "jobs_created")),
            ({"key_groups": ["astronaut"]}, ("individual", "key_groups", 0)),
            (
                {"other_debts": [{"kind": "mortgage", "amount_fen": 1}]},
                ("individual", "other_debts", 0, "kind"),
            ),
            (
                {"other_debts": [{"kind": "consumer", "amount_fen": -5}]},
                ("individual", "other_debts", 0, "amount_fen"),
            ),
            (
                {"other_debts": [{"kind": "consumer", "amount_fen": 0}]},
                ("individual", "other_debts", 0, "amount_fen"),
            ),
            (
                {"other_debts": [{"kind": "consumer", "amount_fen": 10.5}]},
                ("individual", "other_debts", 0, "amount_fen"),
            ),
            ({"birth_date": "2026-11-25"}, ("individual", "birth_date")),
            ({"business_registered_on": "2026-11-25"}, ("individual", "business_registered_on")),
            ({"gender": "x"}, ("individual", "gender")),
            ({"spouse_debts": []}, ("individual", "spouse_debts")),
        ],
    )
    def test_bad_individual(self, person_overrides: dict[str, Any], loc: tuple[Any, ...]) -> None:
        with pytest.raises(ValidationError) as caught:
            StartupLoanRequest.model_validate(request(person=individual(**person_overrides)))
        assert loc in error_locs(caught.value)

    @pytest.mark.parametrize(
        ("company_overrides", "loc"),
        [
            ({"staff_count": 0}, ("enterprise", "staff_count")),
            ({"new_key_group_hires_12m": -1}, ("enterprise", "new_key_group_hires_12m")),
            ({"previous_loans": -2}, ("enterprise", "previous_loans")),
        ],
    )
    def test_bad_enterprise(self, company_overrides: dict[str, Any], loc: tuple[Any, ...]) -> None:
        with pytest.raises(ValidationError) as caught:
            StartupLoanRequest.model_validate(request(company=enterprise(**company_overrides)))
        assert loc in error_locs(caught.value)

    @pytest.mark.parametrize(
        ("changes", "loc"),
        [
            ({"requested_amount_fen": 0}, ("requested_amount_fen",)),
            ({"requested_amount_fen": -100}, ("requested_amount_fen",)),
            ({"requested_amount_fen": 100.0}, ("requested_amount_fen",)),
            ({"requested_term_months": 0}, ("requested_term_months",)),
            ({"applicant_type": "cooperative"}, ("applicant_type",)),
        ],
    )
    def test_bad_request(self, changes: dict[str, Any], loc: tuple[Any, ...]) -> None:
        document = {**request(), **changes}
        with pytest.raises(ValidationError) as caught:
            StartupLoanRequest.model_validate(document)
        assert loc in error_locs(caught.value)

    def test_applicant_must_match_the_type(self) -> None:
        document = request()
        document["applicant_type"] = "enterprise"
        with pytest.raises(ValidationError) as caught:
            StartupLoanRequest.model_validate(document)
        assert set(error_locs(caught.value)) == {("enterprise",), ("individual",)}

    def test_missing_individual(self) -> None:
        document = request()
        del document["individual"]
        with pytest.raises(ValidationError) as caught:
            StartupLoanRequest.model_validate(document)
        assert error_locs(caught.value) == [("individual",)]


class TestYuan:
    @pytest.mark.parametrize(("fen", "text"), [(0, "0.00"), (1, "0.01"), (10_000_000, "100,000.00"), (-150, "-1.50")])
    def test_formatting(self, fen: int, text: str) -> None:
        assert yuan(fen) == text
