"""Survey and classification (FU-CLASSIFY), services given, the region lists and the timeline, over HTTP."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from httpx import AsyncClient

from followup_svc.config import Settings
from services.followup.app import create_app
from shared.clock import Clock
from shared.db import Database
from tests.followup_svc.assisted_support import TOWN, registered_person
from tests.support import PLAN, bearer, running_app, service_settings

NOW = datetime(2026, 11, 24, 0, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
TODAY = NOW.date()
CW = bearer("caseworker", TOWN, "cw-1")
COUNTY_ADMIN = bearer("admin", "440203", "admin-1")

SURVEY: dict[str, Any] = {
    "employment_history": [{"employer": "韶关钢铁", "occupation": "焊工", "years": 6}],
    "unemployment_reason": "contract ended",
    "education": "high_school",
    "skills": ["welding"],
    "health": "healthy",
    "disability": None,
    "wants_training": False,
    "wants_entrepreneurship": False,
    "wants_work_now": True,
}
POLICY = {"name": "社会保险补贴", "target_group": "就业困难人员", "content": "按实际缴费给予补贴",
          "conditions": "灵活就业并缴纳社保", "accepting_agency": "浈江区公共就业服务中心"}
SERVICE = {"item": "职业指导", "target": "登记失业人员", "content": "一对一职业指导"}
AGENCY = {"name": "浈江区公共就业服务中心", "address": "韶关市浈江区", "phone": "0751-1234567",
          "items_handled": ["失业登记", "就业困难人员认定"]}


@pytest.fixture
async def client(
    database: Database, database_url: str, redis_url: str, queue_prefix: str
) -> AsyncIterator[AsyncClient]:
    settings = service_settings(Settings, database_url, redis_url, queue_prefix)
    async with running_app(create_app, settings, database, Clock.fixed(NOW)) as c:
        yield c


def service(kind: str, on: str = "2026-11-20", detail: str = "") -> dict[str, str]:
    return {"kind": kind, "delivered_on": on, "detail": detail}


class TestSurvey:
    @pytest.mark.parametrize(("town", "source", "clause"), [
        (TOWN, f"人社厅发〔2020〕3号；{PLAN}四", f"{PLAN}四"),
        ("620102001", "甘人社通〔2020〕111号 四（分级分类服务制度）；甘人社通〔2020〕111号 四(二)",
         "甘人社通〔2020〕111号 四(二)"),
    ])
    async def test_the_class_cites_the_pack_of_the_persons_region(self, client: AsyncClient, database: Database,
                                                                 town: str, source: str, clause: str) -> None:
        person = await registered_person(database, town)
        caseworker = bearer("caseworker", town, "cw-1")
        put = await client.put(f"/api/v1/persons/{person}/survey", json=SURVEY, headers=caseworker)
        assert put.status_code == 200, put.text
        assert put.json()["source"] == source and put.json()["reason_zh"].endswith(f"依据{clause}。")
        got = await client.get(f"/api/v1/persons/{person}/survey", headers=caseworker)
        assert got.status_code == 200 and got.json()["source"] == source

    async def test_put_classifies_and_get_shows_what_is_left_to_give(self, client: AsyncClient,
                                                                       database: Database) -> None:
        person = await registered_person(database)
        response = await client.put(f"/api/v1/persons/{person}/survey", json=SURVEY, headers=CW)
        assert response.status_code == 200, response.text
        body = response.json()
        assert (body["classification"], body["rule"]) == ("job_ready", "FU-CLASSIFY")
        assert body["reason"].startswith("FU-CLASSIFY") and "焊" not in body["reason"] and body["reason_zh"]
        assert body["package"][0] == "job_recommendation" and body["outstanding"] == body["package"]
        await client.post(f"/api/v1/persons/{person}/services", json=service("career_guidance"), headers=CW)
        again = await client.get(f"/api/v1/persons/{person}/survey", headers=bearer("reviewer", "4402"))
        assert again.status_code == 200 and "career_guidance" not in again.json()["outstanding"]

    async def test_a_new_survey_replaces_the_class(self, client: AsyncClient, database: Database) -> None:
        person = await registered_person(database)
        await client.put(f"/api/v1/persons/{person}/survey", json=SURVEY, headers=CW)
        changed = await client.put(f"/api/v1/persons/{person}/survey", json={**SURVEY, "wants_work_now": False},
                                   headers=CW)
        assert changed.json()["classification"] == "not_seeking_now"
        got = await client.get(f"/api/v1/persons/{person}/survey", headers=CW)
        assert got.json()["classification"] == "not_seeking_now"

    async def test_unknown_person_is_404_naming_the_rule(self, client: AsyncClient) -> None:
        response = await client.put(f"/api/v1/persons/{uuid.uuid4()}/survey", json=SURVEY, headers=CW)
        assert response.status_code == 404 and response.headers["content-type"] == "application/problem+json"
        problem = response.json()
        assert problem["code"] == "followup.person_unknown" and problem["detail_zh"]
        assert problem["violations"][0]["rule"] == "FU-CLASSIFY"
        assert problem["violations"][0]["field"] == "person_id"

    async def test_other_towns_caseworker_is_403_and_a_bad_health_value_422(self, client: AsyncClient,
                                                                            database: Database) -> None:
        person = await registered_person(database)
        other = await client.put(f"/api/v1/persons/{person}/survey", json=SURVEY,
                                 headers=bearer("caseworker", "440203002"))
        assert other.status_code == 403
        bad = await client.put(f"/api/v1/persons/{person}/survey", json={**SURVEY, "health": "tired"}, headers=CW)
        assert bad.status_code == 422 and bad.json()["violations"][0]["field"] == "health"

    async def test_survey_missing_is_404(self, client: AsyncClient, database: Database) -> None:
        person = await registered_person(database)
        response = await client.get(f"/api/v1/persons/{person}/survey", headers=CW)
        assert response.status_code == 404 and response.json()["code"] == "followup.survey_not_found"


class TestServices:
    async def test_record_and_list(self, client: AsyncClient, database: Database) -> None:
        person = await registered_person(database)
        created = await client.post(f"/api/v1/persons/{person}/services",
                                    json=service("job_recommendation", "2026-11-24", "仓库管理员"), headers=CW)
        assert created.status_code == 201, created.text
        body = created.json()
        assert (body["kind"], body["delivered_on"], body["given_by"], body["list"]) == (
            "job_recommendation", "2026-11-24", "cw-1", None)
        listed = await client.get(f"/api/v1/persons/{person}/services", headers=CW)
        assert [s["id"] for s in listed.json()["items"]] == [body["id"]]

    async def test_future_date_and_unknown_kind_are_422_naming_the_field(self, client: AsyncClient,
                                                                         database: Database) -> None:
        person = await registered_person(database)
        future = await client.post(f"/api/v1/persons/{person}/services", json=service("career_guidance",
                                                                                     "2026-11-25"), headers=CW)
        assert future.status_code == 422
        assert (future.json()["code"], future.json()["violations"][0]["rule"],
                future.json()["violations"][0]["field"]) == ("followup.invalid_service_date", "FU-SERVICE",
                                                             "delivered_on")
        unknown = await client.post(f"/api/v1/persons/{person}/services", json=service("massage"), headers=CW)
        assert unknown.status_code == 422 and unknown.json()["violations"][0]["field"] == "kind"
        listed = await client.get(f"/api/v1/persons/{person}/services", headers=CW)
        assert listed.json()["items"] == []

    async def test_a_retry_with_the_same_key_counts_once(self, client: AsyncClient, database: Database) -> None:
        person = await registered_person(database)
        headers = {**CW, "Idempotency-Key": f"svc-{uuid.uuid4()}"}
        first = await client.post(f"/api/v1/persons/{person}/services", json=service("career_guidance"),
                                  headers=headers)
        second = await client.post(f"/api/v1/persons/{person}/services", json=service("career_guidance"),
                                   headers=headers)
        assert first.status_code == second.status_code == 201 and second.json() == first.json()
        assert second.headers["idempotent-replayed"] == "true"
        listed = await client.get(f"/api/v1/persons/{person}/services", headers=CW)
        assert len(listed.json()["items"]) == 1

    async def test_unknown_person_is_404(self, client: AsyncClient) -> None:
        response = await client.post(f"/api/v1/persons/{uuid.uuid4()}/services", json=service("career_guidance"),
                                     headers=CW)
        assert response.status_code == 404 and response.json()["violations"][0]["rule"] == "FU-SERVICE"

    async def test_only_caseworkers_record(self, client: AsyncClient, database: Database) -> None:
        person = await registered_person(database)
        response = await client.post(f"/api/v1/persons/{person}/services", json=service("career_guidance"),
                                     headers=bearer("reviewer", TOWN))
        assert response.status_code == 403


class TestLists:
    async def test_versions_and_the_version_a_person_got(self, client: AsyncClient, database: Database) -> None:
        person = await registered_person(database)
        none_yet = await client.post(f"/api/v1/persons/{person}/services", json=service("policy_list"), headers=CW)
        assert none_yet.status_code == 409 and none_yet.json()["code"] == "followup.list_not_published"

        v1 = await client.put("/api/v1/lists/policies", json={"items": [POLICY]}, headers=COUNTY_ADMIN)
        assert v1.status_code == 200, v1.text
        assert (v1.json()["version"], v1.json()["region_code"], v1.json()["items"]) == (1, "440203", [POLICY])
        given = await client.post(f"/api/v1/persons/{person}/services", json=service("policy_list"), headers=CW)
        assert given.status_code == 201 and given.json()["list"]["version"] == 1

        v2 = await client.put("/api/v1/lists/policies", json={"items": [POLICY, {**POLICY, "name": "岗位补贴"}]},
                              headers=COUNTY_ADMIN)
        assert v2.json()["version"] == 2
        # The town has no list of its own: it reads the county's, latest version, or the one asked for.
        latest = await client.get("/api/v1/lists/policies", params={"region": TOWN}, headers=bearer("citizen", TOWN))
        assert latest.status_code == 200 and latest.json()["version"] == 2 and len(latest.json()["items"]) == 2
        first = await client.get("/api/v1/lists/policies", params={"region": TOWN, "version": 1}, headers=CW)
        assert first.json()["items"] == [POLICY]
        listed = await client.get(f"/api/v1/persons/{person}/services", headers=CW)
        assert listed.json()["items"][0]["list"]["version"] == 1

    async def test_each_kind_with_its_own_fields(self, client: AsyncClient) -> None:
        services = await client.put("/api/v1/lists/services", json={"items": [SERVICE]}, headers=COUNTY_ADMIN)
        agencies = await client.put("/api/v1/lists/agencies", json={"items": [AGENCY]}, headers=COUNTY_ADMIN)
        assert (services.status_code, agencies.status_code) == (200, 200)
        got = await client.get("/api/v1/lists/agencies", params={"region": "440203"}, headers=CW)
        assert got.json()["items"][0]["items_handled"] == ["失业登记", "就业困难人员认定"]
        assert (await client.get("/api/v1/lists/services", headers=CW)).json()["kind"] == "services"

    @pytest.mark.parametrize("missing", ["name", "target_group", "content", "conditions", "accepting_agency"])
    async def test_item_missing_a_field_is_422_naming_it(self, client: AsyncClient, missing: str) -> None:
        item = {k: v for k, v in POLICY.items() if k != missing}
        response = await client.put("/api/v1/lists/policies", json={"items": [POLICY, item]}, headers=COUNTY_ADMIN)
        assert response.status_code == 422
        assert response.json()["violations"][0]["field"] == f"items.1.{missing}"

    async def test_blank_field_extra_field_and_empty_list_are_422(self, client: AsyncClient) -> None:
        blank = await client.put("/api/v1/lists/services", json={"items": [{**SERVICE, "content": "  "}]},
                                 headers=COUNTY_ADMIN)
        assert blank.status_code == 422 and blank.json()["violations"][0]["field"] == "items.0.content"
        extra = await client.put("/api/v1/lists/services", json={"items": [{**SERVICE, "fee": "0"}]},
                                 headers=COUNTY_ADMIN)
        assert extra.status_code == 422
        empty = await client.put("/api/v1/lists/agencies", json={"items": []}, headers=COUNTY_ADMIN)
        assert empty.status_code == 422

    async def test_only_an_admin_of_the_region_puts(self, client: AsyncClient) -> None:
        caseworker = await client.put("/api/v1/lists/policies", json={"items": [POLICY]}, headers=CW)
        assert caseworker.status_code == 403
        outside = await client.put("/api/v1/lists/policies", params={"region": "440204"}, json={"items": [POLICY]},
                                   headers=COUNTY_ADMIN)
        assert outside.status_code == 403 and outside.json()["code"] == "auth.region_out_of_scope"

    async def test_no_list_is_404(self, client: AsyncClient) -> None:
        response = await client.get("/api/v1/lists/agencies", params={"region": "440204"}, headers=CW)
        assert response.status_code == 404 and response.json()["violations"][0]["rule"] == "FU-LISTS"


class TestTimeline:
    async def test_services_and_registration_in_date_order(self, client: AsyncClient, database: Database) -> None:
        person = await registered_person(database)
        for kind, on in (("job_recommendation", "2026-11-22"), ("career_guidance", "2026-11-18")):
            await client.post(f"/api/v1/persons/{person}/services", json=service(kind, on), headers=CW)
        response = await client.get(f"/api/v1/persons/{person}/timeline", headers=CW)
        assert response.status_code == 200, response.text
        items = response.json()["items"]
        assert [(i["type"], i["kind"], i["on"]) for i in items] == [
            ("registration", "registered", "2026-11-16"),
            ("service", "career_guidance", "2026-11-18"),
            ("service", "job_recommendation", "2026-11-22"),
        ]


class TestOddInputNeverFails:
    @pytest.mark.parametrize(("method", "path", "body", "params"), [
        ("put", "/survey", {**SURVEY, "employment_history": [{"employer": "", "occupation": "x", "years": -1}]}, {}),
        ("put", "/survey", {**SURVEY, "skills": "welding"}, {}),
        ("put", "/survey", [1, 2], {}),
        ("post", "/services", {"kind": "career_guidance", "delivered_on": "2026-02-30"}, {}),
        ("post", "/services", {"kind": "career_guidance", "delivered_on": "2026-11-20", "detail": "x" * 2001}, {}),
        ("post", "/services", {"kind": "career_guidance", "delivered_on": "2026-11-20", "extra": 1}, {}),
        ("put", "/assistance/tier", {"tier": "IV", "reason": "x"}, {}),
        ("put", "/assistance/tier", {"tier": "III", "reason": "x", "ground": "mood"}, {}),
        ("post", "/revisits", {"target": "boss", "visited_on": "2026-11-20", "employed": True}, {}),
        ("post", "/revisits", {"target": "employer", "visited_on": "2026-11-20", "employed": True,
                               "employment": {"hours_per_week": 169, "contract_signed": True,
                                              "social_insurance": True, "wages_paid_on_time": True}}, {}),
        ("get", "/services", None, {"cursor": "not-a-cursor"}),
        ("get", "/services", None, {"limit": 0}),
    ])
    async def test_person_endpoints_answer_422(self, client: AsyncClient, database: Database, method: str, path: str,
                                               body: object, params: dict[str, object]) -> None:
        person = await registered_person(database)
        response = await client.request(method.upper(), f"/api/v1/persons/{person}{path}", json=body,
                                        params=params, headers=CW)
        assert response.status_code == 422, response.text
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["violations"]

    @pytest.mark.parametrize(("path", "params"), [
        ("/api/v1/lists/policies", {"region": "4402031"}),
        ("/api/v1/lists/policies", {"version": 0}),
        ("/api/v1/revisits/due", {"before": "tomorrow"}),
        ("/api/v1/revisits/due", {"region": "abc"}),
    ])
    async def test_list_queries_answer_422(self, client: AsyncClient, path: str, params: dict[str, object]) -> None:
        response = await client.get(path, params=params, headers=CW)
        assert response.status_code == 422 and response.json()["violations"]

    async def test_a_malformed_person_id_is_422(self, client: AsyncClient) -> None:
        response = await client.get("/api/v1/persons/not-a-uuid/assistance", headers=CW)
        assert response.status_code == 422 and response.json()["violations"][0]["field"] == "person_id"
