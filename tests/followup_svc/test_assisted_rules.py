"""FU-CLASSIFY, FU-TIER and FU-REVISIT as plain functions, at their boundaries."""

from __future__ import annotations

from datetime import date

import pytest

from followup_svc.assistance.rules import (
    AssistanceFacts,
    Delivery,
    requirement_status,
    requirements,
    tier2_due,
    tier3_plan_due,
)
from followup_svc.revisit.rules import (
    EmploymentFindings,
    problems_found,
    revisit_months,
    revisit_schedule,
    revisit_source,
)
from followup_svc.survey.rules import SurveyFacts, classify
from shared.calendar import default_calendar
from shared.policy import default_registry
from tests.support import PLAN

SHAOGUAN = default_registry().for_region("440203")
GANSU = default_registry().for_region("620102")
# The clauses of each region's pack, as the rules take them.
SG, GS = SHAOGUAN.citation, GANSU.citation


def facts(**changes: object) -> SurveyFacts:
    base: dict[str, object] = dict(wants_work_now=True, health="healthy", wants_entrepreneurship=False,
                                   wants_training=False, skills=("welding",))
    base.update(changes)
    return SurveyFacts(**base)  # type: ignore[arg-type]


class TestClassify:
    def test_job_ready_with_skills_and_no_wishes(self) -> None:
        result = classify(facts(), GS)
        assert (result.rule, result.classification) == ("FU-CLASSIFY", "job_ready")
        assert "welding" in result.reason and "焊" not in result.reason_zh and "welding" in result.reason_zh
        assert result.package[0] == "job_recommendation" and "policy_list" in result.package
        assert "甘人社通〔2020〕111号 四(二)" in result.source

    def test_not_wanting_work_now_wins_over_everything(self) -> None:
        result = classify(facts(wants_work_now=False, health="disabled", wants_entrepreneurship=True), GS)
        assert result.classification == "not_seeking_now"
        assert "甘人社通〔2020〕111号 四(六)" in result.source and "暂无就业愿望" in result.reason_zh

    @pytest.mark.parametrize("health", ["disabled", "chronic_illness"])
    def test_health_condition_makes_a_difficulty_candidate(self, health: str) -> None:
        result = classify(facts(health=health, wants_entrepreneurship=True), GS)
        assert result.classification == "difficulty_candidate"
        assert "policy_application" in result.package and "甘人社通〔2020〕111号 四(五)" in result.source

    def test_entrepreneur_before_training(self) -> None:
        result = classify(facts(wants_entrepreneurship=True, wants_training=True), GS)
        assert result.classification == "entrepreneur" and result.package[0] == "entrepreneurship_service"

    def test_training_wish_or_no_skills_needs_training(self) -> None:
        assert classify(facts(wants_training=True), GS).classification == "needs_training"
        no_skills = classify(facts(skills=()), GS)
        assert no_skills.classification == "needs_training" and "names no skill" in no_skills.reason

    def test_every_package_holds_the_three_lists(self) -> None:
        for survey in (facts(), facts(wants_work_now=False), facts(health="disabled"),
                       facts(wants_entrepreneurship=True), facts(skills=())):
            package = classify(survey, GS).package
            assert {"policy_list", "service_list", "agency_list"} <= set(package)


SUBMITTED = date(2026, 11, 2)
TIER1_DUE = date(2026, 11, 30)
CERTIFIED = date(2026, 12, 1)
TIER2_DUE = date(2027, 1, 4)


def tier_facts(**changes: object) -> AssistanceFacts:
    base: dict[str, object] = dict(
        tier="I", tier1_started_on=SUBMITTED, tier1_due_on=TIER1_DUE, tier2_started_on=None, tier2_due_on=None,
        tier3_started_on=None, tier3_plan_due_on=None, wants_training=False, wants_entrepreneurship=False,
    )
    base.update(changes)
    return AssistanceFacts(**base)  # type: ignore[arg-type]


def given(kind: str, *days: date) -> list[Delivery]:
    return [Delivery(kind, day) for day in days]


def by_kind(reqs: list[object], tier: str) -> dict[str, tuple[int, int, str]]:
    return {r.kind: (r.required, r.delivered, r.status) for r in reqs if r.tier == tier}  # type: ignore[attr-defined]


class TestTierRequirements:
    def test_status_boundaries(self) -> None:
        assert requirement_status(3, 3, date(2026, 11, 30), date(2026, 12, 31)) == "met"
        assert requirement_status(3, 2, date(2026, 11, 30), date(2026, 11, 30)) == "open"  # due day itself
        assert requirement_status(3, 2, date(2026, 11, 30), date(2026, 12, 1)) == "overdue"

    def test_tier1_counts_from_the_application(self) -> None:
        deliveries = [*given("career_guidance", date(2026, 11, 1)), *given("career_guidance", SUBMITTED),
                      *given("job_recommendation", date(2026, 11, 3), date(2026, 11, 4))]
        reqs = requirements(tier_facts(), deliveries + given("policy_list", date(2026, 11, 5), date(2026, 11, 6)),
                            date(2026, 11, 20), SG)
        assert by_kind(reqs, "I") == {
            "career_guidance": (1, 1, "met"), "policy_list": (1, 2, "met"), "service_list": (1, 0, "open"),
            "job_recommendation": (3, 2, "open"),
        }
        first = reqs[0]
        assert first.rule == "FU-TIER" and "《韶关市登记失业人员跟踪服务工作方案》六(五)" in first.source
        assert "2026-11-30" in first.reason and "2026年11月30日" in first.reason_zh
        assert "职业指导" in first.reason_zh

    def test_tier1_overdue_the_day_after_the_certification_due_date(self) -> None:
        reqs = requirements(tier_facts(), [], date(2026, 12, 1), SG)
        assert {r.status for r in reqs} == {"overdue"}
        assert {r.status for r in requirements(tier_facts(), [], TIER1_DUE, SG)} == {"open"}

    def test_tier2_needs_three_recommendations_beyond_tier1s_after_certification(self) -> None:
        five = given("job_recommendation", date(2026, 11, 3), date(2026, 11, 4), date(2026, 11, 5),
                     date(2026, 11, 6), date(2026, 12, 2))
        state = tier_facts(tier="II", tier2_started_on=CERTIFIED, tier2_due_on=TIER2_DUE)
        reqs = requirements(state, five, date(2026, 12, 10), SG)
        assert by_kind(reqs, "I")["job_recommendation"] == (3, 3, "met")
        # 6 Nov was before certification: it counts for neither; 2 Dec counts for Tier II.
        assert by_kind(reqs, "II") == {"job_recommendation": (3, 1, "open")}
        more = five + given("job_recommendation", date(2026, 12, 3), date(2026, 12, 4))
        assert by_kind(requirements(state, more, TIER2_DUE, SG), "II")["job_recommendation"] == (3, 3, "met")
        assert by_kind(requirements(state, five, date(2027, 1, 5), SG), "II")["job_recommendation"][2] == "overdue"

    def test_tier2_training_and_business_only_when_wanted(self) -> None:
        state = tier_facts(tier="II", tier2_started_on=CERTIFIED, tier2_due_on=TIER2_DUE)
        assert set(by_kind(requirements(state, [], CERTIFIED, SG), "II")) == {"job_recommendation"}
        wanting = tier_facts(tier="II", tier2_started_on=CERTIFIED, tier2_due_on=TIER2_DUE, wants_training=True,
                             wants_entrepreneurship=True)
        reqs = by_kind(requirements(wanting, given("training_referral", date(2026, 11, 10)), CERTIFIED, SG), "II")
        assert reqs["training_referral"] == (1, 1, "met")  # given during Tier I, counted from the start
        assert reqs["entrepreneurship_service"] == (1, 0, "open")

    def test_tier3_personal_plan(self) -> None:
        state = tier_facts(tier="III", tier2_started_on=CERTIFIED, tier2_due_on=TIER2_DUE,
                           tier3_started_on=CERTIFIED, tier3_plan_due_on=date(2026, 12, 15))
        assert by_kind(requirements(state, [], date(2026, 12, 15), SG), "III") == {"personal_plan": (1, 0, "open")}
        assert by_kind(requirements(state, [], date(2026, 12, 16), SG), "III") == {"personal_plan": (1, 0, "overdue")}
        done = given("personal_plan", date(2026, 12, 16))
        assert by_kind(requirements(state, done, date(2026, 12, 20), SG), "III") == {"personal_plan": (1, 1, "met")}

    def test_nothing_required_once_ended(self) -> None:
        assert requirements(tier_facts(tier=None), [], date(2027, 6, 1), SG) == []

    def test_certified_without_tier1_has_no_tier1_items(self) -> None:
        state = tier_facts(tier="II", tier1_started_on=None, tier1_due_on=None, tier2_started_on=CERTIFIED,
                           tier2_due_on=TIER2_DUE)
        reqs = requirements(state, given("job_recommendation", CERTIFIED), CERTIFIED, SG)
        assert [(r.tier, r.kind, r.delivered) for r in reqs] == [("II", "job_recommendation", 1)]

    def test_due_dates(self) -> None:
        calendar = default_calendar()
        due, estimated, source = tier2_due(date(2026, 11, 2), 1, "local practice", calendar)
        assert (due, estimated) == (date(2026, 12, 2), False) and "tier2_due_months = 1" in source
        plan = tier3_plan_due(date(2026, 11, 16), 10, "local practice", calendar)
        assert (plan.due_on, plan.rule, plan.workdays) == (date(2026, 11, 30), "FU-TIER", 10)
        # Across National Day (1-7 Oct 2026 off, Sat 10 Oct worked): 10 working days after Wed 30 Sep.
        assert tier3_plan_due(date(2026, 9, 30), 10, "x", calendar).due_on == date(2026, 10, 20)


class TestRevisitSchedule:
    def test_months_first_then_every_interval_until(self) -> None:
        assert revisit_months(1, 3, 12) == [1, 4, 7, 10]
        assert revisit_months(1, 3, 13) == [1, 4, 7, 10, 13]  # the last month itself is included
        assert revisit_months(2, 5, 1) == []

    def test_due_dates_follow_t_period_and_move_off_rest_days(self) -> None:
        schedule = revisit_schedule(date(2026, 1, 31), 1, 3, 12, default_calendar())
        assert [(d.sequence, d.months_after_start) for d in schedule] == [(1, 1), (2, 4), (3, 7), (4, 10)]
        # 31 Jan + 1 month: no 31 Feb, so the month's last day, Sat 28 Feb 2026, a make-up working day.
        assert schedule[0].due_on == date(2026, 2, 28)
        assert schedule[1].due_on == date(2026, 6, 1)  # 31 May 2026 is a Sunday: the next working day
        assert [d.due_on for d in schedule[2:]] == [date(2026, 8, 31), date(2026, 11, 30)]
        assert not any(d.estimated for d in schedule)


class TestProblemsFound:
    def test_clean_employer_revisit_finds_nothing(self) -> None:
        assert problems_found(True, EmploymentFindings(40, "normal", True, True, True), "") == []

    def test_each_problem(self) -> None:
        found = problems_found(True, EmploymentFindings(45, "heavy", False, False, False), "boss shouts")
        assert found == ["no_contract", "no_social_insurance", "wages_late", "long_hours", "heavy_workload",
                         "issues_reported"]
        assert problems_found(True, EmploymentFindings(44, None, True, True, True), "") == []  # 44 h is legal
        assert problems_found(False, None, "  ") == ["not_employed"]


class TestCitesTheRegionsPack:
    """FU-CLASSIFY, FU-TIER and FU-REVISIT cite the pack of the person's region: a Shaoguan person the Shaoguan
    plan (or the national notice, or local practice, where the plan is silent), a Gansu person 甘人社通〔2020〕111号."""

    @pytest.mark.parametrize(("survey", "shaoguan", "gansu"), [
        (facts(), f"人社厅发〔2020〕3号；{PLAN}四", "甘人社通〔2020〕111号 四(二)"),
        (facts(wants_work_now=False), f"人社厅发〔2020〕3号；{PLAN}四(一)", "甘人社通〔2020〕111号 四(六)"),
        (facts(health="disabled"), f"人社厅发〔2020〕3号；{PLAN}六", "甘人社通〔2020〕111号 四(五)"),
        (facts(wants_entrepreneurship=True), f"人社厅发〔2020〕3号；{PLAN}五", "甘人社通〔2020〕111号 四(四)"),
        (facts(skills=()), f"人社厅发〔2020〕3号；{PLAN}三", "甘人社通〔2020〕111号 四(三)"),
    ])
    def test_classification(self, survey: SurveyFacts, shaoguan: str, gansu: str) -> None:
        in_shaoguan = classify(survey, SG)
        assert in_shaoguan.source == shaoguan and "甘人社通" not in in_shaoguan.reason_zh
        assert in_shaoguan.reason_zh.endswith(f"依据{shaoguan.split('；')[1]}。")
        in_gansu = classify(survey, GS)
        assert in_gansu.source == f"甘人社通〔2020〕111号 四（分级分类服务制度）；{gansu}"
        assert in_gansu.reason_zh.endswith(f"依据{gansu}。") and "韶关" not in in_gansu.source

    def test_tiers(self) -> None:
        state = tier_facts(tier="III", tier2_started_on=CERTIFIED, tier2_due_on=TIER2_DUE,
                           tier3_started_on=date(2026, 12, 1), tier3_plan_due_on=date(2026, 12, 15))
        expected = {
            SG: {"I": f"{PLAN}六(五) Ⅰ级", "II": f"{PLAN}六(五) Ⅱ级", "III": f"{PLAN}六(五) Ⅲ级"},
            GS: {"I": "甘人社通〔2020〕111号 四(五)、四(二)", "II": "甘人社通〔2020〕111号 四(五)、四(三)、四(四)",
                 "III": "甘人社通〔2020〕111号 四(五)1"},
        }
        for citations, by_tier in expected.items():
            reqs = requirements(state, [], CERTIFIED, citations)
            assert {r.tier for r in reqs} == {"I", "II", "III"}
            for r in reqs:
                assert r.source.startswith(by_tier[r.tier]), (r.tier, r.source)
                assert r.reason_zh.endswith(f"依据{r.source}。")
                assert ("甘人社通" in r.source) == (citations is GS)

    def test_revisits(self) -> None:
        first = SHAOGUAN.param("revisit_first_months", date(2026, 11, 1))
        interval = SHAOGUAN.param("revisit_interval_months", date(2026, 11, 1))
        until = SHAOGUAN.param("revisit_until_months", date(2026, 11, 1))
        in_shaoguan = revisit_source(SHAOGUAN.citation("revisit"), first, interval, until)
        assert in_shaoguan.startswith("本地经办做法（可配置）；就业后1个月内首次回访") and "甘人社通" not in in_shaoguan
        in_gansu = revisit_source(GANSU.citation("revisit"), first, interval, until)
        assert in_gansu.startswith("甘人社通〔2020〕111号 四(五)3（回访本人、回访用人单位）；")
