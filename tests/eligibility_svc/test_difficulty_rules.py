"""Tests of the employment-difficulty rules: ELIG-* base rules, the 12 categories and the materials."""

from __future__ import annotations

import dataclasses
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from eligibility_svc.difficulty.materials import (
    CATEGORIES_WITHOUT_MATERIALS,
    HouseholdSituation,
    household_situation,
    material_categories,
    required_materials,
)
from eligibility_svc.difficulty.rules import (
    CategoryResult,
    DifficultyCategory,
    DifficultyEvaluation,
    evaluate_difficulty,
)
from eligibility_svc.difficulty.schemas import DifficultyRequest
from eligibility_svc.difficulty.service import difficulty_case
from shared.explain import RuleResult
from shared.policy import PolicyPack, PolicyRegistry, default_registry
from shared.policy.documents import cite
from shared.timerules import RetirementCategory, add_months, age_on
from shared.wording import date_zh
from tests.shared.test_policy import base_values, write_pack
from tests.support import PLAN

PACK = default_registry().default
AS_OF = date(2026, 11, 22)
C = DifficultyCategory
HAN = re.compile(r"[\u4e00-\u9fff]")

FACT_CATEGORIES = [
    ("disability_certificate", C.DISABLED, 2),
    ("subsistence_allowance", C.SUBSISTENCE_ALLOWANCE, 3),
    ("landless_farmer", C.LANDLESS_FARMER, 6),
    ("drug_rehabilitated", C.DRUG_REHABILITATED, 8),
    ("released_prisoner", C.RELEASED_PRISONER, 9),
    ("mental_disorder_rehabilitated", C.MENTAL_DISORDER_REHABILITATED, 10),
    ("supports_critically_ill_relative", C.SUPPORTS_CRITICALLY_ILL_RELATIVE, 12),
]


def body(
    *,
    as_of: date = AS_OF,
    gender: str = "female",
    birth_date: date = date(1990, 6, 1),
    hukou_region_code: str = "440203",
    hukou_type: str = "urban",
    retirement_category: str | None = None,
    status: dict[str, bool] | None = None,
    agency_region_code: str | None = None,
    **facts: Any,
) -> dict[str, Any]:
    """Returns a request body: a 36-year-old Shaoguan woman, unemployed, able and willing, no facts."""
    person: dict[str, Any] = {
        "gender": gender,
        "birth_date": birth_date.isoformat(),
        "hukou_region_code": hukou_region_code,
        "hukou_type": hukou_type,
    }
    if retirement_category is not None:
        person["retirement_category"] = retirement_category
    document: dict[str, Any] = {
        "as_of": as_of.isoformat(),
        "person": person,
        "status": {"unemployed": True, "able_to_work": True, "wants_work": True, **(status or {})},
        "facts": {k: v.isoformat() if isinstance(v, date) else v for k, v in facts.items()},
    }
    if agency_region_code is not None:
        document["agency_region_code"] = agency_region_code
    return document


def evaluate(pack: PolicyPack = PACK, **kwargs: Any) -> DifficultyEvaluation:
    """Validates a body built from keyword arguments and evaluates it."""
    return evaluate_difficulty(difficulty_case(DifficultyRequest.model_validate(body(**kwargs))), pack)


def base(evaluation: DifficultyEvaluation, rule: str) -> RuleResult:
    """Returns one base rule's result."""
    (result,) = [r for r in evaluation.base_rules if r.rule == rule]
    return result


def category(evaluation: DifficultyEvaluation, code: DifficultyCategory) -> CategoryResult:
    """Returns one category's result."""
    (result,) = [r for r in evaluation.categories if r.category is code]
    return result


def error_locs(exc: ValidationError) -> list[tuple[int | str, ...]]:
    """Returns the field paths of a validation error."""
    return [tuple(e["loc"]) for e in exc.errors()]


class TestResultTypes:
    def test_category_result_is_frozen_and_keeps_its_fields(self) -> None:
        result = CategoryResult(C.DISABLED, True, "r", "理由", f"{PLAN}六(一)2", "facts.disability_certificate")
        assert (result.category, result.met, result.reason, result.reason_zh, result.source, result.field) == (
            C.DISABLED,
            True,
            "r",
            "理由",
            f"{PLAN}六(一)2",
            "facts.disability_certificate",
        )
        assert CategoryResult(C.DISABLED, False, "r", "理由", "s").field is None
        with pytest.raises(dataclasses.FrozenInstanceError):
            result.met = False  # type: ignore[misc]
        assert dataclasses.replace(result, met=False).met is False
        assert hash(result) == hash(
            CategoryResult(C.DISABLED, True, "r", "理由", f"{PLAN}六(一)2", "facts.disability_certificate")
        )

    def test_evaluation_is_frozen_and_keeps_its_fields(self) -> None:
        evaluation = evaluate(disability_certificate=True)
        values = [getattr(evaluation, f.name) for f in dataclasses.fields(evaluation)]
        assert values == [
            True,
            (C.DISABLED,),
            evaluation.base_rules,
            evaluation.categories,
            evaluation.retirement_date,
            evaluation.required_materials,
            RetirementCategory.FEMALE_50,
            "cn-44-shaoguan",
            None,
        ]
        assert len(evaluation.base_rules) == 5 and len(evaluation.categories) == 12
        with pytest.raises(dataclasses.FrozenInstanceError):
            evaluation.eligible = False  # type: ignore[misc]
        assert dataclasses.replace(evaluation, eligible=False).categories_met == (C.DISABLED,)


class TestHukou:
    def test_guangdong_hukou_meets_elig_hukou(self) -> None:
        result = base(evaluate(hukou_region_code="440203"), "ELIG-HUKOU")
        assert result.met
        assert "440203" in result.reason and "44" in result.reason
        assert "440203" in result.reason_zh
        assert result.source == f"{PLAN}六(一)"
        assert result.field == "person.hukou_region_code"

    def test_other_province_fails_elig_hukou(self) -> None:
        evaluation = evaluate(hukou_region_code="620102", disability_certificate=True)
        result = base(evaluation, "ELIG-HUKOU")
        assert not result.met
        assert "620102" in result.reason and "620102" in result.reason_zh
        assert not evaluation.eligible
        assert category(evaluation, C.DISABLED).met  # the category is judged on its own

    def test_province_comes_from_the_pack(self, tmp_path: Path) -> None:
        write_pack(tmp_path, "base", base_values(), default=True)
        write_pack(tmp_path, "gansu", {"difficulty_hukou_province": "62"}, extends="base", prefixes=("62",))
        gansu = PolicyRegistry.load(tmp_path).get("gansu")
        assert base(evaluate(gansu, hukou_region_code="620102"), "ELIG-HUKOU").met
        assert not base(evaluate(gansu, hukou_region_code="440203"), "ELIG-HUKOU").met

    def test_bundled_gansu_pack_asks_for_a_gansu_hukou_not_guangdongs(self) -> None:
        # A Gansu office certifies Gansu households: the pack sets its own province (62) instead of
        # inheriting Guangdong's 44 (its source is marked unconfirmed in cn-62-gansu.toml).
        gansu = default_registry().get("cn-62-gansu")
        assert base(evaluate(gansu, hukou_region_code="620102"), "ELIG-HUKOU").met
        assert not base(evaluate(gansu, hukou_region_code="440203"), "ELIG-HUKOU").met


class TestWorkingAgeMinimum:
    @pytest.mark.parametrize(
        ("as_of", "age", "met"),
        [(date(2026, 11, 21), 15, False), (date(2026, 11, 22), 16, True), (date(2026, 11, 23), 16, True)],
    )
    def test_sixteenth_birthday(self, as_of: date, age: int, met: bool) -> None:
        result = base(evaluate(as_of=as_of, birth_date=date(2010, 11, 22)), "ELIG-AGE")
        assert result.met is met
        assert f"born 2010-11-22: {age} on {as_of.isoformat()}" in result.reason
        assert f"{date_zh(as_of)}年满{age}周岁" in result.reason_zh
        assert "16" in result.reason
        assert result.source == f"{PLAN}六(一)；T-AGE；T-RETIRE"


class TestRetirementDate:
    # rules.md T-RETIRE examples: man born 1965-03 retires at 60y1m; woman-50 born 1984-11 at 55y.
    @pytest.mark.parametrize(
        ("as_of", "met"), [(date(2025, 4, 14), True), (date(2025, 4, 15), False), (date(2025, 4, 16), False)]
    )
    def test_man_born_1965_03(self, as_of: date, met: bool) -> None:
        evaluation = evaluate(as_of=as_of, gender="male", birth_date=date(1965, 3, 15))
        assert evaluation.retirement_date == date(2025, 4, 15)
        assert evaluation.retirement_category is RetirementCategory.MALE
        result = base(evaluation, "ELIG-AGE")
        assert result.met is met
        assert "2025-04-15" in result.reason and "2025年4月15日" in result.reason_zh
        if not met:
            assert "60 years 1 month" in result.reason
            assert "60岁1个月" in result.reason_zh

    @pytest.mark.parametrize(("as_of", "met"), [(date(2039, 11, 4), True), (date(2039, 11, 5), False)])
    def test_woman_defaults_to_the_packs_female_50(self, as_of: date, met: bool) -> None:
        evaluation = evaluate(as_of=as_of, gender="female", birth_date=date(1984, 11, 5))
        assert evaluation.retirement_category is RetirementCategory.FEMALE_50
        assert evaluation.retirement_date == date(2039, 11, 5)
        assert base(evaluation, "ELIG-AGE").met is met

    @pytest.mark.parametrize(("as_of", "met"), [(date(2043, 2, 27), True), (date(2043, 2, 28), False)])
    def test_man_born_29_february_is_told_his_retirement_date(self, as_of: date, met: bool) -> None:
        # Born 1980-02-29: 63 years by T-RETIRE, retiring 2043-02-28 (no 29 February in 2043), although
        # T-AGE counts him 62 that day. The reason names the date, never "63 reached".
        evaluation = evaluate(as_of=as_of, gender="male", birth_date=date(1980, 2, 29))
        assert evaluation.retirement_date == date(2043, 2, 28)
        result = base(evaluation, "ELIG-AGE")
        assert result.met is met
        assert "statutory retirement date" in result.reason and "2043-02-28" in result.reason
        assert "法定退休日期" in result.reason_zh and "2043年2月28日" in result.reason_zh
        if not met:
            assert "reached" not in result.reason and "到达" not in result.reason_zh
            assert "no 29 in that month, so its last day" in result.reason
            assert "该月无29日，取当月最后一日" in result.reason_zh

    def test_assumed_female_category_is_explained_with_the_alternative(self) -> None:
        # Born 1976-01-01: as female_50 (the pack's default) she retired 2026-08-01; as female_55 she
        # would retire 2032-08-01 and be eligible. The caseworker must see both.
        evaluation = evaluate(gender="female", birth_date=date(1976, 1, 1))
        result = base(evaluation, "ELIG-AGE")
        assert not result.met
        assert "not given" in result.reason and "2032-08-01" in result.reason and "within working age" in result.reason
        assert "未填写退休类别" in result.reason_zh and "2032年8月1日" in result.reason_zh
        assert "仍在法定劳动年龄内" in result.reason_zh
        stated = evaluate(gender="female", birth_date=date(1976, 1, 1), retirement_category="female_55")
        given = base(stated, "ELIG-AGE")
        assert given.met and "未填写" not in given.reason_zh

    @pytest.mark.parametrize(("as_of", "met"), [(date(2031, 10, 31), True), (date(2031, 11, 1), False)])
    def test_woman_female_55_given(self, as_of: date, met: bool) -> None:
        # Born 1975-06: 65 months after 1970-01, delay 65 // 4 + 1 = 17 months -> 56y5m.
        evaluation = evaluate(
            as_of=as_of, gender="female", birth_date=date(1975, 6, 1), retirement_category="female_55"
        )
        assert evaluation.retirement_date == date(2031, 11, 1)
        assert base(evaluation, "ELIG-AGE").met is met

    def test_female_default_comes_from_the_pack(self, tmp_path: Path) -> None:
        write_pack(
            tmp_path,
            "base",
            {**base_values(), "retirement_category_default_female": "female_55"},
            default=True,
        )
        pack = PolicyRegistry.load(tmp_path).default
        evaluation = evaluate(pack, gender="female", birth_date=date(1975, 6, 1), as_of=date(2026, 1, 1))
        assert evaluation.retirement_category is RetirementCategory.FEMALE_55
        assert evaluation.retirement_date == date(2031, 11, 1)

    @pytest.mark.parametrize(("gender", "category"), [("male", "female_50"), ("female", "male")])
    def test_category_must_fit_gender(self, gender: str, category: str) -> None:
        with pytest.raises(ValidationError) as caught:
            DifficultyRequest.model_validate(body(gender=gender, retirement_category=category))
        assert error_locs(caught.value) == [("person", "retirement_category")]


class TestDeclaredStatus:
    @pytest.mark.parametrize(
        ("flag", "rule"),
        [("unemployed", "ELIG-UNEMPLOYED"), ("able_to_work", "ELIG-ABLE"), ("wants_work", "ELIG-WILLING")],
    )
    def test_each_declaration_fails_its_own_rule(self, flag: str, rule: str) -> None:
        evaluation = evaluate(status={flag: False}, disability_certificate=True)
        failing = [r.rule for r in evaluation.base_rules if not r.met]
        assert failing == [rule]
        assert not evaluation.eligible
        assert base(evaluation, rule).field == f"status.{flag}"

    def test_every_failing_base_rule_is_reported(self) -> None:
        evaluation = evaluate(
            hukou_region_code="620102",
            birth_date=date(2012, 1, 1),
            status={"unemployed": False, "able_to_work": False, "wants_work": False},
        )
        assert [r.rule for r in evaluation.base_rules if not r.met] == [
            "ELIG-HUKOU",
            "ELIG-AGE",
            "ELIG-UNEMPLOYED",
            "ELIG-ABLE",
            "ELIG-WILLING",
        ]

    def test_met_declarations_are_explained(self) -> None:
        for result in evaluate().base_rules:
            assert result.met
            assert result.reason and HAN.search(result.reason_zh)


class TestEligibility:
    def test_all_base_rules_and_one_category(self) -> None:
        evaluation = evaluate(disability_certificate=True)
        assert evaluation.eligible
        assert evaluation.categories_met == (C.DISABLED,)

    def test_base_rules_without_a_category(self) -> None:
        evaluation = evaluate()
        assert all(r.met for r in evaluation.base_rules)
        assert evaluation.categories_met == ()
        assert not evaluation.eligible

    def test_a_category_does_not_mend_a_failing_base_rule(self) -> None:
        evaluation = evaluate(status={"wants_work": False}, disability_certificate=True, landless_farmer=True)
        assert evaluation.categories_met == (C.DISABLED, C.LANDLESS_FARMER)
        assert not evaluation.eligible

    def test_all_twelve_categories_are_reported_in_seed_order(self) -> None:
        evaluation = evaluate()
        assert [r.category for r in evaluation.categories] == list(DifficultyCategory)
        assert [r.source for r in evaluation.categories][:2] == [f"{PLAN}六(一)1", f"{PLAN}六(一)2"]

    def test_the_pack_used_is_named(self) -> None:
        assert evaluate().pack_id == "cn-44-shaoguan"


class TestOlderUnemployed:
    def test_woman_39_the_day_before_her_40th_birthday(self) -> None:
        result = category(evaluate(gender="female", birth_date=date(1986, 11, 23)), C.OLDER_UNEMPLOYED)
        assert not result.met
        assert result.reason == "female, born 1986-11-23: 39 on 2026-11-22, needs 40"
        assert result.reason_zh == "女性，1986-11-23出生，2026-11-22年满39周岁，需年满40周岁"
        assert result.source == f"{PLAN}六(一)1"

    @pytest.mark.parametrize(("birth", "met"), [(date(1986, 11, 22), True), (date(1986, 11, 21), True)])
    def test_woman_on_and_after_her_40th_birthday(self, birth: date, met: bool) -> None:
        result = category(evaluate(gender="female", birth_date=birth), C.OLDER_UNEMPLOYED)
        assert result.met is met
        assert "40 on 2026-11-22, needs 40" in result.reason

    @pytest.mark.parametrize(
        ("birth", "age", "met"),
        [(date(1976, 11, 23), 49, False), (date(1976, 11, 22), 50, True), (date(1976, 11, 21), 50, True)],
    )
    def test_man_around_his_50th_birthday(self, birth: date, age: int, met: bool) -> None:
        result = category(evaluate(gender="male", birth_date=birth), C.OLDER_UNEMPLOYED)
        assert result.met is met
        assert f"male, born {birth.isoformat()}: {age} on 2026-11-22, needs 50" == result.reason

    def test_woman_of_45_is_not_a_man_of_45(self) -> None:
        birth = date(1981, 1, 1)
        assert category(evaluate(gender="female", birth_date=birth), C.OLDER_UNEMPLOYED).met
        assert not category(evaluate(gender="male", birth_date=birth), C.OLDER_UNEMPLOYED).met

    @pytest.mark.parametrize(("as_of", "met"), [(date(2026, 2, 28), False), (date(2026, 3, 1), True)])
    def test_born_29_february_turns_50_on_1_march(self, as_of: date, met: bool) -> None:
        result = category(evaluate(as_of=as_of, gender="male", birth_date=date(1976, 2, 29)), C.OLDER_UNEMPLOYED)
        assert result.met is met


class TestFactCategories:
    @pytest.mark.parametrize(("fact", "code", "number"), FACT_CATEGORIES)
    def test_met_when_the_fact_holds(self, fact: str, code: DifficultyCategory, number: int) -> None:
        evaluation = evaluate(**{fact: True})
        result = category(evaluation, code)
        assert result.met
        assert result.source == cite(f"001 §六(一){number}")
        assert result.field == f"facts.{fact}"
        assert evaluation.categories_met == (code,)

    @pytest.mark.parametrize(("fact", "code", "number"), FACT_CATEGORIES)
    def test_not_met_without_the_fact(self, fact: str, code: DifficultyCategory, number: int) -> None:
        result = category(evaluate(**{fact: False}), code)
        assert not result.met
        assert result.reason and HAN.search(result.reason_zh)
        assert result.reason != category(evaluate(**{fact: True}), code).reason


class TestZeroEmploymentFamilies:
    @pytest.mark.parametrize(
        ("fact", "code", "hukou_type", "met"),
        [
            ("urban_zero_employment_family", C.URBAN_ZERO_EMPLOYMENT_FAMILY, "urban", True),
            ("urban_zero_employment_family", C.URBAN_ZERO_EMPLOYMENT_FAMILY, "rural", False),
            ("rural_zero_transfer_poor_family", C.RURAL_ZERO_TRANSFER_POOR_FAMILY, "rural", True),
            ("rural_zero_transfer_poor_family", C.RURAL_ZERO_TRANSFER_POOR_FAMILY, "urban", False),
        ],
    )
    def test_household_address_must_match(
        self, fact: str, code: DifficultyCategory, hukou_type: str, met: bool
    ) -> None:
        result = category(evaluate(hukou_type=hukou_type, **{fact: True}), code)
        assert result.met is met
        if not met:
            assert result.field == "person.hukou_type"
            assert hukou_type in result.reason

    @pytest.mark.parametrize("hukou_type", ["urban", "rural"])
    def test_not_met_without_the_fact(self, hukou_type: str) -> None:
        evaluation = evaluate(hukou_type=hukou_type)
        assert not category(evaluation, C.URBAN_ZERO_EMPLOYMENT_FAMILY).met
        assert not category(evaluation, C.RURAL_ZERO_TRANSFER_POOR_FAMILY).met


class TestLongTermUnemployed:
    @pytest.mark.parametrize(
        ("as_of", "met"),
        [(date(2026, 11, 21), False), (date(2026, 11, 22), True), (date(2026, 11, 23), True)],
    )
    def test_one_year_after_registration(self, as_of: date, met: bool) -> None:
        result = category(evaluate(as_of=as_of, latest_registration_date=date(2025, 11, 22)), C.LONG_TERM_UNEMPLOYED)
        assert result.met is met
        assert "2025-11-22" in result.reason and "2026-11-22" in result.reason
        assert "12 months" in result.reason and "12个月" in result.reason_zh
        assert result.source == f"{PLAN}六(一)7"

    def test_no_working_day_shift(self) -> None:
        # 2026-11-22 is a Sunday: the year still ends that day (T-PERIOD without shift).
        assert date(2026, 11, 22).weekday() == 6
        result = category(
            evaluate(as_of=date(2026, 11, 22), latest_registration_date=date(2025, 11, 22)),
            C.LONG_TERM_UNEMPLOYED,
        )
        assert result.met

    @pytest.mark.parametrize(("as_of", "met"), [(date(2025, 2, 27), False), (date(2025, 2, 28), True)])
    def test_registered_on_29_february(self, as_of: date, met: bool) -> None:
        result = category(evaluate(as_of=as_of, latest_registration_date=date(2024, 2, 29)), C.LONG_TERM_UNEMPLOYED)
        assert result.met is met

    def test_employed_since_registration(self) -> None:
        result = category(
            evaluate(latest_registration_date=date(2024, 1, 1), employed_since_latest_registration=True),
            C.LONG_TERM_UNEMPLOYED,
        )
        assert not result.met
        assert result.field == "facts.employed_since_latest_registration"

    def test_no_registration(self) -> None:
        result = category(evaluate(), C.LONG_TERM_UNEMPLOYED)
        assert not result.met
        assert result.field == "facts.latest_registration_date"
        assert "no unemployment registration" in result.reason


class TestRetiredSoldier:
    @pytest.mark.parametrize(
        ("as_of", "met"),
        [(date(2026, 11, 21), False), (date(2026, 11, 22), True), (date(2026, 11, 23), True)],
    )
    def test_six_months_registered(self, as_of: date, met: bool) -> None:
        result = category(
            evaluate(as_of=as_of, retired_soldier=True, latest_registration_date=date(2026, 5, 22)),
            C.RETIRED_SOLDIER,
        )
        assert result.met is met
        assert "6 months" in result.reason and "6个月" in result.reason_zh
        assert "2026-05-22" in result.reason
        assert result.source == f"{PLAN}六(一)11"

    def test_not_a_soldier(self) -> None:
        result = category(evaluate(latest_registration_date=date(2025, 1, 1)), C.RETIRED_SOLDIER)
        assert not result.met
        assert result.field == "facts.retired_soldier"

    def test_soldier_without_registration(self) -> None:
        result = category(evaluate(retired_soldier=True), C.RETIRED_SOLDIER)
        assert not result.met
        assert result.field == "facts.latest_registration_date"

    def test_soldier_employed_since_registration(self) -> None:
        result = category(
            evaluate(
                retired_soldier=True,
                latest_registration_date=date(2025, 1, 1),
                employed_since_latest_registration=True,
            ),
            C.RETIRED_SOLDIER,
        )
        assert not result.met

    def test_months_come_from_the_pack(self, tmp_path: Path) -> None:
        write_pack(tmp_path, "base", {**base_values(), "veteran_registered_months": 3}, default=True)
        pack = PolicyRegistry.load(tmp_path).default
        result = category(
            evaluate(pack, retired_soldier=True, latest_registration_date=date(2026, 8, 22)),
            C.RETIRED_SOLDIER,
        )
        assert result.met
        assert result.source == "test veteran_registered_months 2024-01-01"


class TestCriticallyIllRelative:
    def test_without_a_diagnosis_date(self) -> None:
        result = category(evaluate(supports_critically_ill_relative=True), C.SUPPORTS_CRITICALLY_ILL_RELATIVE)
        assert result.met
        assert "3 months" in result.reason

    @pytest.mark.parametrize(
        ("diagnosed", "met"),
        [(date(2026, 8, 21), False), (date(2026, 8, 22), True), (date(2026, 8, 23), True), (AS_OF, True)],
    )
    def test_diagnosis_within_three_months(self, diagnosed: date, met: bool) -> None:
        result = category(
            evaluate(supports_critically_ill_relative=True, critical_illness_diagnosed_on=diagnosed),
            C.SUPPORTS_CRITICALLY_ILL_RELATIVE,
        )
        assert result.met is met
        assert diagnosed.isoformat() in result.reason and date_zh(diagnosed) in result.reason_zh
        assert result.field == "facts.critical_illness_diagnosed_on"
        assert f"{PLAN}六(三)10" in result.source

    @pytest.mark.parametrize(
        ("diagnosed", "met"), [(date(2026, 2, 27), False), (date(2026, 2, 28), True), (date(2026, 3, 1), True)]
    )
    def test_window_is_counted_back_from_the_application(self, diagnosed: date, met: bool) -> None:
        # Civil Code art. 202: 2026-05-31 less 3 months has no 31 February, so the window opens on the
        # month's last day, 2026-02-28. Counted forward, 2026-02-28 + 3 months = 2026-05-28 would miss it.
        result = category(
            evaluate(
                as_of=date(2026, 5, 31), supports_critically_ill_relative=True, critical_illness_diagnosed_on=diagnosed
            ),
            C.SUPPORTS_CRITICALLY_ILL_RELATIVE,
        )
        assert result.met is met
        assert "2026年2月28日" in result.reason_zh and "2026-02-28" in result.reason

    def test_date_without_the_fact(self) -> None:
        result = category(evaluate(critical_illness_diagnosed_on=date(2026, 10, 1)), C.SUPPORTS_CRITICALLY_ILL_RELATIVE)
        assert not result.met


class TestInputValidation:
    @pytest.mark.parametrize(
        ("kwargs", "loc"),
        [
            ({"birth_date": date(2026, 11, 23)}, ("person", "birth_date")),
            ({"latest_registration_date": date(2026, 11, 23)}, ("facts", "latest_registration_date")),
            ({"latest_registration_date": date(1980, 1, 1)}, ("facts", "latest_registration_date")),
            (
                {"critical_illness_diagnosed_on": date(2026, 11, 23)},
                ("facts", "critical_illness_diagnosed_on"),
            ),
            ({"hukou_region_code": "44020"}, ("person", "hukou_region_code")),
            ({"hukou_region_code": "4402AB"}, ("person", "hukou_region_code")),
            ({"agency_region_code": "4"}, ("agency_region_code",)),
            ({"gender": "other"}, ("person", "gender")),
            ({"hukou_type": "suburban"}, ("person", "hukou_type")),
            ({"disability_cert": True}, ("facts", "disability_cert")),
        ],
    )
    def test_rejected_with_the_field(self, kwargs: dict[str, Any], loc: tuple[str, ...]) -> None:
        with pytest.raises(ValidationError) as caught:
            DifficultyRequest.model_validate(body(**kwargs))
        assert loc in error_locs(caught.value)

    def test_status_is_required(self) -> None:
        document = body()
        del document["status"]
        with pytest.raises(ValidationError) as caught:
            DifficultyRequest.model_validate(document)
        assert ("status",) in error_locs(caught.value)

    def test_omitted_facts_are_false(self) -> None:
        document = body()
        del document["facts"]
        evaluation = evaluate_difficulty(difficulty_case(DifficultyRequest.model_validate(document)), PACK)
        assert evaluation.categories_met == ()


class TestHouseholdSituation:
    @pytest.mark.parametrize(
        ("hukou", "agency", "situation"),
        [
            ("440203", "440204", HouseholdSituation.THIS_CITY),
            ("440203", "440203001", HouseholdSituation.THIS_CITY),
            ("440203", None, HouseholdSituation.THIS_CITY),
            ("440203", "44", HouseholdSituation.THIS_CITY),
            ("440104", "440203", HouseholdSituation.OTHER_CITY_IN_PROVINCE),
            ("620102", "440203", HouseholdSituation.OUTSIDE_PROVINCE),
        ],
    )
    def test_situation(self, hukou: str, agency: str | None, situation: HouseholdSituation) -> None:
        assert household_situation(hukou, agency, "44") is situation


class TestRequiredMaterials:
    def codes(self, evaluation: DifficultyEvaluation) -> list[str]:
        return [m.code for m in evaluation.required_materials]

    def test_this_city_needs_only_the_id_card(self) -> None:
        evaluation = evaluate(hukou_region_code="440203", agency_region_code="440204")
        assert self.codes(evaluation) == ["id_card"]
        assert evaluation.required_materials[0].source == f"{PLAN}六(三)"

    def test_other_guangdong_city_adds_the_residence_permit(self) -> None:
        evaluation = evaluate(hukou_region_code="440104", agency_region_code="440203")
        assert self.codes(evaluation) == ["id_card", "residence_permit"]
        assert "居住证" in evaluation.required_materials[1].name_zh

    def test_outside_the_province_no_residence_permit(self) -> None:
        assert self.codes(evaluate(hukou_region_code="620102", agency_region_code="440203")) == ["id_card"]

    @pytest.mark.parametrize(
        ("facts", "hukou_type", "expected", "source"),
        [
            ({"disability_certificate": True}, "urban", ["disability_certificate"], f"{PLAN}六(三)1"),
            ({"subsistence_allowance": True}, "urban", ["subsistence_allowance_certificate"], f"{PLAN}六(三)2"),
            (
                {"urban_zero_employment_family": True},
                "urban",
                ["household_register", "family_unemployment_commitment"],
                f"{PLAN}六(三)3",
            ),
            (
                {"rural_zero_transfer_poor_family": True},
                "rural",
                ["household_register", "poor_family_documents", "family_unemployment_commitment"],
                f"{PLAN}六(三)4",
            ),
            (
                {"landless_farmer": True},
                "urban",
                ["land_expropriation_documents", "personal_unemployment_commitment"],
                f"{PLAN}六(三)5",
            ),
            ({"drug_rehabilitated": True}, "urban", ["drug_rehabilitation_documents"], f"{PLAN}六(三)6"),
            ({"released_prisoner": True}, "urban", ["release_documents"], f"{PLAN}六(三)7"),
            (
                {"mental_disorder_rehabilitated": True},
                "urban",
                ["mental_rehabilitation_documents"],
                f"{PLAN}六(三)8",
            ),
            (
                {"retired_soldier": True, "latest_registration_date": date(2026, 1, 1)},
                "urban",
                ["discharge_documents"],
                f"{PLAN}六(三)9",
            ),
            (
                {"supports_critically_ill_relative": True},
                "urban",
                ["household_register", "critical_illness_diagnosis"],
                f"{PLAN}六(三)10",
            ),
        ],
    )
    def test_each_category_adds_its_documents(
        self, facts: dict[str, Any], hukou_type: str, expected: list[str], source: str
    ) -> None:
        evaluation = evaluate(hukou_type=hukou_type, **facts)
        assert self.codes(evaluation) == ["id_card", *expected]
        for material in evaluation.required_materials[1:]:
            assert material.source == source
            assert material.name and HAN.search(material.name_zh)

    @pytest.mark.parametrize(
        "facts",
        [
            {"latest_registration_date": date(2024, 1, 1)},  # long_term_unemployed
            {},  # older_unemployed only (age 46)
        ],
    )
    def test_categories_without_documents_ask_for_nothing_more(self, facts: dict[str, Any]) -> None:
        evaluation = evaluate(birth_date=date(1980, 1, 1), **facts)
        assert evaluation.categories_met
        assert self.codes(evaluation) == ["id_card"]

    def test_categories_not_met_add_nothing(self) -> None:
        # A soldier not yet registered 6 months: the category fails, so no discharge documents.
        evaluation = evaluate(retired_soldier=True, latest_registration_date=date(2026, 11, 1))
        assert self.codes(evaluation) == ["id_card"]

    def test_everything_listed_once(self) -> None:
        evaluation = evaluate(
            hukou_region_code="440104",
            agency_region_code="440203",
            urban_zero_employment_family=True,
            supports_critically_ill_relative=True,
            disability_certificate=True,
        )
        codes = self.codes(evaluation)
        assert codes == [
            "id_card",
            "residence_permit",
            "disability_certificate",
            "household_register",
            "family_unemployment_commitment",
            "critical_illness_diagnosis",
        ]
        register = evaluation.required_materials[3]
        assert register.source == f"{PLAN}六(三)3；{PLAN}六(三)10"

    def test_diagnosis_window_comes_from_the_pack(self, tmp_path: Path) -> None:
        write_pack(tmp_path, "base", {**base_values(), "critical_illness_diagnosis_months": 2}, default=True)
        pack = PolicyRegistry.load(tmp_path).default
        evaluation = evaluate(pack, supports_critically_ill_relative=True)
        diagnosis = evaluation.required_materials[-1]
        assert "within 2 months" in diagnosis.name
        assert "申请之日前2个月内" in diagnosis.name_zh

    def test_material_table_covers_every_category(self) -> None:
        assert material_categories() | CATEGORIES_WITHOUT_MATERIALS == {c.value for c in DifficultyCategory}
        assert not material_categories() & CATEGORIES_WITHOUT_MATERIALS

    def test_required_materials_function(self) -> None:
        materials = required_materials(HouseholdSituation.THIS_CITY, (C.LANDLESS_FARMER,), diagnosis_months=3)
        assert [m.code for m in materials] == [
            "id_card",
            "land_expropriation_documents",
            "personal_unemployment_commitment",
        ]


class TestEffectiveDatesInDecisions:
    def test_a_later_change_does_not_rewrite_an_earlier_decision(self, tmp_path: Path) -> None:
        values: dict[str, Any] = dict(base_values())
        values["older_unemployed_age_female"] = [(40, date(2024, 1, 1)), (45, date(2027, 1, 1))]
        write_pack(tmp_path, "base", values, default=True)
        pack = PolicyRegistry.load(tmp_path).default
        birth = date(1984, 1, 1)
        before = category(evaluate(pack, as_of=date(2026, 12, 31), birth_date=birth), C.OLDER_UNEMPLOYED)
        after = category(evaluate(pack, as_of=date(2027, 1, 1), birth_date=birth), C.OLDER_UNEMPLOYED)
        assert before.met and "needs 40" in before.reason
        assert before.source == "test older_unemployed_age_female 2024-01-01"
        assert not after.met and "needs 45" in after.reason
        assert after.source == "test older_unemployed_age_female 2027-01-01"


FACT_NAMES = [
    "disability_certificate",
    "subsistence_allowance",
    "urban_zero_employment_family",
    "rural_zero_transfer_poor_family",
    "landless_farmer",
    "employed_since_latest_registration",
    "drug_rehabilitated",
    "released_prisoner",
    "mental_disorder_rehabilitated",
    "retired_soldier",
    "supports_critically_ill_relative",
]


@st.composite
def requests(draw: st.DrawFn) -> DifficultyRequest:
    as_of = draw(st.dates(min_value=date(2024, 4, 6), max_value=date(2035, 12, 31)))
    birth = draw(st.dates(min_value=date(1940, 1, 1), max_value=as_of))
    facts: dict[str, Any] = {name: draw(st.booleans()) for name in FACT_NAMES}
    facts["latest_registration_date"] = draw(st.none() | st.dates(min_value=birth, max_value=as_of))
    facts["critical_illness_diagnosed_on"] = draw(st.none() | st.dates(min_value=date(2023, 1, 1), max_value=as_of))
    gender = draw(st.sampled_from(["male", "female"]))
    document = body(
        as_of=as_of,
        gender=gender,
        birth_date=birth,
        hukou_region_code=draw(st.sampled_from(["440203", "440104", "620102", "110101001"])),
        hukou_type=draw(st.sampled_from(["urban", "rural"])),
        agency_region_code=draw(st.sampled_from([None, "440203", "44", "440104001"])),
        status={k: draw(st.booleans()) for k in ("unemployed", "able_to_work", "wants_work")},
        **facts,
    )
    return DifficultyRequest.model_validate(document)


class TestEvaluationProperties:
    @settings(max_examples=300, deadline=None)
    @given(requests())
    def test_invariants(self, request: DifficultyRequest) -> None:
        evaluation = evaluate_difficulty(difficulty_case(request), PACK)
        met = tuple(r.category for r in evaluation.categories if r.met)
        assert evaluation.categories_met == met
        assert evaluation.eligible == (bool(met) and all(r.met for r in evaluation.base_rules))
        codes = [m.code for m in evaluation.required_materials]
        assert codes[0] == "id_card" and len(codes) == len(set(codes))
        for result in (*evaluation.base_rules, *evaluation.categories):
            assert result.reason and result.source
            assert HAN.search(result.reason_zh)
        assert evaluation.retirement_date > request.person.birth_date

    @settings(max_examples=300, deadline=None)
    @given(requests())
    def test_older_unemployed_matches_the_age_threshold(self, request: DifficultyRequest) -> None:
        result = category(evaluate_difficulty(difficulty_case(request), PACK), C.OLDER_UNEMPLOYED)
        threshold = 40 if request.person.gender == "female" else 50
        assert result.met == (age_on(request.person.birth_date, request.as_of) >= threshold)

    @settings(max_examples=300, deadline=None)
    @given(requests())
    def test_long_term_unemployed_matches_the_period(self, request: DifficultyRequest) -> None:
        result = category(evaluate_difficulty(difficulty_case(request), PACK), C.LONG_TERM_UNEMPLOYED)
        registered = request.facts.latest_registration_date
        expected = (
            registered is not None
            and not request.facts.employed_since_latest_registration
            and add_months(registered, 12) <= request.as_of
        )
        assert result.met == expected
