"""POST /api/v1/difficulty/evaluate (api.md "Eligibility service") through the real app on real PostgreSQL and Redis."""

from __future__ import annotations

import copy
import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
from httpx import AsyncClient, Response
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eligibility_svc.config import Settings
from services.eligibility.app import create_app
from shared.db import Database
from tests.support import PLAN, bearer, running_app, service_settings

URL = "/api/v1/difficulty/evaluate"
CITIZEN = bearer("citizen", "440203", "citizen-1")
BASE_RULES = ["ELIG-HUKOU", "ELIG-AGE", "ELIG-UNEMPLOYED", "ELIG-ABLE", "ELIG-WILLING"]
CATEGORY_CODES = [
    "older_unemployed", "disabled", "subsistence_allowance", "urban_zero_employment_family",
    "rural_zero_transfer_poor_family", "landless_farmer", "long_term_unemployed", "drug_rehabilitated",
    "released_prisoner", "mental_disorder_rehabilitated", "retired_soldier", "supports_critically_ill_relative",
]
# The GB 11643-1999 example number: born 1949-12-31, digit 17 even (female), valid check character.
KNOWN_ID = "11010519491231002X"


@pytest.fixture
async def client(
    database: Database, database_url: str, redis_url: str, queue_prefix: str
) -> AsyncIterator[AsyncClient]:
    """A client of the eligibility app running in-process on the test's rolled-back transaction."""
    app_settings = service_settings(Settings, database_url, redis_url, queue_prefix)
    async with running_app(create_app, app_settings, database) as http:
        yield http


def request_body(**changes: Any) -> dict[str, Any]:
    """Returns an eligible applicant (a disabled woman of 30 in Shaoguan), with dotted-path changes."""
    body: dict[str, Any] = {
        "as_of": "2026-11-22",
        "person": {
            "gender": "female", "birth_date": "1996-03-15", "hukou_region_code": "440203",
            "hukou_type": "urban",
        },
        "status": {"unemployed": True, "able_to_work": True, "wants_work": True},
        "facts": {"disability_certificate": True},
    }
    for path, value in changes.items():
        *parents, leaf = path.split("__")
        node = body
        for part in parents:
            node = node.setdefault(part, {})
        node[leaf] = value
    return body


async def evaluate(client: AsyncClient, body: object) -> Response:
    return await client.post(URL, json=body, headers=CITIZEN)


async def ok(client: AsyncClient, body: object) -> dict[str, Any]:
    response = await evaluate(client, body)
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


def assert_422(response: Response, *fields: str, code: str = "request.invalid") -> dict[str, Any]:
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    problem: dict[str, Any] = response.json()
    assert problem["code"] == code and problem["status"] == 422
    assert problem["detail"] and problem["detail_zh"]
    found = [v["field"] for v in problem["violations"]]
    for field in fields:
        assert field in found, (field, found)
    for violation in problem["violations"]:
        assert violation["rule"] and violation["message"] and violation["message_zh"]
    return problem


def by_rule(body: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {rule["rule"]: rule for rule in body["base_rules"]}


def by_category(body: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {category["category"]: category for category in body["categories"]}


class TestContract:
    async def test_the_api_md_shape_for_an_eligible_applicant(self, client: AsyncClient) -> None:
        body = await ok(client, request_body())
        assert {
            "eligible", "categories_met", "base_rules", "categories", "retirement_date", "required_materials",
        } <= body.keys()
        assert body["eligible"] is True and body["categories_met"] == ["disabled"]
        assert [rule["rule"] for rule in body["base_rules"]] == BASE_RULES
        assert [category["category"] for category in body["categories"]] == CATEGORY_CODES
        for entry in body["base_rules"] + body["categories"]:
            assert {"met", "reason", "reason_zh", "source"} <= entry.keys()
            assert entry["reason"] and entry["reason_zh"] and entry["source"].startswith(f"{PLAN}六")
        assert all(rule["met"] for rule in body["base_rules"])
        # Women default to the pack's female_50: born 1996-03 retires at 55 on 2051-03-15.
        assert body["retirement_category"] == "female_50" and body["retirement_date"] == "2051-03-15"
        assert [m["code"] for m in body["required_materials"]] == ["id_card", "disability_certificate"]
        assert body["required_materials"][1]["source"] == f"{PLAN}六(三)1"
        assert body["policy_pack"] == "cn-44-shaoguan"

    async def test_reasons_name_the_figures_compared(self, client: AsyncClient) -> None:
        body = await ok(client, request_body())
        older = by_category(body)["older_unemployed"]
        assert older["met"] is False
        assert "30" in older["reason"] and "40" in older["reason"] and "40" in older["reason_zh"]
        assert older["source"] == f"{PLAN}六(一)1"
        hukou = by_rule(body)["ELIG-HUKOU"]
        assert "440203" in hukou["reason"] and "44" in hukou["reason_zh"]

    async def test_a_token_is_required(self, client: AsyncClient) -> None:
        response = await client.post(URL, json=request_body())
        assert response.status_code == 401
        assert response.headers["content-type"] == "application/problem+json"
        bad = await client.post(URL, json=request_body(), headers={"Authorization": "Bearer nonsense"})
        assert bad.status_code == 401

    async def test_any_authenticated_role_may_evaluate(self, client: AsyncClient) -> None:
        for role, region in (("caseworker", "440203"), ("reviewer", "44"), ("admin", "44"), ("system", "44")):
            response = await client.post(URL, json=request_body(), headers=bearer(role, region))
            assert response.status_code == 200, (role, response.text)


class TestOpenApi:
    async def test_the_bodies_parsed_by_the_endpoints_are_documented(self, client: AsyncClient) -> None:
        paths = (await client.get("/openapi.json")).json()["paths"]
        for path, fields in (
            (URL, {"as_of", "person", "status", "facts", "agency_region_code"}),
            ("/api/v1/startup-loan/evaluate", {"as_of", "applicant_type", "individual", "enterprise", "region_code"}),
            ("/api/v1/startup-loan/interest-schedule", {"principal_fen", "annual_rate_bp", "lpr_bp", "start_date"}),
        ):
            schema = paths[path]["post"]["requestBody"]["content"]["application/json"]["schema"]
            assert fields <= schema["properties"].keys(), path
            assert "$ref" not in json.dumps(schema)
            assert "200" in paths[path]["post"]["responses"]


class TestCategoryWithoutBaseRule:
    async def test_a_category_met_but_a_base_rule_failed_is_not_eligible(self, client: AsyncClient) -> None:
        body = await ok(client, request_body(status__unemployed=False))
        assert body["eligible"] is False
        assert body["categories_met"] == ["disabled"] and by_category(body)["disabled"]["met"] is True
        unemployed = by_rule(body)["ELIG-UNEMPLOYED"]
        assert unemployed["met"] is False and unemployed["reason_zh"]
        assert [rule["rule"] for rule in body["base_rules"] if not rule["met"]] == ["ELIG-UNEMPLOYED"]

    async def test_base_rules_met_but_no_category_is_not_eligible(self, client: AsyncClient) -> None:
        body = await ok(client, request_body(facts={}))
        assert body["eligible"] is False and body["categories_met"] == []
        assert all(rule["met"] for rule in body["base_rules"])
        assert [m["code"] for m in body["required_materials"]] == ["id_card"]

    async def test_hukou_outside_the_province_fails_elig_hukou(self, client: AsyncClient) -> None:
        body = await ok(client, request_body(person__hukou_region_code="360102"))
        hukou = by_rule(body)["ELIG-HUKOU"]
        assert hukou["met"] is False and "360102" in hukou["reason"] and body["eligible"] is False


class TestOlderUnemployedBoundary:
    async def test_a_woman_turns_40_on_as_of(self, client: AsyncClient) -> None:
        on = await ok(client, request_body(person__birth_date="1986-11-22", facts={}))
        assert by_category(on)["older_unemployed"]["met"] is True and on["categories_met"] == ["older_unemployed"]
        assert on["eligible"] is True

    async def test_the_day_before_her_40th_birthday(self, client: AsyncClient) -> None:
        before = await ok(client, request_body(person__birth_date="1986-11-23", facts={}))
        older = by_category(before)["older_unemployed"]
        assert older["met"] is False and "39" in older["reason"]
        assert before["eligible"] is False

    async def test_a_man_needs_50(self, client: AsyncClient) -> None:
        man = {"gender": "male", "birth_date": "1976-11-22", "hukou_region_code": "440203", "hukou_type": "urban"}
        on = await ok(client, request_body(person=man, facts={}))
        assert by_category(on)["older_unemployed"]["met"] is True
        younger = await ok(client, request_body(person={**man, "birth_date": "1976-11-23"}, facts={}))
        assert by_category(younger)["older_unemployed"]["met"] is False


class TestRetirementDate:
    async def test_woman_50_born_1984_11_retires_at_55(self, client: AsyncClient) -> None:
        person = {"gender": "female", "birth_date": "1984-11-15", "retirement_category": "female_50",
                  "hukou_region_code": "440203", "hukou_type": "urban"}
        before = await ok(client, request_body(as_of="2039-11-14", person=person))
        assert before["retirement_date"] == "2039-11-15"
        assert by_rule(before)["ELIG-AGE"]["met"] is True and before["eligible"] is True
        on = await ok(client, request_body(as_of="2039-11-15", person=person))
        age = by_rule(on)["ELIG-AGE"]
        assert age["met"] is False and "2039-11-15" in age["reason"] and on["eligible"] is False

    async def test_man_born_1965_03_retires_at_60_and_1_month(self, client: AsyncClient) -> None:
        person = {"gender": "male", "birth_date": "1965-03-10", "hukou_region_code": "440203", "hukou_type": "rural"}
        body = await ok(client, request_body(as_of="2025-04-09", person=person))
        assert body["retirement_date"] == "2025-04-10" and body["retirement_category"] == "male"
        assert by_rule(body)["ELIG-AGE"]["met"] is True


class TestMaterialsAndPack:
    async def test_other_city_in_the_province_adds_the_residence_permit(self, client: AsyncClient) -> None:
        body = await ok(client, request_body(person__hukou_region_code="440106", agency_region_code="440203"))
        assert [m["code"] for m in body["required_materials"]] == [
            "id_card", "residence_permit", "disability_certificate",
        ]

    async def test_without_agency_region_a_caseworkers_office_is_assumed(self, client: AsyncClient) -> None:
        # A Guangzhou household applying to a Shaoguan caseworker who left agency_region_code out still
        # needs the 居住证, and the answer says which office was assumed.
        body = request_body(person__hukou_region_code="440106")
        response = await client.post(URL, json=body, headers=bearer("caseworker", "440203"))
        assert response.status_code == 200, response.text
        answer = response.json()
        assert [m["code"] for m in answer["required_materials"]] == [
            "id_card", "residence_permit", "disability_certificate",
        ]
        assert answer["agency_region_code"] == "440203"
        (assumed,) = [a for a in answer["assumptions"] if a["field"] == "agency_region_code"]
        assert assumed["value"] == "440203" and "440203" in assumed["explanation_zh"]
        # A citizen's own request is judged as made in the hukou city: nothing is assumed.
        own = await ok(client, body)
        assert own["agency_region_code"] is None
        assert [a["field"] for a in own["assumptions"]] == ["person.retirement_category"]
        assert "residence_permit" not in [m["code"] for m in own["required_materials"]]

    async def test_agency_region_code_is_documented(self, client: AsyncClient) -> None:
        paths = (await client.get("/openapi.json")).json()["paths"]
        schema = paths[URL]["post"]["requestBody"]["content"]["application/json"]["schema"]
        described = schema["properties"]["agency_region_code"]
        assert "居住证" in described["description"] and "staff" in described["description"]

    async def test_the_agency_region_chooses_the_pack_before_the_hukou(self, client: AsyncClient) -> None:
        gansu = await ok(client, request_body(person__hukou_region_code="620102"))
        assert gansu["policy_pack"] == "cn-62-gansu"
        at_shaoguan = await ok(client, request_body(person__hukou_region_code="620102", agency_region_code="440203"))
        assert at_shaoguan["policy_pack"] == "cn-44-shaoguan"

    async def test_a_valid_identity_number_is_accepted(self, client: AsyncClient) -> None:
        person = {"id_number": KNOWN_ID, "gender": "female", "birth_date": "1949-12-31",
                  "hukou_region_code": "440203", "hukou_type": "urban"}
        body = await ok(client, request_body(person=person))
        assert by_rule(body)["ELIG-AGE"]["met"] is False  # long past retirement
        assert KNOWN_ID not in json.dumps(body)


class TestBadInput:
    async def test_impossible_and_non_iso_dates(self, client: AsyncClient) -> None:
        assert_422(await evaluate(client, request_body(as_of="2026-02-30")), "as_of")
        assert_422(await evaluate(client, request_body(as_of=0)), "as_of")
        assert_422(await evaluate(client, request_body(as_of="2026-11-22T00:00:00")), "as_of")
        assert_422(await evaluate(client, request_body(person__birth_date="1996-13-01")), "person.birth_date")
        assert_422(
            await evaluate(client, request_body(facts__latest_registration_date="2025-02-29")),
            "facts.latest_registration_date",
        )

    async def test_dates_out_of_order_or_range(self, client: AsyncClient) -> None:
        assert_422(await evaluate(client, request_body(person__birth_date="2026-11-23")), "person.birth_date")
        assert_422(await evaluate(client, request_body(person__birth_date="1899-12-31")), "person.birth_date")
        assert_422(await evaluate(client, request_body(as_of="2151-01-01")), "as_of")
        assert_422(
            await evaluate(client, request_body(facts__latest_registration_date="2026-11-23")),
            "facts.latest_registration_date",
        )

    async def test_as_of_before_the_parameters_are_in_force(self, client: AsyncClient) -> None:
        problem = assert_422(
            await evaluate(client, request_body(as_of="2024-04-05", person__birth_date="1986-01-01")),
            "as_of", code="policy.not_in_force",
        )
        assert problem["violations"][0]["rule"] == "POLICY-IN-FORCE"
        # The Shaoguan plan, on which most of the certification parameters rest, was issued on 2024-04-06.
        await ok(client, request_body(as_of="2024-04-06", person__birth_date="1986-01-01"))

    async def test_unknown_codes(self, client: AsyncClient) -> None:
        assert_422(await evaluate(client, request_body(person__gender="x")), "person.gender")
        assert_422(await evaluate(client, request_body(person__hukou_type="city")), "person.hukou_type")
        assert_422(await evaluate(client, request_body(person__hukou_region_code="44A")), "person.hukou_region_code")
        problem = assert_422(
            await evaluate(client, request_body(person__hukou_region_code="990101")), "person.hukou_region_code"
        )
        assert problem["violations"][0]["rule"] == "SCHEMA-REGION-CODE"
        assert_422(await evaluate(client, request_body(agency_region_code="000000")), "agency_region_code")
        assert_422(
            await evaluate(client, request_body(person__retirement_category="female_60")),
            "person.retirement_category",
        )
        assert_422(
            await evaluate(client, request_body(person__retirement_category="male")), "person.retirement_category"
        )

    async def test_unknown_fields(self, client: AsyncClient) -> None:
        assert_422(await evaluate(client, request_body(extra=1)), "extra")
        assert_422(await evaluate(client, request_body(person__nickname="A")), "person.nickname")
        assert_422(await evaluate(client, request_body(facts__disabled=True)), "facts.disabled")

    async def test_wrong_types_are_not_coerced(self, client: AsyncClient) -> None:
        assert_422(await evaluate(client, request_body(status__unemployed="yes")), "status.unemployed")
        assert_422(await evaluate(client, request_body(status__wants_work=1)), "status.wants_work")
        assert_422(await evaluate(client, request_body(facts__landless_farmer=None)), "facts.landless_farmer")

    async def test_missing_fields_and_bodies_that_are_not_json(self, client: AsyncClient) -> None:
        body = request_body()
        del body["status"]
        assert_422(await evaluate(client, body), "status")
        assert_422(await client.post(URL, content=b"{not json", headers=CITIZEN), "body")
        assert_422(await client.post(URL, content=b"", headers=CITIZEN), "body")
        assert_422(await evaluate(client, [1, 2]), "body")

    async def test_the_birth_date_or_gender_contradicting_the_identity_number(self, client: AsyncClient) -> None:
        person = {"id_number": KNOWN_ID, "gender": "female", "birth_date": "1949-12-30",
                  "hukou_region_code": "440203", "hukou_type": "urban"}
        problem = assert_422(await evaluate(client, request_body(person=person)), "person.birth_date")
        assert problem["violations"][0]["rule"] == "REG-ID" and "1949-12-31" in problem["violations"][0]["message"]
        assert_422(
            await evaluate(client, request_body(person={**person, "birth_date": "1949-12-31", "gender": "male"})),
            "person.gender",
        )

    async def test_a_malformed_identity_number(self, client: AsyncClient) -> None:
        person = {"gender": "female", "birth_date": "1949-12-31", "hukou_region_code": "440203",
                  "hukou_type": "urban"}
        for number in ("110105194912310021", "1101051949123100", "11010519491331002X", "99010519491231002X"):
            assert_422(await evaluate(client, request_body(person={**person, "id_number": number})),
                       "person.id_number")

    async def test_every_problem_is_listed_at_once(self, client: AsyncClient) -> None:
        body = request_body(person__birth_date="2027-01-01", facts__latest_registration_date="2027-01-01")
        assert_422(await evaluate(client, body), "person.birth_date", "facts.latest_registration_date")


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


_PATHS = [
    ("as_of",), ("person",), ("person", "id_number"), ("person", "gender"), ("person", "birth_date"),
    ("person", "retirement_category"), ("person", "hukou_region_code"), ("person", "hukou_type"), ("status",),
    ("status", "unemployed"), ("facts",), ("facts", "latest_registration_date"),
    ("facts", "critical_illness_diagnosed_on"), ("facts", "retired_soldier"), ("agency_region_code",),
]


class TestNeverA500:
    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(body=_json_values())
    async def test_random_json_bodies(self, client: AsyncClient, body: object) -> None:
        response = await evaluate(client, body)
        assert response.status_code == 422, response.text
        assert response.headers["content-type"] == "application/problem+json"

    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(
        changes=st.lists(st.tuples(st.sampled_from(_PATHS), _json_values() | st.dates().map(str)), max_size=3),
        birth=st.dates(),
        as_of=st.dates(),
    )
    async def test_valid_bodies_with_random_values(
        self, client: AsyncClient, changes: list[tuple[tuple[str, ...], object]], birth: Any, as_of: Any
    ) -> None:
        body = copy.deepcopy(request_body(as_of=as_of.isoformat(), person__birth_date=birth.isoformat()))
        for path, value in changes:
            node: Any = body
            for part in path[:-1]:
                node = node.get(part) if isinstance(node, dict) else None
            if isinstance(node, dict):
                node[path[-1]] = value
        response = await evaluate(client, body)
        assert response.status_code in (200, 422), response.text
        if response.status_code == 422:
            assert response.json()["violations"]
        else:
            result = response.json()
            assert result["eligible"] == (
                all(rule["met"] for rule in result["base_rules"]) and bool(result["categories_met"])
            )
