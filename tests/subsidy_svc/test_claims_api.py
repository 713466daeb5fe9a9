"""Skill-subsidy claims on real PostgreSQL and Redis, through the real registration and eligibility apps:
SUB-WINDOW, SUB-CATALOGUE, SUB-ACCOUNT, SUB-DUPLICATE, SUB-ALLOWANCE-*, SUB-REVIEW, SUB-NOTICE, overdue."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date
from typing import Any

import httpx
import pytest
from httpx import AsyncClient
from sqlalchemy import func, select

from shared.db import Database
from subsidy_svc.claims.models import SkillClaim
from subsidy_svc.claims.tasks import flag_overdue_claims
from subsidy_svc.models import platform as subsidy_platform
from tests.subsidy_svc.claims_support import (
    CASEWORKER,
    CLAIMS,
    REVIEWER,
    MovableClock,
    claim_body,
    record_agency,
    subsidy_api,
)
from tests.support import bearer, pdf_text


@pytest.fixture
def clock() -> MovableClock:
    return MovableClock(date(2026, 4, 1))


@pytest.fixture
async def api(
    database: Database, database_url: str, redis_url: str, queue_prefix: str, clock: MovableClock
) -> AsyncIterator[AsyncClient]:
    async with subsidy_api(database, database_url, redis_url, queue_prefix, clock.clock) as http:
        yield http


async def file(api: AsyncClient, body: dict[str, Any], headers: dict[str, str] = CASEWORKER) -> httpx.Response:
    return await api.post(CLAIMS, json=body, headers=headers)


def rules_of(problem: dict[str, Any]) -> list[str]:
    return [v["rule"] for v in problem.get("violations", [])]


async def claim_count(database: Database) -> int:
    async with database.transaction() as session:
        return int((await session.execute(select(func.count()).select_from(SkillClaim))).scalar_one())


class TestFiling:
    async def test_amount_from_the_catalogue_and_review_due(self, api: AsyncClient) -> None:
        response = await file(api, claim_body(level=3))
        assert response.status_code == 201, response.text
        claim = response.json()
        assert claim["status"] == "received"
        assert claim["subsidy_fen"] == 200_000 and claim["living_allowance_fen"] == 0
        assert claim["living_allowance_decision"]["granted"] is False
        # 15 working days after 2026-04-01 (Qingming 04-04..06 and the weekends are not counted).
        assert claim["review_due"] == "2026-04-23"
        assert claim["catalogue_effective_from"] == "2024-01-01"

    async def test_citizen_files_for_self_only(self, api: AsyncClient) -> None:
        body = claim_body(sequence=201)
        own = bearer("citizen", "440203001", body["applicant"]["id_number"])
        other = bearer("citizen", "440203001", claim_body(sequence=203)["applicant"]["id_number"])
        assert (await file(api, body, other)).status_code == 403
        response = await file(api, body, own)
        assert response.status_code == 201, response.text
        assert (await api.get(f"{CLAIMS}/{response.json()['id']}", headers=own)).status_code == 200
        assert (await api.get(f"{CLAIMS}/{response.json()['id']}", headers=other)).status_code == 404

    async def test_window_boundary(self, api: AsyncClient, clock: MovableClock, database: Database) -> None:
        # Issued 2025-04-02: 12 months end 2026-04-02, a Thursday working day.
        clock.today = date(2026, 4, 10)
        last_day = claim_body(sequence=301, issued_on=date(2025, 4, 2), applied_on=date(2026, 4, 2))
        assert (await file(api, last_day)).status_code == 201
        late = claim_body(sequence=303, issued_on=date(2025, 4, 2), applied_on=date(2026, 4, 3))
        before = await claim_count(database)
        response = await file(api, late)
        assert response.status_code == 422
        assert response.headers["content-type"].startswith("application/problem+json")
        assert rules_of(response.json()) == ["SUB-WINDOW"] and response.json()["detail_zh"]
        assert await claim_count(database) == before

    async def test_catalogue_in_force_on_the_issue_date(self, api: AsyncClient) -> None:
        # 育婴员 is listed for levels 5-3 only.
        response = await file(api, claim_body(sequence=401, occupation_code="4-10-01-02", level=2))
        assert response.status_code == 422 and rules_of(response.json()) == ["SUB-CATALOGUE"]
        unknown = await file(api, claim_body(sequence=403, occupation_code="9-99-99-99"))
        assert unknown.status_code == 422 and rules_of(unknown.json()) == ["SUB-CATALOGUE"]
        # A certificate issued before the first version has no catalogue.
        early = await file(api, claim_body(sequence=405, issued_on=date(2023, 12, 31), applied_on=date(2024, 5, 6)))
        assert early.status_code == 422 and rules_of(early.json()) == ["SUB-CATALOGUE"]

    async def test_account_in_the_applicants_name(self, api: AsyncClient) -> None:
        response = await file(api, claim_body(sequence=501, account_name="王五"))
        assert response.status_code == 422 and rules_of(response.json()) == ["SUB-ACCOUNT"]
        # Full-width and spacing differences are the same name.
        assert (await file(api, claim_body(sequence=503, name="李 四", account_name="李四"))).status_code == 201

    async def test_one_claim_per_certificate_unless_rejected(self, api: AsyncClient, clock: MovableClock) -> None:
        body = claim_body(sequence=601, certificate="CERT-DUP-1")
        first = await file(api, body)
        assert first.status_code == 201
        again = await file(api, claim_body(sequence=603, certificate="CERT-DUP-1"))
        assert again.status_code == 409 and rules_of(again.json()) == ["SUB-DUPLICATE"]
        rejected = await api.post(f"{CLAIMS}/{first.json()['id']}/review", headers=REVIEWER,
                                  json={"decision": "reject", "reason": "证书编号不符", "reviewed_on": "2026-04-01"})
        assert rejected.json()["status"] == "rejected"
        assert (await file(api, body)).status_code == 201


class TestLivingAllowance:
    async def test_listed_group_once_a_year(self, api: AsyncClient, clock: MovableClock) -> None:
        allowance = {"requested": True, "group": "disabled"}
        first = await file(api, claim_body(sequence=701, allowance=allowance))
        assert first.status_code == 201
        assert first.json()["living_allowance_fen"] == 50_000
        assert first.json()["living_allowance_decision"]["granted"] is True
        assert first.json()["living_allowance_decision"]["rule"] == "SUB-ALLOWANCE-GROUP"
        second = await file(api, claim_body(sequence=701, occupation_code="6-31-01-03", allowance=allowance))
        assert second.status_code == 201
        decision = second.json()["living_allowance_decision"]
        assert (second.json()["living_allowance_fen"], decision["granted"], decision["rule"]) == (
            0, False, "SUB-ALLOWANCE-ONCE")
        assert "2026" in decision["reason"] and decision["reason_zh"]
        clock.today = date(2027, 1, 5)
        next_year = await file(api, claim_body(sequence=701, occupation_code="6-18-02-04", issued_on=date(2026, 12, 1),
                                               applied_on=date(2027, 1, 5), allowance=allowance))
        assert next_year.status_code == 201 and next_year.json()["living_allowance_fen"] == 50_000

    async def test_no_group_no_allowance(self, api: AsyncClient) -> None:
        response = await file(api, claim_body(sequence=711, allowance={"requested": True, "group": None}))
        decision = response.json()["living_allowance_decision"]
        assert (decision["granted"], decision["rule"]) == (False, "SUB-ALLOWANCE-GROUP")

    async def test_difficulty_membership_is_asked_of_the_eligibility_service(self, api: AsyncClient) -> None:
        # The person has no certification in the real eligibility service: no allowance, and the reason says so.
        response = await file(api, claim_body(sequence=723, allowance={"requested": True, "group": "difficulty"}))
        assert response.status_code == 201, response.text
        decision = response.json()["living_allowance_decision"]
        assert (decision["granted"], decision["rule"]) == (False, "SUB-ALLOWANCE-GROUP")
        assert "eligibility service" in decision["reason"] and decision["reason_zh"]

    async def test_eligibility_down_is_503_never_a_guess(
        self, database: Database, database_url: str, redis_url: str, queue_prefix: str, clock: MovableClock
    ) -> None:
        def refuse(request: httpx.Request) -> httpx.Response:
            raise httpx.ConnectError("connection refused", request=request)

        async with subsidy_api(database, database_url, redis_url, queue_prefix, clock.clock,
                               eligibility_transport=httpx.MockTransport(refuse)) as api:
            before = await claim_count(database)
            response = await file(api, claim_body(sequence=731, allowance={"requested": True, "group": "difficulty"}))
            assert response.status_code == 503 and response.headers["retry-after"]
            assert await claim_count(database) == before
            # A group that needs no peer is decided without it.
            other = await file(api, claim_body(sequence=733, allowance={"requested": True, "group": "disabled"}))
            assert other.status_code == 201


class TestReviewNoticeObjections:
    async def test_timeline_and_objections(self, api: AsyncClient, clock: MovableClock) -> None:
        claim = (await file(api, claim_body(sequence=801))).json()
        url = f"{CLAIMS}/{claim['id']}"
        early = await api.post(f"{url}/review", headers=REVIEWER,
                               json={"decision": "approve", "reviewed_on": "2026-03-31"})
        assert early.status_code == 422 and rules_of(early.json()) == ["SUB-REVIEW"]
        clock.today = date(2026, 4, 8)
        reviewed = await api.post(f"{url}/review", headers=REVIEWER,
                                  json={"decision": "approve", "reviewed_on": "2026-04-08"})
        assert reviewed.status_code == 200, reviewed.text
        body = reviewed.json()
        assert body["status"] == "in_public_notice"
        # Notice: the working day after the review, for 5 working days; payment within 60 working days after.
        assert (body["notice_start"], body["notice_end"]) == ("2026-04-09", "2026-04-15")
        assert body["steps"]["review"] == {"rule": "SUB-REVIEW", "due": "2026-04-23", "actual": "2026-04-08",
                                           "overdue": False}
        assert (await api.post(f"{url}/review", headers=REVIEWER,
                               json={"decision": "approve", "reviewed_on": "2026-04-08"})).status_code == 409
        clock.today = date(2026, 4, 20)
        late = await api.post(f"{url}/objections", headers=REVIEWER,
                              json={"received_on": "2026-04-16", "content": "举报证书造假"})
        assert late.status_code == 422 and rules_of(late.json()) == ["SUB-NOTICE"]
        inside = await api.post(f"{url}/objections", headers=REVIEWER,
                                json={"received_on": "2026-04-15", "content": "举报证书造假"})
        assert inside.status_code == 201 and inside.json()["status"] == "in_public_notice"
        objection = inside.json()["objections"][0]
        dismissed = await api.post(f"{url}/objections/{objection['id']}/decision", headers=REVIEWER,
                                   json={"upheld": False, "decided_on": "2026-04-20", "reason": "经核查证书真实"})
        assert dismissed.json()["status"] == "payable"
        assert dismissed.json()["payment_due"] is not None
        # The list shows each claim's objections too (read for the whole page in one query).
        listed = (await api.get(CLAIMS, params={"status": "payable"}, headers=CASEWORKER)).json()["items"]
        [shown] = [c for c in listed if c["id"] == claim["id"]]
        assert [(o["id"], o["status"]) for o in shown["objections"]] == [(objection["id"], "dismissed")]
        assert all(c["objections"] == [] for c in listed if c["id"] != claim["id"])

    async def test_upheld_objection_rejects(self, api: AsyncClient, clock: MovableClock) -> None:
        claim = (await file(api, claim_body(sequence=811))).json()
        url = f"{CLAIMS}/{claim['id']}"
        await api.post(f"{url}/review", headers=REVIEWER, json={"decision": "approve", "reviewed_on": "2026-04-01"})
        objected = await api.post(f"{url}/objections", headers=CASEWORKER,
                                  json={"received_on": "2026-04-01", "content": "非本人参训"})
        assert objected.status_code == 422  # the notice starts the working day after the review
        clock.today = date(2026, 4, 3)
        objected = await api.post(f"{url}/objections", headers=CASEWORKER,
                                  json={"received_on": "2026-04-02", "content": "非本人参训"})
        assert objected.status_code == 201
        oid = objected.json()["objections"][0]["id"]
        assert (await api.post(f"{url}/objections/{oid}/decision", headers=CASEWORKER,
                               json={"upheld": True, "decided_on": "2026-04-03", "reason": "x"})).status_code == 403
        upheld = await api.post(f"{url}/objections/{oid}/decision", headers=REVIEWER,
                                json={"upheld": True, "decided_on": "2026-04-03", "reason": "查实非本人参训"})
        assert upheld.json()["status"] == "rejected"
        letter = await api.get(f"{url}/rejection-notice", headers=CASEWORKER)
        assert letter.status_code == 200 and letter.headers["content-type"].startswith("text/html")
        # The letter is dated the day the objection was upheld; the administrative review runs 60 days from it.
        assert "公示期内收到的异议经核查成立：查实非本人参训" in letter.text
        assert "2026年6月2日前（含当日）" in letter.text


class TestRejectionLetter:
    async def test_the_letter_names_reason_basis_and_appeal_deadline(self, api: AsyncClient) -> None:
        claim = (await file(api, claim_body(sequence=821))).json()
        url = f"{CLAIMS}/{claim['id']}/rejection-notice"
        early = await api.get(url, headers=CASEWORKER)
        assert early.status_code == 409 and "已受理" in early.json()["detail_zh"]
        rejected = await api.post(f"{CLAIMS}/{claim['id']}/review", headers=REVIEWER,
                                  json={"decision": "reject", "reason": "证书编号不符", "reviewed_on": "2026-04-01"})
        assert rejected.json()["status"] == "rejected"
        letter = await api.get(url, headers=CASEWORKER)
        assert letter.status_code == 200
        html = letter.text
        assert "<h1>不予发放职业技能提升培训补贴告知书</h1>" in html and "理由：证书编号不符" in html
        assert "《韶关市登记失业人员跟踪服务工作方案》三(二)" in html  # the clause of the review
        assert "2026年5月31日前（含当日）依法申请行政复议" in html and "《中华人民共和国行政复议法》第二十条" in html
        assert "2026年4月1日" in html and "本机构（区划 440203）" in html  # dated the review; no agency recorded

    async def test_a_rejection_is_told_to_the_person_through_the_registration_service(
        self, api: AsyncClient, database: Database
    ) -> None:
        claim = (await file(api, claim_body(sequence=825))).json()
        await api.post(f"{CLAIMS}/{claim['id']}/review", headers=REVIEWER,
                       json={"decision": "reject", "reason": "证书编号不符", "reviewed_on": "2026-04-01"})
        outbox = subsidy_platform.outbox
        async with database.transaction() as session:
            [told] = (await session.scalars(select(outbox.c.payload).where(
                outbox.c.event_type == "skill_subsidy.claim_rejected",
                outbox.c.payload["claim_id"].astext == claim["id"]))).all()
        assert (told["person_id"], told["reason_zh"], told["rejected_on"], told["appeal_by"]) == (
            claim["person_id"], "证书编号不符", "2026-04-01", "2026-05-31")

    async def test_the_letter_names_the_agency_of_the_registry_and_how_to_reach_it(
        self, api: AsyncClient, database: Database, database_url: str, redis_url: str, queue_prefix: str
    ) -> None:
        await record_agency(database, database_url, redis_url, queue_prefix, "440203", {
            "name": "武江区公共就业服务中心", "address": "韶关市武江区沿江路1号", "telephone": "0751-8888888",
            "items_handled": ["职业技能提升补贴"]})
        claim = (await file(api, claim_body(sequence=823))).json()
        await api.post(f"{CLAIMS}/{claim['id']}/review", headers=REVIEWER,
                       json={"decision": "reject", "reason": "证书编号不符", "reviewed_on": "2026-04-01"})
        html = (await api.get(f"{CLAIMS}/{claim['id']}/rejection-notice", headers=CASEWORKER)).text
        assert "联系方式：武江区公共就业服务中心，地址：韶关市武江区沿江路1号，联系电话：0751-8888888" in html
        assert "区划 440203" not in html
        pdf = await api.get(f"{CLAIMS}/{claim['id']}/rejection-notice",
                            headers={**CASEWORKER, "Accept": "application/pdf"})
        assert pdf.headers["content-type"] == "application/pdf"
        text = pdf_text(pdf.content)
        assert text.startswith("不予发放职业技能提升培训补贴告知书") and "理由：证书编号不符" in text
        assert "联系电话：0751-8888888" in text and text.endswith("武江区公共就业服务中心2026年4月1日")


class TestOverdue:
    async def test_overdue_flags_list_job_and_gauges(
        self, api: AsyncClient, clock: MovableClock, database: Database
    ) -> None:
        waiting = (await file(api, claim_body(sequence=901))).json()
        on_time = (await file(api, claim_body(sequence=903))).json()
        await api.post(f"{CLAIMS}/{on_time['id']}/review", headers=REVIEWER,
                       json={"decision": "approve", "reviewed_on": "2026-04-01"})
        clock.today = date(2026, 4, 23)  # the due date itself: not yet overdue
        assert (await api.get(f"{CLAIMS}/{waiting['id']}", headers=CASEWORKER)).json()["overdue"] is False
        clock.today = date(2026, 4, 24)
        read = (await api.get(f"{CLAIMS}/{waiting['id']}", headers=CASEWORKER)).json()
        assert read["steps"]["review"]["overdue"] is True and read["overdue"] is True
        listed = (await api.get(CLAIMS, params={"overdue": "true"}, headers=CASEWORKER)).json()
        assert [c["id"] for c in listed["items"]] == [waiting["id"]]
        payable = (await api.get(CLAIMS, params={"status": "payable"}, headers=CASEWORKER)).json()
        assert [c["id"] for c in payable["items"]] == [on_time["id"]]
        report = await flag_overdue_claims(database, date(2026, 4, 24))
        assert report.by_region == {"4402": {"review": 1, "payment": 0}}
        assert report.made_payable == 1 and report.newly_flagged == 1
        again = await flag_overdue_claims(database, date(2026, 4, 27))
        assert again.newly_flagged == 0 and again.total == 1
        metrics = (await api.get("/metrics")).text
        assert 'jiuye_skill_claims_overdue{step="review",region="4402"} 1' in metrics
