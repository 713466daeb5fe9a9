"""Input limits and exact errors (issue 15 §7): bounded dates, body limits per route, unreadable JSON as
422, strict booleans, bounded amounts, phone numbers, and a home visit never dated before the application."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import date
from typing import Any

import pytest
from httpx import AsyncClient, Response

from shared.clock import Clock
from shared.db import Database
from shared.request_body import DEFAULT_MAX_BODY_BYTES
from tests.registration_svc.registration_support import (
    AFTER_MIDNIGHT,
    application,
    caseworker,
    client,
    id_number,
    registration_count,
)
from tests.registration_svc.test_home_visit_decision import VISITOR, pending_with_visit

__all__ = ["client"]

URL = "/api/v1/registrations"
JSON = {"Content-Type": "application/json"}


def assert_422(response: Response, field: str | None = None, rule: str | None = None) -> dict[str, Any]:
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    if field is not None:
        assert field in [v["field"] for v in body["violations"]], body
    if rule is not None:
        assert rule in [v["rule"] for v in body["violations"]], body
    return body


class TestBoundedDates:
    @pytest.mark.parametrize("applied_at", ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-12:00",
                                            "1899-12-31T10:00:00+08:00", "2200-01-01T00:00:00+08:00"])
    async def test_extreme_datetimes_are_a_422_never_a_500(self, client: AsyncClient, applied_at: str) -> None:
        body = application(id_number(date(1990, 6, 1)), applied_at=applied_at)
        assert_422(await client.post(URL, json=body, headers=caseworker()), "applied_at")

    async def test_extreme_dates_are_a_422(self, client: AsyncClient) -> None:
        body = application(id_number(date(1990, 6, 2)), unemployed_since="0001-01-01")
        assert_422(await client.post(URL, json=body, headers=caseworker()), "unemployed_since")


class TestUnreadableJson:
    @pytest.mark.parametrize(
        "content",
        [b'{"person": "\xff\xfe"}', b"[" * 100_000 + b"]" * 100_000, b'{"n": ' + b"9" * 5000 + b"}"],
        ids=["invalid-utf8", "deep-nesting", "huge-integer"],
    )
    async def test_is_a_422_problem(self, client: AsyncClient, content: bytes) -> None:
        response = await client.post(URL, content=content, headers={**caseworker(), **JSON})
        body = assert_422(response, "body", "SCHEMA-JSON-INVALID")
        assert body["code"] == "request.invalid" and body["detail_zh"]

    async def test_a_syntax_error_is_still_the_schema_422(self, client: AsyncClient) -> None:
        response = await client.post(URL, content=b'{"person": ', headers={**caseworker(), **JSON})
        assert_422(response)


class TestBodyLimit:
    async def test_a_body_over_the_routes_limit_is_413_by_its_length(self, client: AsyncClient) -> None:
        content = json.dumps({"x": "a" * DEFAULT_MAX_BODY_BYTES}).encode()
        response = await client.post(URL, content=content, headers={**caseworker(), **JSON})
        assert response.status_code == 413 and response.json()["code"] == "request.too_large"
        assert response.headers["content-type"] == "application/problem+json"

    async def test_a_streamed_body_without_a_length_is_cut_at_the_limit(self, client: AsyncClient) -> None:
        async def chunks() -> AsyncIterator[bytes]:
            yield b'{"x": "'
            for _ in range(40):
                yield b"a" * 65536
            yield b'"}'

        response = await client.post(URL, content=chunks(), headers={**caseworker(), **JSON})
        assert response.status_code == 413, response.text

    async def test_the_reference_data_upload_has_its_own_larger_limit(self, client: AsyncClient) -> None:
        content = b"id_number,kind,status,valid_from,valid_to\n" + b"x" * (2 * DEFAULT_MAX_BODY_BYTES)
        response = await client.put("/api/v1/reference-data/social_insurance", content=content,
                                    headers={"Content-Type": "text/csv", **caseworker()})
        assert response.status_code == 403  # read past the 1 MiB default: refused for the role, not the size


class TestStrictValues:
    @pytest.mark.parametrize("value", [1, "true", "yes", 0])
    async def test_booleans_must_be_true_or_false(self, client: AsyncClient, database: Database,
                                                  value: object) -> None:
        before = await registration_count(database)
        body = application(id_number(date(1990, 6, 3)), commitment_signed=value)
        assert_422(await client.post(URL, json=body, headers=caseworker()), "commitment_signed")
        assert await registration_count(database) == before

    async def test_an_amount_beyond_any_wage_is_refused(self, client: AsyncClient) -> None:
        body = application(id_number(date(1990, 6, 4)),
                           job_intentions=[{"occupation": "clerk", "min_monthly_wage_fen": 10**30}])
        assert_422(await client.post(URL, json=body, headers=caseworker()), "job_intentions.0.min_monthly_wage_fen")

    @pytest.mark.parametrize("phone", ["hello", "12345", "1380000000", "２３８００００００００", "23800000000"])
    async def test_a_phone_number_must_be_one(self, client: AsyncClient, phone: str) -> None:
        body = application(id_number(date(1990, 6, 5)), person={"phone": phone})
        assert_422(await client.post(URL, json=body, headers=caseworker()), "person.phone")

    @pytest.mark.parametrize(("phone", "stored"), [("138-0013-8000", "13800138000"),
                                                   ("+86 13800138000", "13800138000"),
                                                   ("0751-8888888", "07518888888")])
    async def test_mobile_and_landline_numbers_are_kept_compact(
        self, client: AsyncClient, phone: str, stored: str
    ) -> None:
        body = application(id_number(date(1990, 6, 6), sequence=len(phone)), person={"phone": phone})
        response = await client.post(URL, json=body, headers=caseworker())
        assert response.status_code == 201, response.text
        shown = await client.get(f"{URL}/{response.json()['id']}", params={"unmask": "true"},
                                 headers=caseworker("440203"))
        assert shown.json()["person"]["phone"] == stored


class TestHomeVisitDate:
    @pytest.fixture
    def clock(self) -> Clock:
        return Clock.fixed(AFTER_MIDNIGHT)

    async def test_a_visit_dated_before_the_application_is_refused(self, client: AsyncClient) -> None:
        pending = await pending_with_visit(client, 401)  # applied 2026-11-20
        task = pending["verification"]["home_visit_task_id"]
        visit = {"outcome": "confirmed", "note": "在家"}
        before = await client.post(f"/api/v1/home-visit-tasks/{task}/completion",
                                   json={**visit, "visited_on": "2026-11-19"}, headers=VISITOR)
        assert_422(before, "visited_on", "SCHEMA-DATE-ORDER")
        same_day = await client.post(f"/api/v1/home-visit-tasks/{task}/completion",
                                     json={**visit, "visited_on": "2026-11-20"}, headers=VISITOR)
        assert same_day.status_code == 200, same_day.text



class TestPhoneMasking:
    async def test_phones_are_masked_in_reads_unless_unmasked_by_staff_of_the_region(
        self, client: AsyncClient, database: Database
    ) -> None:
        body = application(id_number(date(1990, 7, 1)), person={"phone": "13812345678"},
                           emergency_contact={"name": "李四", "phone": "13987654321"})
        created = await client.post(URL, json=body, headers=caseworker())
        assert created.status_code == 201, created.text
        registration_id, person_id = created.json()["id"], created.json()["person_id"]
        assert created.json()["person"]["phone"] == "138****5678"
        assert created.json()["emergency_contact"]["phone"] == "139****4321"
        masked = (await client.get(f"{URL}/{registration_id}", headers=caseworker())).json()
        assert masked["person"]["phone"] == "138****5678"
        assert "13812345678" not in json.dumps(masked) and "13987654321" not in json.dumps(masked)
        person = (await client.get(f"/api/v1/persons/{person_id}", headers=caseworker())).json()
        assert person["phone"] == "138****5678"
        shown = (await client.get(f"{URL}/{registration_id}", params={"unmask": "true"},
                                  headers=caseworker("440203"))).json()
        assert shown["person"]["phone"] == "13812345678" and shown["emergency_contact"]["phone"] == "13987654321"
