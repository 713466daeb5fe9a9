"""The recommendation rules as pure functions, at their boundaries: JOB-RECOMMEND, JOB-OUTCOME, and how
FU-REFUSAL counts a recommendation's outcome."""

from __future__ import annotations

from datetime import date

import pytest

from followup_svc.ledger.rules import (
    ServiceEvent,
    ServiceResponse,
    contact_response,
    recommendation_response,
    refusal_deregistration,
)
from followup_svc.recommendation.rules import (
    check_outcome,
    check_recommended_on,
    check_vacancy_published,
    hired_deregistration,
    transition_refused,
)
from shared.policy import default_registry
from tests.support import PLAN

DAY = date(2026, 11, 10)
SHAOGUAN = default_registry().for_region("440203")
GANSU = default_registry().for_region("620102")
S = SHAOGUAN.citation("recommendation")


class TestRecommend:
    def test_a_published_vacancy_valid_through_the_day_is_recommended(self) -> None:
        assert check_vacancy_published("published", DAY, DAY, S).met
        expired = check_vacancy_published("published", date(2026, 11, 9), DAY, S)
        assert not expired.met and expired.rule == "JOB-RECOMMEND"

    @pytest.mark.parametrize("status", ["pending_review", "rejected", "closed"])
    def test_any_other_state_is_refused(self, status: str) -> None:
        result = check_vacancy_published(status, date(2026, 12, 31), DAY, S)
        assert not result.met and result.field == "vacancy_id"

    def test_today_is_the_last_day_a_recommendation_may_be_dated(self) -> None:
        assert check_recommended_on(DAY, DAY, S).met
        assert not check_recommended_on(date(2026, 11, 11), DAY, S).met


class TestOutcome:
    def test_the_outcome_lies_between_the_recommendation_and_today(self) -> None:
        assert check_outcome("hired", DAY, DAY, None, DAY, False, S) == []
        (early,) = check_outcome("hired", date(2026, 11, 9), DAY, None, date(2026, 11, 20), False, S)
        assert (early.rule, early.field) == ("JOB-OUTCOME", "on")
        (late,) = check_outcome("hired", date(2026, 11, 21), DAY, None, date(2026, 11, 20), False, S)
        assert late.field == "on"

    def test_after_an_interview_the_result_is_not_dated_before_it(self) -> None:
        assert check_outcome("hired", date(2026, 11, 12), DAY, date(2026, 11, 12), date(2026, 11, 20), False, S) == []
        (before,) = check_outcome("hired", date(2026, 11, 11), DAY, date(2026, 11, 12), date(2026, 11, 20), False, S)
        assert before.field == "on"

    def test_a_good_reason_goes_with_a_decline_only(self) -> None:
        assert check_outcome("declined", DAY, DAY, None, DAY, True, S) == []
        (wrong,) = check_outcome("not_hired", DAY, DAY, None, DAY, True, S)
        assert wrong.field == "declined_justified"

    @pytest.mark.parametrize(("current", "result", "refused"), [
        (None, "interviewed", False), (None, "hired", False), (None, "declined", False),
        ("interviewed", "hired", False), ("interviewed", "declined", False),
        ("interviewed", "interviewed", True),
        ("hired", "not_hired", True), ("not_hired", "hired", True), ("declined", "interviewed", True),
    ])
    def test_nothing_follows_a_final_outcome(self, current: str | None, result: str, refused: bool) -> None:
        assert (transition_refused(current, result, S) is not None) is refused

    def test_hired_requests_the_deregistration_hired_on_the_day(self) -> None:
        request = hired_deregistration(DAY, S)
        assert (request.reason, request.effective_date, request.rule) == ("hired", DAY, "JOB-OUTCOME")
        assert "被用人单位录用或招聘" in request.why_zh


class TestRefusalCount:
    def test_how_an_outcome_counts(self) -> None:
        assert recommendation_response("declined", False) is ServiceResponse.REFUSED_UNJUSTIFIED
        assert recommendation_response("declined", True) is ServiceResponse.REFUSED_JUSTIFIED
        for taken_up in ("interviewed", "hired", "not_hired"):
            assert recommendation_response(taken_up, False) is ServiceResponse.ACCEPTED

    def test_contacts_and_declines_make_one_run(self) -> None:
        events = [
            ServiceEvent(date(2026, 11, 3), contact_response("refused", False)),
            ServiceEvent(date(2026, 11, 1), recommendation_response("declined", False)),
            ServiceEvent(date(2026, 11, 2), recommendation_response("declined", False)),
        ]
        request = refusal_deregistration(events, 3, SHAOGUAN.citation("deregistration"))
        assert request is not None and (request.reason, request.effective_date) == (
            "refused_services", date(2026, 11, 3))
        reset = [
            ServiceEvent(date(2026, 11, 1), recommendation_response("declined", False)),
            ServiceEvent(date(2026, 11, 2), recommendation_response("declined", True)),
            ServiceEvent(date(2026, 11, 3), contact_response("refused", False)),
            ServiceEvent(date(2026, 11, 4), recommendation_response("declined", False)),
        ]
        assert refusal_deregistration(reset, 3, SHAOGUAN.citation("deregistration")) is None


class TestCitesTheRegionsPack:
    @pytest.mark.parametrize(("region", "expected"), [
        ("440203", f"{PLAN}四(二)2(2)"), ("620102", "甘人社通〔2020〕111号 四(三)"),
    ])
    def test_every_rule_cites_the_recommendation_clause_of_the_persons_region(self, region: str, expected: str
                                                                               ) -> None:
        source = default_registry().for_region(region).citation("recommendation")
        assert check_vacancy_published("closed", DAY, DAY, source).source == expected
        assert check_recommended_on(DAY, DAY, source).source == expected
        (late,) = check_outcome("hired", date(2026, 11, 21), DAY, None, date(2026, 11, 20), False, source)
        assert late.source == expected
        refused = transition_refused("hired", "declined", source)
        assert refused is not None and refused.source == expected
        assert hired_deregistration(DAY, source).source == expected
