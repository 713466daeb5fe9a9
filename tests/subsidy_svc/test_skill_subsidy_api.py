"""POST /api/v1/skill-subsidy/preview (api.md "Subsidy service") on real PostgreSQL and Redis."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from httpx import AsyncClient, Response
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shared.calendar import default_calendar
from tests.support import PLAN, bearer

URL = "/api/v1/skill-subsidy/preview"
CITIZEN = bearer("citizen", "440203001", "citizen-1")
CONTRACT_FIELDS = {
    "apply_by", "within_window", "review_due", "notice_start", "notice_end", "payment_due", "estimated",
    "violations",
}
SEEDED_2027 = 2027 in default_calendar().known_years


async def preview(client: AsyncClient, **body: Any) -> Response:
    return await client.post(URL, json=body, headers=CITIZEN)


async def ok(client: AsyncClient, **body: Any) -> dict[str, Any]:
    response = await preview(client, **body)
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


def assert_422(response: Response, code: str, *fields: str) -> dict[str, Any]:
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    assert body["code"] == code
    found = [v["field"] for v in body["violations"]]
    for field in fields:
        assert field in found, (field, found)
    return body


class TestContract:
    async def test_the_api_md_fields_on_the_last_day_of_the_window(self, client: AsyncClient) -> None:
        body = await ok(client, certificate_issued_on="2024-02-29", applied_on="2025-02-28")
        assert CONTRACT_FIELDS <= body.keys()
        assert body["apply_by"] == "2025-02-28" and body["within_window"] is True
        assert body["violations"] == [] and body["estimated"] is False
        # received_on defaults to applied_on: 15 working days after Fri 28 Feb 2025 is Fri 21 Mar.
        assert body["review_due"] == "2025-03-21"
        assert body["notice_start"] == "2025-03-24" and body["notice_end"] == "2025-03-28"
        assert body["policy_pack"] == "cn-44-shaoguan"
        assert [e["rule"] for e in body["explanations"]] == [
            "SUB-WINDOW", "SUB-REVIEW", "SUB-NOTICE", "SUB-PAYMENT",
        ]
        assert body["amount_fen"] is None and body["living_allowance"] is None

    async def test_the_day_after_gives_the_sub_window_violation(self, client: AsyncClient) -> None:
        body = await ok(client, certificate_issued_on="2024-02-29", applied_on="2025-03-01")
        assert body["within_window"] is False
        [violation] = body["violations"]
        assert violation["rule"] == "SUB-WINDOW" and violation["field"] == "applied_on"
        assert "2025-02-28" in violation["message"] and "2025-03-01" in violation["message_zh"]
        assert f"{PLAN}三(二)" in violation["source"]

    async def test_received_on_counts_the_review(self, client: AsyncClient) -> None:
        body = await ok(
            client, certificate_issued_on="2025-12-01", applied_on="2026-09-14", received_on="2026-09-15"
        )
        assert (body["review_due"], body["notice_start"], body["notice_end"]) == (
            "2026-10-12", "2026-10-13", "2026-10-19",
        )

    @pytest.mark.skipif(SEEDED_2027, reason="the installed chinesecalendar already has 2027")
    async def test_estimated_when_the_payment_reaches_2027(self, client: AsyncClient) -> None:
        body = await ok(client, certificate_issued_on="2025-12-01", applied_on="2026-09-15")
        assert body["payment_due"] == "2027-01-12" and body["estimated"] is True
        inside = await ok(client, certificate_issued_on="2025-06-01", applied_on="2026-02-02")
        assert inside["payment_due"] == "2026-06-03" and inside["estimated"] is False

    async def test_the_region_chooses_the_pack(self, client: AsyncClient) -> None:
        body = await ok(
            client, certificate_issued_on="2025-06-01", applied_on="2026-02-02", region_code="620102"
        )
        assert body["policy_pack"] == "cn-62-gansu"

    async def test_a_token_is_required(self, client: AsyncClient) -> None:
        body = {"certificate_issued_on": "2025-06-01", "applied_on": "2026-02-02"}
        response = await client.post(URL, json=body)
        assert response.status_code == 401


class TestAmount:
    async def test_a_catalogued_certificate_carries_its_amount(self, client: AsyncClient) -> None:
        body = await ok(
            client, certificate_issued_on="2025-06-01", applied_on="2026-02-02",
            occupation_code="4-10-01-05", level=2,
        )
        assert body["amount_fen"] == 250000
        assert body["catalogue"]["found"] is True and body["catalogue"]["occupation_name_zh"] == "养老护理员"
        assert body["explanations"][-1]["rule"] == "SUB-AMOUNT" and body["explanations"][-1]["met"] is True

    async def test_a_certificate_not_in_the_catalogue_says_so(self, client: AsyncClient) -> None:
        body = await ok(
            client, certificate_issued_on="2025-06-01", applied_on="2026-02-02",
            occupation_code="9-99-99-99", level=3,
        )
        assert body["amount_fen"] is None and body["catalogue"]["found"] is False
        amount = body["explanations"][-1]
        assert amount["rule"] == "SUB-AMOUNT" and amount["met"] is False and "9-99-99-99" in amount["reason"]
        # api.md keeps violations to SUB-WINDOW; the catalogue result is reported beside it.
        assert body["violations"] == []

    async def test_occupation_and_level_go_together(self, client: AsyncClient) -> None:
        base = {"certificate_issued_on": "2025-06-01", "applied_on": "2026-02-02"}
        assert_422(
            await preview(client, **base, occupation_code="4-03-02-01"),
            "skill_subsidy.invalid_request", "level",
        )
        assert_422(await preview(client, **base, level=3), "skill_subsidy.invalid_request", "occupation_code")
        assert_422(await preview(client, **base, occupation_code="4-03-02-01", level=6), "request.invalid",
                   "level")
        assert_422(await preview(client, **base, occupation_code="cook", level=3), "request.invalid",
                   "occupation_code")


class TestLivingAllowance:
    async def test_an_eligible_group_gets_500_yuan(self, client: AsyncClient) -> None:
        body = await ok(
            client, certificate_issued_on="2025-06-01", applied_on="2026-02-02",
            living_allowance={"groups": ["employment_difficulty"], "last_allowance_on": "2025-12-31"},
        )
        allowance = body["living_allowance"]
        assert allowance["eligible"] is True and allowance["amount_fen"] == 50000
        assert {r["rule"] for r in allowance["reasons"]} == {
            "SUB-LIVING-GROUP", "SUB-LIVING-ONCE-A-YEAR", "SUB-LIVING-WITH-SUBSIDY",
        }

    async def test_once_a_year(self, client: AsyncClient) -> None:
        body = await ok(
            client, certificate_issued_on="2025-06-01", applied_on="2026-02-02",
            living_allowance={"groups": ["disabled"], "last_allowance_on": "2026-01-01"},
        )
        assert body["living_allowance"]["eligible"] is False and body["living_allowance"]["amount_fen"] == 0

    async def test_not_outside_the_window(self, client: AsyncClient) -> None:
        body = await ok(
            client, certificate_issued_on="2024-02-29", applied_on="2025-03-01",
            living_allowance={"groups": ["disabled"]},
        )
        reasons = {r["rule"]: r["met"] for r in body["living_allowance"]["reasons"]}
        assert reasons["SUB-LIVING-WITH-SUBSIDY"] is False and body["living_allowance"]["eligible"] is False

    async def test_not_with_a_certificate_outside_the_catalogue(self, client: AsyncClient) -> None:
        body = await ok(
            client, certificate_issued_on="2025-06-01", applied_on="2026-02-02",
            occupation_code="9-99-99-99", level=3, living_allowance={"groups": ["disabled"]},
        )
        assert body["living_allowance"]["eligible"] is False

    async def test_post_school_youth_within_two_years(self, client: AsyncClient) -> None:
        body = await ok(
            client, certificate_issued_on="2026-06-30", applied_on="2026-07-15",
            living_allowance={"groups": ["post_school_youth_rural"], "graduated_on": "2024-06-30"},
        )
        assert body["living_allowance"]["eligible"] is True
        late = await ok(
            client, certificate_issued_on="2026-07-01", applied_on="2026-07-15",
            living_allowance={"groups": ["post_school_youth_rural"], "graduated_on": "2024-06-30"},
        )
        assert late["living_allowance"]["eligible"] is False

    async def test_unknown_group_and_future_last_allowance(self, client: AsyncClient) -> None:
        base = {"certificate_issued_on": "2025-06-01", "applied_on": "2026-02-02"}
        assert_422(
            await preview(client, **base, living_allowance={"groups": ["students"]}),
            "request.invalid", "living_allowance.groups.0",
        )
        future = {"groups": ["disabled"], "last_allowance_on": "2026-02-03"}
        assert_422(
            await preview(client, **base, living_allowance=future),
            "skill_subsidy.invalid_request", "living_allowance.last_allowance_on",
        )


class TestBadInput:
    async def test_dates_out_of_order_are_all_listed(self, client: AsyncClient) -> None:
        body = assert_422(
            await preview(client, certificate_issued_on="2026-03-01", applied_on="2026-02-28",
                          received_on="2026-02-27"),
            "skill_subsidy.invalid_request", "applied_on", "received_on",
        )
        rules = {v["field"]: v["rule"] for v in body["violations"]}
        assert rules == {"applied_on": "SUB-WINDOW", "received_on": "SUB-REVIEW"}

    async def test_received_on_the_day_of_application_is_fine(self, client: AsyncClient) -> None:
        same = "2026-03-01"
        body = await ok(client, certificate_issued_on=same, applied_on=same, received_on=same)
        assert body["within_window"] is True

    async def test_invalid_and_missing_dates(self, client: AsyncClient) -> None:
        assert_422(await preview(client, certificate_issued_on="2026-02-30", applied_on="2026-03-01"),
                   "request.invalid", "certificate_issued_on")
        assert_422(await preview(client, certificate_issued_on=0, applied_on="2026-03-01"),
                   "request.invalid", "certificate_issued_on")
        assert_422(await preview(client, certificate_issued_on="2026-03-01"), "request.invalid", "applied_on")
        assert_422(await preview(client, certificate_issued_on="2026-03-01", applied_on="2026-03-01", x=1),
                   "request.invalid", "x")

    async def test_dates_outside_the_calendar_or_the_policy(self, client: AsyncClient) -> None:
        assert_422(await preview(client, certificate_issued_on="1900-01-01", applied_on="2026-03-01"),
                   "skill_subsidy.invalid_request", "certificate_issued_on")
        assert_422(await preview(client, certificate_issued_on="2150-06-01", applied_on="2150-06-02"),
                   "calendar.out_of_range", "certificate_issued_on")
        assert_422(await preview(client, certificate_issued_on="2023-06-01", applied_on="2023-12-31"),
                   "policy.not_in_force", "applied_on")

    @settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(
        issued=st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 1, 1)),
        applied_after=st.integers(min_value=-30, max_value=800),
        received_after=st.integers(min_value=-5, max_value=60),
    )
    async def test_random_dates_never_give_500(
        self, client: AsyncClient, issued: date, applied_after: int, received_after: int
    ) -> None:
        applied = date.fromordinal(issued.toordinal() + applied_after)
        received = date.fromordinal(applied.toordinal() + received_after)
        response = await preview(
            client, certificate_issued_on=issued.isoformat(), applied_on=applied.isoformat(),
            received_on=received.isoformat(),
        )
        assert response.status_code in (200, 422), response.text
        if response.status_code == 200:
            body = response.json()
            assert body["review_due"] < body["notice_start"] <= body["notice_end"] < body["payment_due"]
            assert body["within_window"] == (applied.isoformat() <= body["apply_by"])
