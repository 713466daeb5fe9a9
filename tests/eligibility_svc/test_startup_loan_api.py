"""POST /api/v1/startup-loan/evaluate and /interest-schedule through the real app on real PostgreSQL and Redis."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any, ClassVar

import pytest
from httpx import AsyncClient, Response
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eligibility_svc.config import Settings
from services.eligibility.app import create_app
from shared.db import Database
from tests.support import PLAN, bearer, running_app, service_settings

URL = "/api/v1/startup-loan/evaluate"
SCHEDULE_URL = "/api/v1/startup-loan/interest-schedule"
CITIZEN = bearer("citizen", "440203", "citizen-1")
YUAN = 100  # fen
AS_OF = "2026-11-24"  # a Tuesday
INDIVIDUAL_RULES = [
    "LOAN-AGE", "LOAN-PROJECT", "LOAN-REGISTERED", "LOAN-OTHER-DEBT", "LOAN-NON-KEY", "LOAN-COUNT",
    "LOAN-AMOUNT", "LOAN-TERM",
]
ENTERPRISE_RULES = [
    "LOAN-ENT-REGISTERED", "LOAN-ENT-HIRES", "LOAN-ENT-RECORD", "LOAN-COUNT", "LOAN-AMOUNT", "LOAN-TERM",
]


@pytest.fixture
async def client(
    database: Database, database_url: str, redis_url: str, queue_prefix: str
) -> AsyncIterator[AsyncClient]:
    """A client of the eligibility app running in-process on the test's rolled-back transaction."""
    app_settings = service_settings(Settings, database_url, redis_url, queue_prefix)
    async with running_app(create_app, app_settings, database) as http:
        yield http


def person(**changes: Any) -> dict[str, Any]:
    """Returns an eligible individual: a registered unemployed man of 40 with a business registered in 2026."""
    return {
        "gender": "male", "birth_date": "1986-05-01", "key_groups": ["registered_unemployed"],
        "has_project": True, "business_registered_in_city": True, "business_registered_on": "2026-01-10",
        "jobs_created": 0, "previous_loans": 0, "other_debts": [], **changes,
    }


def company(**changes: Any) -> dict[str, Any]:
    """Returns an eligible enterprise: 40 staff, 4 key-group hires (10 %), clean record."""
    return {
        "registered_in_city": True, "staff_count": 40, "new_key_group_hires_12m": 4,
        "serious_violation_record": False, **changes,
    }


def individual_body(amount_fen: int = 100_000 * YUAN, term_months: int = 24, **changes: Any) -> dict[str, Any]:
    return {
        "as_of": AS_OF, "applicant_type": "individual", "individual": person(**changes),
        "requested_amount_fen": amount_fen, "requested_term_months": term_months,
    }


def enterprise_body(amount_fen: int = 1_000_000 * YUAN, term_months: int = 24, **changes: Any) -> dict[str, Any]:
    return {
        "as_of": AS_OF, "applicant_type": "enterprise", "enterprise": company(**changes),
        "requested_amount_fen": amount_fen, "requested_term_months": term_months,
    }


async def evaluate(client: AsyncClient, body: object) -> Response:
    return await client.post(URL, json=body, headers=CITIZEN)


async def ok(client: AsyncClient, body: object) -> dict[str, Any]:
    response = await evaluate(client, body)
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


def failing(body: dict[str, Any]) -> list[str]:
    return [violation["rule"] for violation in body["violations"]]


def assert_422(response: Response, *fields: str, code: str = "request.invalid") -> dict[str, Any]:
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    problem: dict[str, Any] = response.json()
    assert problem["code"] == code and problem["detail"] and problem["detail_zh"]
    found = [v["field"] for v in problem["violations"]]
    for field in fields:
        assert field in found, (field, found)
    return problem


class TestContract:
    async def test_the_api_md_shape_for_an_eligible_individual(self, client: AsyncClient) -> None:
        body = await ok(client, individual_body())
        assert {
            "eligible", "max_amount_fen", "max_term_months", "violations", "rate_cap_bp_over_lpr",
            "interest_subsidy_share",
        } <= body.keys()
        assert body["eligible"] is True and body["violations"] == []
        assert body["max_amount_fen"] == 300_000 * YUAN and body["max_term_months"] == 36
        assert body["rate_cap_bp_over_lpr"] == 50 and body["interest_subsidy_share"] == 0.5
        assert body["interest_subsidy_share_bp"] == 5000 and body["policy_pack"] == "cn-44-shaoguan"
        assert [rule["rule"] for rule in body["rules"]] == INDIVIDUAL_RULES
        for rule in body["rules"]:
            assert rule["met"] is True and rule["reason"] and rule["reason_zh"] and rule["source"].startswith(PLAN)

    async def test_the_api_md_shape_for_an_eligible_enterprise(self, client: AsyncClient) -> None:
        body = await ok(client, enterprise_body(amount_fen=5_000_000 * YUAN))
        assert body["eligible"] is True and body["applicant_type"] == "enterprise"
        assert body["max_amount_fen"] == 5_000_000 * YUAN and body["max_term_months"] == 24
        assert [rule["rule"] for rule in body["rules"]] == ENTERPRISE_RULES

    async def test_a_token_is_required(self, client: AsyncClient) -> None:
        assert (await client.post(URL, json=individual_body())).status_code == 401
        assert (await client.post(SCHEDULE_URL, json={})).status_code == 401

    async def test_the_region_chooses_the_pack(self, client: AsyncClient) -> None:
        by_token = await client.post(URL, json=individual_body(), headers=bearer("caseworker", "620102"))
        assert by_token.status_code == 200 and by_token.json()["policy_pack"] == "cn-62-gansu"
        by_body = await ok(client, {**individual_body(), "region_code": "620102"})
        assert by_body["policy_pack"] == "cn-62-gansu"


class TestLimits:
    async def test_individual_amount_up_to_300000_yuan(self, client: AsyncClient) -> None:
        assert (await ok(client, individual_body(amount_fen=300_000 * YUAN)))["eligible"] is True
        over = await ok(client, individual_body(amount_fen=300_000 * YUAN + 1))
        assert failing(over) == ["LOAN-AMOUNT"] and over["max_amount_fen"] == 300_000 * YUAN

    async def test_five_jobs_raise_the_maximum_to_500000_yuan(self, client: AsyncClient) -> None:
        five = await ok(client, individual_body(amount_fen=500_000 * YUAN, jobs_created=5))
        assert five["eligible"] is True and five["max_amount_fen"] == 500_000 * YUAN
        four = await ok(client, individual_body(amount_fen=500_000 * YUAN, jobs_created=4))
        assert failing(four) == ["LOAN-AMOUNT"] and four["max_amount_fen"] == 300_000 * YUAN

    async def test_terms(self, client: AsyncClient) -> None:
        assert (await ok(client, individual_body(term_months=36)))["eligible"] is True
        assert failing(await ok(client, individual_body(term_months=37))) == ["LOAN-TERM"]
        assert (await ok(client, enterprise_body(term_months=24)))["eligible"] is True
        assert failing(await ok(client, enterprise_body(term_months=25))) == ["LOAN-TERM"]

    async def test_enterprise_amount_up_to_5000000_yuan(self, client: AsyncClient) -> None:
        over = await ok(client, enterprise_body(amount_fen=5_000_000 * YUAN + 1))
        assert failing(over) == ["LOAN-AMOUNT"]


class TestEachRuleWhenViolated:
    @pytest.mark.parametrize(
        ("rule", "changes"),
        [
            ("LOAN-AGE", {"birth_date": "1965-11-24"}),  # 61 on as_of
            ("LOAN-PROJECT", {"has_project": False}),
            ("LOAN-REGISTERED", {"business_registered_in_city": False}),
            ("LOAN-OTHER-DEBT", {"other_debts": [{"kind": "business", "amount_fen": 1}]}),
            ("LOAN-OTHER-DEBT", {"other_debts": [{"kind": "consumer", "amount_fen": 100_000 * YUAN + 1}]}),
            ("LOAN-NON-KEY", {"key_groups": [], "business_registered_on": "2023-01-10"}),
            ("LOAN-NON-KEY", {"key_groups": [], "business_registered_on": None}),
            ("LOAN-COUNT", {"previous_loans": 3}),
        ],
    )
    async def test_individual_rule(self, client: AsyncClient, rule: str, changes: dict[str, Any]) -> None:
        body = await ok(client, individual_body(**changes))
        assert body["eligible"] is False and failing(body) == [rule]
        [violation] = body["violations"]
        assert violation["message"] and violation["message_zh"] and violation["source"].startswith(PLAN)
        assert violation["field"].startswith("individual.")

    @pytest.mark.parametrize(
        ("rule", "changes"),
        [
            ("LOAN-ENT-REGISTERED", {"registered_in_city": False}),
            ("LOAN-ENT-HIRES", {"new_key_group_hires_12m": 3}),
            ("LOAN-ENT-RECORD", {"serious_violation_record": True}),
            ("LOAN-COUNT", {"previous_loans": 3}),
        ],
    )
    async def test_enterprise_rule(self, client: AsyncClient, rule: str, changes: dict[str, Any]) -> None:
        body = await ok(client, enterprise_body(**changes))
        assert body["eligible"] is False and failing(body) == [rule]

    async def test_age_boundary_the_day_before_the_61st_birthday(self, client: AsyncClient) -> None:
        body = await ok(client, individual_body(birth_date="1965-11-25"))
        assert body["eligible"] is True
        woman = await ok(client, individual_body(gender="female", birth_date="1970-11-24"))
        age = failing(woman)
        assert age == ["LOAN-AGE"] and "55" in woman["violations"][0]["message"]

    async def test_consumer_loans_of_exactly_100000_yuan_pass(self, client: AsyncClient) -> None:
        debts = [{"kind": "consumer", "amount_fen": 60_000 * YUAN}, {"kind": "consumer", "amount_fen": 40_000 * YUAN},
                 {"kind": "housing", "amount_fen": 1_000_000 * YUAN}]
        assert (await ok(client, individual_body(other_debts=debts)))["eligible"] is True

    async def test_the_messages_name_the_figures(self, client: AsyncClient) -> None:
        body = await ok(client, enterprise_body(staff_count=101, new_key_group_hires_12m=5))
        [hires] = body["violations"]
        assert hires["rule"] == "LOAN-ENT-HIRES" and "101" in hires["message"] and "6" in hires["message"]
        assert "5%" in hires["message_zh"]


class TestAllViolationsAtOnce:
    async def test_every_failing_individual_rule_is_listed(self, client: AsyncClient) -> None:
        body = await ok(client, individual_body(
            amount_fen=300_000 * YUAN + 1, term_months=37, birth_date="1960-01-01", has_project=False,
            business_registered_in_city=False, other_debts=[{"kind": "other", "amount_fen": 5 * YUAN}],
            key_groups=[], business_registered_on="2020-01-01",
        ))
        # LOAN-COUNT limits key groups only, so it cannot fail together with LOAN-NON-KEY.
        assert failing(body) == [rule for rule in INDIVIDUAL_RULES if rule != "LOAN-COUNT"]
        assert body["max_amount_fen"] == 300_000 * YUAN and body["max_term_months"] == 36

    async def test_every_failing_enterprise_rule_is_listed(self, client: AsyncClient) -> None:
        body = await ok(client, enterprise_body(
            amount_fen=5_000_000 * YUAN + 1, term_months=25, registered_in_city=False,
            new_key_group_hires_12m=0, serious_violation_record=True, previous_loans=3,
        ))
        assert failing(body) == ENTERPRISE_RULES and body["eligible"] is False


class TestBadInput:
    async def test_negative_zero_and_absurd_amounts(self, client: AsyncClient) -> None:
        for amount in (-1, 0, "100", 1.5, None):
            assert_422(await evaluate(client, individual_body(amount_fen=amount)), "requested_amount_fen")  # type: ignore[arg-type]
        problem = assert_422(await evaluate(client, individual_body(amount_fen=10**15)), "requested_amount_fen")
        assert problem["violations"][0]["rule"] == "SCHEMA-RANGE"
        for term in (0, -3, 601):
            assert_422(await evaluate(client, individual_body(term_months=term)), "requested_term_months")

    async def test_negative_and_absurd_counts(self, client: AsyncClient) -> None:
        assert_422(await evaluate(client, individual_body(jobs_created=-1)), "individual.jobs_created")
        assert_422(await evaluate(client, individual_body(previous_loans=-1)), "individual.previous_loans")
        assert_422(await evaluate(client, individual_body(previous_loans=10**9)), "individual.previous_loans")
        assert_422(await evaluate(client, individual_body(jobs_created=2.0)), "individual.jobs_created")
        assert_422(await evaluate(client, enterprise_body(staff_count=0)), "enterprise.staff_count")
        assert_422(await evaluate(client, enterprise_body(staff_count=10**12)), "enterprise.staff_count")
        assert_422(
            await evaluate(client, enterprise_body(new_key_group_hires_12m=-2)), "enterprise.new_key_group_hires_12m"
        )
        debts = [{"kind": "car", "amount_fen": -5}]
        assert_422(await evaluate(client, individual_body(other_debts=debts)), "individual.other_debts.0.amount_fen")

    async def test_unknown_codes_and_fields(self, client: AsyncClient) -> None:
        assert_422(await evaluate(client, individual_body(key_groups=["students"])), "individual.key_groups.0")
        assert_422(
            await evaluate(client, individual_body(other_debts=[{"kind": "gambling", "amount_fen": 5}])),
            "individual.other_debts.0.kind",
        )
        assert_422(await evaluate(client, {**individual_body(), "applicant_type": "company"}), "applicant_type")
        assert_422(await evaluate(client, individual_body(gender="m")), "individual.gender")
        assert_422(await evaluate(client, individual_body(nickname="A")), "individual.nickname")
        assert_422(await evaluate(client, {**individual_body(), "lpr_bp": 300}), "lpr_bp")
        assert_422(await evaluate(client, {**individual_body(), "region_code": "990000"}), "region_code")

    async def test_applicant_and_type_must_agree(self, client: AsyncClient) -> None:
        both = {**individual_body(), "enterprise": company()}
        assert_422(await evaluate(client, both), "enterprise")
        missing = individual_body()
        del missing["individual"]
        assert_422(await evaluate(client, missing), "individual")

    async def test_impossible_and_out_of_order_dates(self, client: AsyncClient) -> None:
        assert_422(await evaluate(client, {**individual_body(), "as_of": "2026-02-30"}), "as_of")
        assert_422(await evaluate(client, {**individual_body(), "as_of": 1764000000}), "as_of")
        assert_422(await evaluate(client, individual_body(birth_date="2026-11-25")), "individual.birth_date")
        assert_422(
            await evaluate(client, individual_body(business_registered_on="2026-11-25")),
            "individual.business_registered_on",
        )
        assert_422(
            await evaluate(client, individual_body(business_registered_on="1900-01-01")),
            "individual.business_registered_on",
        )

    async def test_as_of_before_the_parameters_are_in_force(self, client: AsyncClient) -> None:
        body = {**individual_body(business_registered_on="2023-01-10"), "as_of": "2023-12-31"}
        problem = assert_422(await evaluate(client, body), "as_of", code="policy.not_in_force")
        assert problem["violations"][0]["rule"] == "POLICY-IN-FORCE"

    async def test_a_period_running_past_the_calendar(self, client: AsyncClient) -> None:
        body = {**individual_body(key_groups=[], business_registered_on="2149-06-01"), "as_of": "2150-01-01"}
        assert_422(await evaluate(client, body), "individual.business_registered_on")
        assert_422(await evaluate(client, {**individual_body(), "as_of": "2151-01-01"}), "as_of")


class TestInterestSchedule:
    LOAN: ClassVar[dict[str, object]] = {
        "principal_fen": 100_000 * YUAN, "annual_rate_bp": 350, "lpr_bp": 300, "term_months": 3,
        "start_date": "2026-01-10",
    }

    async def test_monthly_lump_sum_in_fen(self, client: AsyncClient) -> None:
        response = await client.post(SCHEDULE_URL, json=self.LOAN, headers=CITIZEN)
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["rate_cap_bp"] == 350 and body["rate_cap_bp_over_lpr"] == 50
        assert body["interest_subsidy_share"] == 0.5 and body["day_count"] == "actual/360"
        assert "half up" in body["rounding"] and "四舍五入" in body["rounding_zh"]
        # 10,000,000 fen x 3.5 % x 31/360 = 30138.9 -> 30139; half of it, 15069.5, rounds up to 15070. The subsidy
        # is cumulative (issue 16): after period 2 half of 57,361 is 28,680.5 -> 28,681, so 13,611; after period 3
        # half of 87,500 is exactly 43,750, so 15,069: the total is half the total interest, not a fen more.
        assert [(p["days"], p["interest_fen"], p["subsidy_fen"], p["borrower_fen"]) for p in body["periods"]] == [
            (31, 30139, 15070, 15069), (28, 27222, 13611, 13611), (31, 30139, 15069, 15070),
        ]
        assert body["periods"][-1]["period_end"] == "2026-04-10"
        assert (body["total_interest_fen"], body["total_subsidy_fen"], body["total_borrower_fen"]) == (
            87500, 43750, 43750,
        )

    async def test_early_repayment_ends_the_schedule(self, client: AsyncClient) -> None:
        response = await client.post(SCHEDULE_URL, json={**self.LOAN, "repaid_on": "2026-02-20"}, headers=CITIZEN)
        assert response.status_code == 200, response.text
        periods = response.json()["periods"]
        assert [(p["period_end"], p["days"], p["interest_fen"]) for p in periods] == [
            ("2026-02-10", 31, 30139), ("2026-02-20", 10, 9722)]
        assert [p["subsidy_fen"] for p in periods] == [15070, 4861]  # half of 39,861 is 19,930.5 -> 19,931
        outside = await client.post(SCHEDULE_URL, json={**self.LOAN, "repaid_on": "2026-04-10"}, headers=CITIZEN)
        assert_422(outside, "repaid_on")

    async def test_a_rate_above_lpr_plus_50_bp_is_refused(self, client: AsyncClient) -> None:
        response = await client.post(SCHEDULE_URL, json={**self.LOAN, "annual_rate_bp": 351}, headers=CITIZEN)
        problem = assert_422(response, "annual_rate_bp", code="startup_loan.rate_above_cap")
        assert problem["violations"][0]["rule"] == "LOAN-RATE"

    async def test_bad_input(self, client: AsyncClient) -> None:
        for changes, field in (
            ({"start_date": "2026-02-30"}, "start_date"), ({"principal_fen": 0}, "principal_fen"),
            ({"principal_fen": 10**15}, "principal_fen"), ({"term_months": 601}, "term_months"),
            ({"lpr_bp": -1}, "lpr_bp"), ({"frequency": "daily"}, "frequency"), ({"x": 1}, "x"),
            ({"start_date": "9999-01-01"}, "start_date"), ({"²": None}, "²"),
        ):
            response = await client.post(SCHEDULE_URL, json={**self.LOAN, **changes}, headers=CITIZEN)
            assert_422(response, field)
        early = await client.post(SCHEDULE_URL, json={**self.LOAN, "start_date": "2023-06-01"}, headers=CITIZEN)
        assert_422(early, "start_date", code="policy.not_in_force")


def _json_values() -> st.SearchStrategy[object]:
    scalars: st.SearchStrategy[object] = st.one_of(
        st.none(), st.booleans(), st.integers(min_value=-(10**20), max_value=10**20), st.text(max_size=12),
        st.dates().map(lambda d: d.isoformat()), st.floats(allow_nan=False, allow_infinity=False),
    )
    return st.recursive(
        scalars,
        lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3),
        max_leaves=8,
    )


_FIELDS = [
    "as_of", "requested_amount_fen", "requested_term_months", "applicant_type", "region_code",
    "individual.birth_date", "individual.gender", "individual.key_groups", "individual.jobs_created",
    "individual.previous_loans", "individual.other_debts", "individual.business_registered_on",
]


class TestNeverA500:
    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(body=_json_values())
    async def test_random_json_bodies(self, client: AsyncClient, body: object) -> None:
        for url in (URL, SCHEDULE_URL):
            response = await client.post(url, json=body, headers=CITIZEN)
            assert response.status_code == 422, response.text

    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(
        changes=st.lists(st.tuples(st.sampled_from(_FIELDS), _json_values()), max_size=3),
        as_of=st.dates(),
        registered=st.dates(),
        amount=st.integers(min_value=-(10**16), max_value=10**16),
    )
    async def test_valid_bodies_with_random_values(
        self, client: AsyncClient, changes: list[tuple[str, object]], as_of: Any, registered: Any, amount: int
    ) -> None:
        body = individual_body(amount_fen=amount, key_groups=[], business_registered_on=registered.isoformat())
        body["as_of"] = as_of.isoformat()
        for path, value in changes:
            node: Any = body
            *parents, leaf = path.split(".")
            for part in parents:
                node = node[part]
            node[leaf] = value
        response = await evaluate(client, body)
        assert response.status_code in (200, 422), response.text
        if response.status_code == 200:
            result = response.json()
            assert result["eligible"] == (result["violations"] == [])
