"""Tests of the policy packs: bundled values, region lookup, effective dates and load-time validation."""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Mapping
from datetime import date
from pathlib import Path

import pytest

from shared.policy import (
    CITATION_NAMES,
    PARAMETER_NAMES,
    ParameterNotInForceError,
    ParameterValue,
    PolicyPackError,
    PolicyRegistry,
    default_registry,
)
from shared.policy.documents import cited_documents, documents
from shared.timerules import RetirementCategory
from tests.support import PLAN

ON = date(2026, 11, 22)
# What the Gansu pack sets from its own notice (甘人社通〔2020〕111号, 2020-03-31) instead of inheriting.
GANSU_OWN = frozenset({
    "registration_window_workdays", "registration_online_workdays", "followups_per_month",
    "unreachable_months_to_deregister", "refusals_to_deregister", "working_age_min", "difficulty_hukou_province",
})


def cited_documents_of(value: ParameterValue) -> tuple[object, ...]:
    """Returns the documents a value's citation resolves to (None for a part naming none)."""
    return tuple(documents().get(key) for key in value.documents) if value.documents else (None,)

# The parameter table of rules.md (defaults: Guangdong/Shaoguan), split where it pairs two values,
# money in fen and shares in basis points.
RULES_MD_TABLE: dict[str, object] = {
    "registration_online_workdays": 2,
    "first_contact_workdays": 5,
    "followups_per_month": 1,
    "unreachable_months_to_deregister": 6,
    "refusals_to_deregister": 3,
    "difficulty_hukou_province": "44",
    "difficulty_preliminary_workdays": 5,
    "difficulty_review_workdays": 10,
    "difficulty_notice_workdays": 5,
    "difficulty_rereview_days": 30,
    "older_unemployed_age_female": 40,
    "older_unemployed_age_male": 50,
    "veteran_registered_months": 6,
    "loan_age_max_female": 55,
    "loan_age_max_male": 60,
    "loan_individual_max_fen": 300_000_00,
    "loan_individual_max_with_jobs_fen": 500_000_00,
    "loan_enterprise_max_fen": 5_000_000_00,
    "loan_term_months_individual": 36,
    "loan_term_months_enterprise": 24,
    "loan_max_count": 3,
    "loan_consumer_debt_limit_fen": 100_000_00,
    "loan_nonkey_business_age_years": 3,
    "loan_enterprise_hire_ratio_small_bp": 1000,
    "loan_enterprise_hire_ratio_large_bp": 500,
    "loan_rate_cap_over_lpr_bp": 50,
    "loan_interest_subsidy_share_bp": 5000,
    "skill_subsidy_window_months": 12,
    "skill_review_workdays": 15,
    "skill_notice_workdays": 5,
    "skill_payment_workdays": 60,
    "living_allowance_fen": 500_00,
    "job_seeker_review_workdays": 1,
    "vacancy_review_workdays": 1,
    "retirement_category_default_female": RetirementCategory.FEMALE_50,
    "tier2_due_months": 1,
    "tier3_plan_workdays": 10,
    "revisit_first_months": 1,
    "revisit_interval_months": 3,
    "revisit_until_months": 12,
}
# Numbers the seeds state inside rules that the table leaves implicit.
SEED_NUMBERS: dict[str, object] = {
    "working_age_min": 16,
    "long_term_unemployed_months": 12,
    "critical_illness_diagnosis_months": 3,
    "loan_jobs_for_higher_max": 5,
    "loan_enterprise_large_staff_over": 100,
}


def _toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, RetirementCategory):
        return json.dumps(value.value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, date):
        return value.isoformat()
    return repr(value)


def base_values() -> dict[str, object]:
    """Returns every parameter of the bundled default pack as in force in 2026."""
    params = default_registry().default.params(ON)
    return {name: getattr(params, name) for name in PARAMETER_NAMES}


def write_pack(
    directory: Path,
    pack_id: str,
    params: Mapping[str, object | list[tuple[object, date]]],
    *,
    default: bool = False,
    extends: str | None = None,
    prefixes: tuple[str, ...] = ("44",),
    effective_from: date = date(2024, 1, 1),
    header_extra: str = "",
    citations: Mapping[str, str] | None = None,
) -> Path:
    """Writes a pack file; a list value gives several (value, effective_from) entries. A pack that extends
    none cites a test clause for every citation name unless `citations` is given."""
    lines = [
        "[pack]",
        f'id = "{pack_id}"',
        f'name = "{pack_id}"',
        'name_zh = "测试"',
        f"region_prefixes = {json.dumps(list(prefixes))}",
        f"default = {'true' if default else 'false'}",
    ]
    if extends:
        lines.append(f'extends = "{extends}"')
    if header_extra:
        lines.append(header_extra)
    for name, value in params.items():
        entries = value if isinstance(value, list) else [(value, effective_from)]
        for entry_value, entry_from in entries:
            lines += [
                "",
                f"[[params.{name}]]",
                f"value = {_toml_value(entry_value)}",
                f"effective_from = {entry_from.isoformat()}",
                f'source = "test {name} {entry_from.isoformat()}"',
            ]
    if citations is None and extends is None:
        citations = {name: f"test citation {name}" for name in sorted(CITATION_NAMES)}
    if citations:
        lines += ["", "[citations]", *(f"{name} = {json.dumps(text, ensure_ascii=False)}"
                                       for name, text in citations.items())]
    path = directory / f"{pack_id}.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def expect_pack_error(directory: Path, pack: str | None, parameter: str | None, fragment: str) -> PolicyPackError:
    """Loads a directory expecting a PolicyPackError naming the pack and parameter."""
    with pytest.raises(PolicyPackError) as caught:
        PolicyRegistry.load(directory)
    error = caught.value
    assert error.pack == pack
    assert error.parameter == parameter
    assert fragment in str(error)
    if pack:
        assert pack in str(error)
    if parameter:
        assert parameter in str(error)
    return error


class TestBundledDefaultPack:
    def test_every_table_parameter_has_the_rules_md_value(self) -> None:
        params = default_registry().default.params(ON)
        for name, expected in {**RULES_MD_TABLE, **SEED_NUMBERS}.items():
            assert getattr(params, name) == expected, name

    def test_no_parameter_is_left_out_of_the_checks(self) -> None:
        checked = set(RULES_MD_TABLE) | set(SEED_NUMBERS) | {"minimum_living_standard_fen"}
        checked |= {"registration_window_workdays"}  # TestWindowDeadline
        assert checked == set(PARAMETER_NAMES)

    def test_default_pack_is_shaoguan_for_province_44(self) -> None:
        registry = default_registry()
        assert registry.default.id == "cn-44-shaoguan"
        assert registry.default.region_prefixes == ("44",)
        assert registry.default.name_zh == "广东省韶关市"

    def test_every_value_names_its_source_and_date(self) -> None:
        pack = default_registry().default
        for name in PARAMETER_NAMES:
            value = pack.param(name, ON)
            assert value.source.strip(), name
            assert value.effective_from <= ON

    def test_sources_cite_the_seed_clauses(self) -> None:
        pack = default_registry().default
        assert pack.param("registration_online_workdays", ON).source == f"{PLAN}一(四)2"
        assert pack.param("older_unemployed_age_female", ON).source == f"{PLAN}六(一)1"
        assert pack.param("veteran_registered_months", ON).source == f"{PLAN}六(一)11"
        assert pack.param("loan_consumer_debt_limit_fen", ON).source == f"{PLAN}五(二)1(1)④"
        assert pack.param("loan_rate_cap_over_lpr_bp", ON).source == f"{PLAN}五(二)3"

    def test_minimum_living_standard_is_a_marked_local_placeholder(self) -> None:
        value = default_registry().default.param("minimum_living_standard_fen", ON)
        assert value.source.startswith("各市自定；此为占位值")
        assert isinstance(value.value, int) and value.value > 0

    def test_money_and_shares_are_integers(self) -> None:
        params = default_registry().default.params(ON)
        for name in PARAMETER_NAMES:
            if name.endswith(("_fen", "_bp")):
                assert type(getattr(params, name)) is int, name

    def test_parameters_are_frozen(self) -> None:
        params = default_registry().default.params(ON)
        with pytest.raises(Exception, match="frozen"):
            params.loan_max_count = 4  # type: ignore[misc]


class TestBundledGansuPack:
    def test_overrides_online_registration_deadline_from_seed_002(self) -> None:
        gansu = default_registry().get("cn-62-gansu")
        value = gansu.param("registration_online_workdays", ON)
        assert value.value == 7
        assert value.source == "甘人社通〔2020〕111号 三"
        assert gansu.params(ON).registration_online_workdays == 7

    def test_inherits_everything_else_from_the_default_pack(self) -> None:
        registry = default_registry()
        gansu, default = registry.get("cn-62-gansu"), registry.default
        assert gansu.extends == default.id
        own = {name for name in PARAMETER_NAMES if gansu.param(name, ON).effective_from == date(2020, 3, 31)}
        assert own == GANSU_OWN
        for name in PARAMETER_NAMES - GANSU_OWN:
            assert gansu.param(name, ON) == default.param(name, ON), name

    def test_comments_flag_inherited_guangdong_values(self) -> None:
        text = (Path(__file__).parents[2] / "shared/policy/packs/cn-62-gansu.toml").read_text(encoding="utf-8")
        for name in (
            "minimum_living_standard_fen",
            "difficulty_review_workdays",
        ):
            assert f"# - {name}" in text, name


    def test_answers_for_registrations_from_its_own_notice_of_2020_03_31(self) -> None:
        gansu = default_registry().get("cn-62-gansu")
        for name in ("registration_online_workdays", "registration_window_workdays", "working_age_min"):
            value = gansu.param(name, date(2023, 6, 1))
            assert value.effective_from == date(2020, 3, 31) and value.source.startswith("甘人社通〔2020〕111号"), name
        with pytest.raises(ParameterNotInForceError):
            gansu.param("registration_online_workdays", date(2020, 3, 30))

    def test_window_registrations_take_7_working_days_by_its_own_notice(self) -> None:
        value = default_registry().get("cn-62-gansu").param("registration_window_workdays", ON)
        assert (value.value, value.source) == (7, "甘人社通〔2020〕111号 三")

    def test_hukou_province_is_gansus_own(self) -> None:
        value = default_registry().get("cn-62-gansu").param("difficulty_hukou_province", ON)
        assert value.value == "62" and "shaoguan-plan" not in value.documents

    def test_deregistration_cites_the_gansu_notice_and_shaoguan_the_national_one(self) -> None:
        registry = default_registry()
        assert registry.get("cn-62-gansu").citation("deregistration") == "甘人社通〔2020〕111号 五"
        assert registry.default.citation("deregistration") == "人社厅发〔2020〕3号"


class TestShaoguanPlanDate:
    def test_values_of_the_plan_apply_from_its_issue_on_2024_04_06(self) -> None:
        pack = default_registry().default
        plan_values = [n for n in PARAMETER_NAMES if pack.param(n, ON).documents == ("shaoguan-plan",)]
        assert len(plan_values) > 20
        for name in plan_values:
            assert pack.param(name, ON).effective_from == date(2024, 4, 6), name
        with pytest.raises(ParameterNotInForceError):
            pack.params(date(2024, 4, 5))
        assert pack.params(date(2024, 4, 6)).registration_online_workdays == 2
        assert pack.param("registration_window_workdays", ON).source == f"{PLAN}一(四)1"


class TestCitations:
    def test_every_bundled_source_names_a_document_of_the_table(self) -> None:
        for pack in default_registry().packs.values():
            for name in PARAMETER_NAMES:
                for value in pack.history(name):
                    parts = cited_documents_of(value)
                    assert parts and None not in parts, (pack.id, name, value.source)
                    assert not re.search(r"\d{3} §|rules\.md|[A-Za-z]{4,}", value.source), (pack.id, name)

    def test_a_pack_may_not_cite_another_regions_document(self, tmp_path: Path) -> None:
        write_pack(tmp_path, "base", base_values(), default=True, prefixes=("44",))
        path = tmp_path / "base.toml"
        text = path.read_text(encoding="utf-8").replace(
            'source = "test loan_max_count 2024-01-01"', 'source = "gansu-notice-2020 五"', 1
        )
        path.write_text(text, encoding="utf-8")
        expect_pack_error(tmp_path, "base", "loan_max_count", "outside the pack's regions")

    def test_unknown_citation_names_are_refused(self, tmp_path: Path) -> None:
        write_pack(tmp_path, "base", base_values(), default=True)
        path = tmp_path / "base.toml"
        text = path.read_text(encoding="utf-8").replace("[citations]\n", '[citations]\nappeal = "civil-code"\n', 1)
        path.write_text(text, encoding="utf-8")
        expect_pack_error(tmp_path, "base", "appeal", "unknown citation")


class TestPackCitations:
    """Each pack cites its own region's documents for the rules that are not parameter values."""

    def test_both_packs_define_every_citation_name(self) -> None:
        registry = default_registry()
        for pack_id in ("cn-44-shaoguan", "cn-62-gansu"):
            pack = registry.get(pack_id)
            for name in CITATION_NAMES:
                assert pack.citation(name), (pack_id, name)

    def test_every_citation_names_documents_that_bind_the_packs_region(self) -> None:
        root = Path(__file__).parents[2] / "shared/policy/packs"
        for pack_id, region in (("cn-44-shaoguan", "44"), ("cn-62-gansu", "62")):
            own = tomllib.loads((root / f"{pack_id}.toml").read_text(encoding="utf-8"))["citations"]
            for name in CITATION_NAMES:
                # What the pack sets itself, else what it inherits from the pack it extends.
                reference = own.get(name) or tomllib.loads(
                    (root / "cn-44-shaoguan.toml").read_text(encoding="utf-8"))["citations"][name]
                cited = cited_documents(reference)
                assert cited and None not in cited, (pack_id, name, reference)
                for doc in cited:
                    assert doc is not None and doc.binds(region), (pack_id, name, doc)

    def test_gansu_cites_the_gansu_notice_for_every_rule_and_never_the_shaoguan_plan(self) -> None:
        gansu = default_registry().get("cn-62-gansu")
        for name in CITATION_NAMES:
            assert gansu.citation(name).startswith("甘人社通〔2020〕111号 "), name
            assert "韶关" not in gansu.citation(name), name

    def test_shaoguan_cites_no_gansu_document(self) -> None:
        shaoguan = default_registry().default
        for name in CITATION_NAMES:
            assert "甘人社通" not in shaoguan.citation(name), name

    @pytest.mark.parametrize(
        ("name", "shaoguan", "gansu"),
        [
            ("followup_monthly", f"{PLAN}二(二)1", "甘人社通〔2020〕111号 五"),
            ("recommendation", f"{PLAN}四(二)2(2)", "甘人社通〔2020〕111号 四(三)"),
            ("identity", f"{PLAN}一(二)2", "甘人社通〔2020〕111号 三"),
            ("classification_entrepreneur", f"{PLAN}五", "甘人社通〔2020〕111号 四(四)"),
            ("statistics", "人社厅发〔2020〕3号", "甘人社通〔2020〕111号 六"),
        ],
    )
    def test_region_lookup_gives_each_regions_clause(self, name: str, shaoguan: str, gansu: str) -> None:
        registry = default_registry()
        assert registry.for_region("440203").citation(name) == shaoguan
        assert registry.for_region("620102").citation(name) == gansu

    def test_a_pack_missing_a_citation_is_refused_naming_it(self, tmp_path: Path) -> None:
        citations = {name: "civil-code" for name in CITATION_NAMES if name != "revisit"}
        write_pack(tmp_path, "base", base_values(), default=True, citations=citations)
        expect_pack_error(tmp_path, "base", "revisit", "missing citation")

    def test_a_child_pack_inherits_the_citations_it_does_not_set(self, tmp_path: Path) -> None:
        write_pack(tmp_path, "base", base_values(), default=True)
        write_pack(tmp_path, "child", {}, extends="base", prefixes=("62",), citations={"revisit": "civil-code"})
        child = PolicyRegistry.load(tmp_path).get("child")
        assert child.citation("revisit") == "《中华人民共和国民法典》"
        assert child.citation("statistics") == "test citation statistics"


class TestRegionLookup:
    @pytest.mark.parametrize(
        ("region", "pack_id"),
        [
            ("440203", "cn-44-shaoguan"),
            ("44", "cn-44-shaoguan"),
            ("620102", "cn-62-gansu"),
            ("620102001", "cn-62-gansu"),
            ("110101", "cn-44-shaoguan"),  # unknown region: the default pack
            ("", "cn-44-shaoguan"),
        ],
    )
    def test_for_region(self, region: str, pack_id: str) -> None:
        assert default_registry().for_region(region).id == pack_id

    def test_longest_prefix_wins(self, tmp_path: Path) -> None:
        values = base_values()
        write_pack(tmp_path, "base", values, default=True, prefixes=("44",))
        write_pack(tmp_path, "city", {"registration_online_workdays": 1}, extends="base", prefixes=("4402",))
        registry = PolicyRegistry.load(tmp_path)
        assert registry.for_region("440203").id == "city"
        assert registry.for_region("440104").id == "base"
        assert registry.for_region("440203").params(ON).registration_online_workdays == 1

    def test_unknown_pack_id(self) -> None:
        with pytest.raises(PolicyPackError, match="no such pack"):
            default_registry().get("cn-11-beijing")


class TestEffectiveDates:
    def _registry(self, tmp_path: Path) -> PolicyRegistry:
        values: dict[str, object | list[tuple[object, date]]] = dict(base_values())
        values["loan_max_count"] = [(3, date(2024, 1, 1)), (4, date(2026, 7, 1))]
        write_pack(tmp_path, "base", values, default=True)
        write_pack(
            tmp_path,
            "child",
            {"registration_online_workdays": [(7, date(2025, 1, 1))]},
            extends="base",
            prefixes=("62",),
        )
        return PolicyRegistry.load(tmp_path)

    def test_value_in_force_the_day_before_a_change(self, tmp_path: Path) -> None:
        pack = self._registry(tmp_path).get("base")
        assert pack.params(date(2026, 6, 30)).loan_max_count == 3
        assert pack.param("loan_max_count", date(2026, 6, 30)).effective_from == date(2024, 1, 1)

    def test_new_value_applies_from_its_effective_date(self, tmp_path: Path) -> None:
        pack = self._registry(tmp_path).get("base")
        assert pack.params(date(2026, 7, 1)).loan_max_count == 4
        assert pack.params(date(2026, 7, 2)).loan_max_count == 4
        value = pack.param("loan_max_count", date(2026, 7, 1))
        assert (value.value, value.effective_from, value.source) == (
            4,
            date(2026, 7, 1),
            "test loan_max_count 2026-07-01",
        )
        assert pack.sources(date(2026, 7, 1))["loan_max_count"] == "test loan_max_count 2026-07-01"

    def test_past_decisions_keep_the_old_value(self, tmp_path: Path) -> None:
        # A change loaded later does not rewrite what applied on an earlier date.
        pack = self._registry(tmp_path).get("base")
        assert pack.params(date(2025, 3, 1)).loan_max_count == 3
        assert [v.value for v in pack.history("loan_max_count")] == [3, 4]

    def test_child_inherits_the_parents_later_change(self, tmp_path: Path) -> None:
        child = self._registry(tmp_path).get("child")
        assert child.params(date(2026, 6, 30)).loan_max_count == 3
        assert child.params(date(2026, 7, 1)).loan_max_count == 4

    def test_child_override_replaces_the_parents_history(self, tmp_path: Path) -> None:
        child = self._registry(tmp_path).get("child")
        assert child.params(date(2026, 7, 1)).registration_online_workdays == 7
        assert [v.value for v in child.history("registration_online_workdays")] == [7]

    def test_no_value_before_the_earliest_date(self, tmp_path: Path) -> None:
        pack = self._registry(tmp_path).get("base")
        with pytest.raises(ParameterNotInForceError, match="2023-12-31"):
            pack.params(date(2023, 12, 31))
        with pytest.raises(ParameterNotInForceError) as caught:
            pack.param("loan_max_count", date(2023, 12, 31))
        assert caught.value.parameter == "loan_max_count"

    def test_partial_segment_names_the_parameter_not_yet_in_force(self, tmp_path: Path) -> None:
        # The child's own value starts in 2025, the inherited ones in 2024: asking for 2024 dates
        # through the child fails on the first parameter without a value then.
        values: dict[str, object | list[tuple[object, date]]] = dict(base_values())
        values["loan_max_count"] = [(3, date(2025, 1, 1))]
        write_pack(tmp_path, "base", values, default=True)
        pack = PolicyRegistry.load(tmp_path).get("base")
        with pytest.raises(ParameterNotInForceError) as caught:
            pack.params(date(2024, 6, 1))
        assert caught.value.parameter == "loan_max_count"
        assert pack.params(date(2025, 1, 1)).loan_max_count == 3


class TestValidation:
    def test_unknown_parameter(self, tmp_path: Path) -> None:
        write_pack(tmp_path, "base", {**base_values(), "loan_max_cuont": 3}, default=True)
        expect_pack_error(tmp_path, "base", "loan_max_cuont", "unknown parameter")

    def test_missing_parameter(self, tmp_path: Path) -> None:
        values = base_values()
        del values["veteran_registered_months"]
        write_pack(tmp_path, "base", values, default=True)
        expect_pack_error(tmp_path, "base", "veteran_registered_months", "missing parameter")

    @pytest.mark.parametrize(
        ("name", "value", "fragment"),
        [
            ("loan_max_count", "3", "expected int"),
            ("loan_max_count", True, "expected int"),
            ("loan_individual_max_fen", 300000.0, "expected int"),
            ("difficulty_hukou_province", 44, "expected str"),
            ("retirement_category_default_female", "female_60", "wrong type"),
        ],
    )
    def test_wrong_type(self, tmp_path: Path, name: str, value: object, fragment: str) -> None:
        write_pack(tmp_path, "base", {**base_values(), name: value}, default=True)
        expect_pack_error(tmp_path, "base", name, fragment)

    @pytest.mark.parametrize(
        ("name", "value"),
        [
            ("loan_max_count", 0),
            ("loan_individual_max_fen", -1),
            ("loan_interest_subsidy_share_bp", 10_001),
            ("difficulty_hukou_province", "4"),
            ("retirement_category_default_female", "male"),
        ],
    )
    def test_value_out_of_range(self, tmp_path: Path, name: str, value: object) -> None:
        write_pack(tmp_path, "base", {**base_values(), name: value}, default=True)
        expect_pack_error(tmp_path, "base", name, "invalid value")

    def test_duplicate_effective_from(self, tmp_path: Path) -> None:
        values: dict[str, object | list[tuple[object, date]]] = dict(base_values())
        values["loan_max_count"] = [(3, date(2024, 1, 1)), (4, date(2024, 1, 1))]
        write_pack(tmp_path, "base", values, default=True)
        expect_pack_error(tmp_path, "base", "loan_max_count", "duplicate effective_from 2024-01-01")

    def test_effective_from_must_be_a_date(self, tmp_path: Path) -> None:
        path = write_pack(tmp_path, "base", base_values(), default=True)
        text = path.read_text(encoding="utf-8").replace(
            'effective_from = 2024-01-01\nsource = "test loan_max_count',
            'effective_from = "2024-01-01"\nsource = "test loan_max_count',
            1,
        )
        path.write_text(text, encoding="utf-8")
        expect_pack_error(tmp_path, "base", "loan_max_count", "effective_from must be a TOML date")

    def test_source_is_required(self, tmp_path: Path) -> None:
        path = write_pack(tmp_path, "base", base_values(), default=True)
        text = path.read_text(encoding="utf-8").replace('source = "test loan_max_count 2024-01-01"', "", 1)
        path.write_text(text, encoding="utf-8")
        expect_pack_error(tmp_path, "base", "loan_max_count", "missing source")

    def test_extends_unknown_pack(self, tmp_path: Path) -> None:
        write_pack(tmp_path, "base", base_values(), default=True)
        write_pack(tmp_path, "child", {}, extends="cn-99-nowhere", prefixes=("62",))
        expect_pack_error(tmp_path, "child", None, "extends unknown pack 'cn-99-nowhere'")

    def test_extends_cycle(self, tmp_path: Path) -> None:
        write_pack(tmp_path, "base", base_values(), default=True)
        write_pack(tmp_path, "a", {}, extends="b", prefixes=("61",))
        write_pack(tmp_path, "b", {}, extends="a", prefixes=("62",))
        with pytest.raises(PolicyPackError, match="extends cycle"):
            PolicyRegistry.load(tmp_path)

    def test_no_default_pack(self, tmp_path: Path) -> None:
        write_pack(tmp_path, "base", base_values(), default=False)
        expect_pack_error(tmp_path, None, None, "exactly one pack must be the default")

    def test_two_default_packs(self, tmp_path: Path) -> None:
        write_pack(tmp_path, "a", base_values(), default=True, prefixes=("44",))
        write_pack(tmp_path, "b", base_values(), default=True, prefixes=("62",))
        expect_pack_error(tmp_path, None, None, "found ['a', 'b']")

    def test_no_packs_at_all(self, tmp_path: Path) -> None:
        expect_pack_error(tmp_path, None, None, "no *.toml policy packs")

    def test_id_must_match_file_name(self, tmp_path: Path) -> None:
        path = write_pack(tmp_path, "base", base_values(), default=True)
        path.rename(tmp_path / "other.toml")
        expect_pack_error(tmp_path, "other", None, "must equal the file name")

    def test_invalid_toml(self, tmp_path: Path) -> None:
        (tmp_path / "broken.toml").write_text("[pack\nid = 1\n", encoding="utf-8")
        expect_pack_error(tmp_path, "broken", None, "not valid TOML")

    def test_same_region_prefix_in_two_packs(self, tmp_path: Path) -> None:
        write_pack(tmp_path, "base", base_values(), default=True, prefixes=("44",))
        write_pack(tmp_path, "copy", {}, extends="base", prefixes=("44",))
        with pytest.raises(PolicyPackError, match="region prefix '44' also used"):
            PolicyRegistry.load(tmp_path)

    def test_unknown_header_key(self, tmp_path: Path) -> None:
        write_pack(tmp_path, "base", base_values(), default=True, header_extra='country = "cn"')
        expect_pack_error(tmp_path, "base", None, "unknown [pack] keys ['country']")

    def test_asking_for_an_unknown_parameter(self) -> None:
        with pytest.raises(PolicyPackError) as caught:
            default_registry().default.param("loan_max", ON)
        assert caught.value.parameter == "loan_max"
