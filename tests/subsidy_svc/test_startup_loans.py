"""Granted startup loans on real PostgreSQL through the real eligibility and registration apps: LOAN-RATE, the
evaluation, the stored interest-subsidy schedule (cumulative rounding), early repayment, payment to the lender."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date
from typing import Any

import pytest
from httpx import AsyncClient

from shared.db import Database
from tests.registration_svc.registration_support import id_number
from tests.subsidy_svc.claims_support import ADMIN, BATCHES, CASEWORKER, MovableClock, register_person, subsidy_api

LOANS = "/api/v1/startup-loans"
YUAN = 100


@pytest.fixture
def clock() -> MovableClock:
    return MovableClock(date(2026, 2, 1))


@pytest.fixture
async def person_id(database: Database, database_url: str, redis_url: str, queue_prefix: str) -> str:
    return await register_person(database, database_url, redis_url, queue_prefix,
                                 id_number(date(1986, 5, 1), sequence=555))


@pytest.fixture
async def api(
    database: Database, database_url: str, redis_url: str, queue_prefix: str, clock: MovableClock, person_id: str
) -> AsyncIterator[AsyncClient]:
    async with subsidy_api(database, database_url, redis_url, queue_prefix, clock.clock) as http:
        yield http


def loan_body(person_id: str, **changes: Any) -> dict[str, Any]:
    return {
        "borrower_type": "individual",
        "borrower": {"gender": "male", "birth_date": "1986-05-01", "key_groups": ["registered_unemployed"],
                     "has_project": True, "business_registered_in_city": True,
                     "business_registered_on": "2026-01-10", "jobs_created": 0, "previous_loans": 0,
                     "other_debts": []},
        "person_id": person_id,
        "lender": {"name": "韶关农商银行", "account_number": "62210000000001"},
        "contract_number": "SG-2026-0001",
        "principal_fen": 100_000 * YUAN, "annual_rate_bp": 350, "lpr_bp": 300,
        "start_date": "2026-01-10", "term_months": 12, "subsidy_period": "monthly",
        "agency_region_code": "440203",
        **changes,
    }


class TestRecordLoan:
    async def test_schedule_stored_with_the_total_rounded_once(self, api: AsyncClient, person_id: str) -> None:
        response = await api.post(LOANS, json=loan_body(person_id), headers=CASEWORKER)
        assert response.status_code == 201, response.text
        loan = response.json()
        periods = loan["periods"]
        assert len(periods) == 12 and periods[0]["due_on"] == "2026-02-10" and periods[-1]["due_on"] == "2027-01-10"
        assert all(p["status"] == "scheduled" for p in periods)
        total_interest = sum(p["interest_fen"] for p in periods)
        # 10,000,000 fen at 3.50 % for 365 days, actual/360 period by period; half of it rounded once.
        assert loan["total_interest_fen"] == total_interest
        assert loan["total_subsidy_fen"] == (total_interest + 1) // 2
        assert "cumulative" in loan["rounding"]
        read = await api.get(f"{LOANS}/{loan['id']}", headers=CASEWORKER)
        assert read.json()["periods"] == periods

    async def test_rate_cap_at_the_boundary(self, api: AsyncClient, person_id: str) -> None:
        above = await api.post(LOANS, json=loan_body(person_id, annual_rate_bp=351), headers=CASEWORKER)
        assert above.status_code == 422 and above.json()["violations"][0]["rule"] == "LOAN-RATE"
        assert above.json()["code"] == "startup_loan.rate_above_cap"
        at_cap = await api.post(LOANS, json=loan_body(person_id, annual_rate_bp=350), headers=CASEWORKER)
        assert at_cap.status_code == 201

    async def test_above_the_eligibility_maximum(self, api: AsyncClient, person_id: str) -> None:
        response = await api.post(LOANS, json=loan_body(person_id, principal_fen=300_001 * YUAN), headers=CASEWORKER)
        assert response.status_code == 422, response.text
        assert response.json()["code"] == "startup_loan.not_eligible"
        assert any(v["rule"].startswith("LOAN-") for v in response.json()["violations"])
        assert (await api.post(LOANS, json=loan_body(person_id, principal_fen=300_000 * YUAN),
                               headers=CASEWORKER)).status_code == 201

    async def test_borrower_and_contract(self, api: AsyncClient, person_id: str) -> None:
        unknown = await api.post(LOANS, json=loan_body("00000000-0000-0000-0000-000000000001"), headers=CASEWORKER)
        assert unknown.status_code == 422 and unknown.json()["code"] == "startup_loan.invalid_request"
        assert (await api.post(LOANS, json=loan_body(person_id), headers=CASEWORKER)).status_code == 201
        again = await api.post(LOANS, json=loan_body(person_id), headers=CASEWORKER)
        assert again.status_code == 409
        assert (await api.post(LOANS, json=loan_body(person_id, contract_number="X-2"),
                               headers=ADMIN)).status_code == 403


class TestEarlyRepaymentAndPayment:
    async def test_early_repayment_shortens_and_paid_periods_stay(
        self, api: AsyncClient, person_id: str, clock: MovableClock
    ) -> None:
        loan = (await api.post(LOANS, json=loan_body(person_id), headers=CASEWORKER)).json()
        clock.today = date(2026, 3, 12)
        batch = await api.post(BATCHES, headers=ADMIN, json={"kind": "loan_interest_subsidy", "region": "440203",
                                                             "as_of": "2026-03-11"})
        assert batch.status_code == 201, batch.text
        items = batch.json()["items"]
        assert [i["period_id"] for i in items] == [p["id"] for p in loan["periods"][:2]]
        assert items[0]["payee"] == {"name": "韶关农商银行", "account_number": "62210000000001",
                                     "bank_name": "韶关农商银行"}
        # The second period (to 2026-03-10) is batched: repaying inside it would change it.
        refused = await api.post(f"{LOANS}/{loan['id']}/early-repayment", json={"repaid_on": "2026-03-01"},
                                 headers=CASEWORKER)
        assert refused.status_code == 409 and refused.json()["violations"][0]["rule"] == "PAY-ONCE"
        on_the_due_date = await api.post(f"{LOANS}/{loan['id']}/early-repayment", json={"repaid_on": "2026-03-10"},
                                         headers=CASEWORKER)
        # Repaid on the batched period's own end: it does not change, the later ones are cancelled.
        assert on_the_due_date.status_code == 200, on_the_due_date.text
        assert [p["status"] for p in on_the_due_date.json()["periods"]] == ["scheduled"] * 2 + ["cancelled"] * 10
        assert on_the_due_date.json()["periods"][:2] == loan["periods"][:2]

    async def test_early_repayment_inside_a_later_period(
        self, api: AsyncClient, person_id: str, clock: MovableClock
    ) -> None:
        loan = (await api.post(LOANS, json=loan_body(person_id), headers=CASEWORKER)).json()
        clock.today = date(2026, 3, 12)
        batch = (await api.post(BATCHES, headers=ADMIN, json={"kind": "loan_interest_subsidy", "region": "440203",
                                                              "as_of": "2026-03-11"})).json()
        first = batch["items"][0]
        assert first["amount_fen"] == loan["periods"][0]["subsidy_fen"]
        paid = await api.post(f"{BATCHES}/{batch['id']}/results", headers=ADMIN, json={"items": [
            {"item_id": first["item_id"], "result": "paid", "paid_on": "2026-03-12", "bank_reference": "RCB-1"}]})
        assert paid.json()["paid"] == 1
        read = (await api.get(f"{LOANS}/{loan['id']}", headers=CASEWORKER)).json()
        assert [p["status"] for p in read["periods"][:2]] == ["paid", "scheduled"]
        shortened = await api.post(f"{LOANS}/{loan['id']}/early-repayment", json={"repaid_on": "2026-03-12"},
                                   headers=CASEWORKER)
        assert shortened.status_code == 200, shortened.text
        periods = shortened.json()["periods"]
        assert [p["status"] for p in periods] == ["paid"] + ["scheduled"] * 2 + ["cancelled"] * 9
        assert (periods[2]["due_on"], periods[2]["days"]) == ("2026-03-12", 2)
        assert periods[1] == loan["periods"][1]
        live = periods[:3]
        assert shortened.json()["total_subsidy_fen"] == (sum(p["interest_fen"] for p in live) + 1) // 2
        twice = await api.post(f"{LOANS}/{loan['id']}/early-repayment", json={"repaid_on": "2026-03-12"},
                               headers=CASEWORKER)
        assert twice.status_code == 409
