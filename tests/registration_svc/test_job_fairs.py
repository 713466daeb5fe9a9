"""Job fairs for unemployed persons (专场招聘): planned by an agency, offering published vacancies only,
inviting persons of the registry, their responses recorded; fairs readable by all, invitations by staff."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from httpx import AsyncClient

from shared.clock import Clock
from tests.registration_svc.job_support import FRIDAY, citizen, employer, job_seeker_body, vacancy_body
from tests.registration_svc.registration_support import caseworker, client, id_number, rules_of

__all__ = ["client"]

URL = "/api/v1/job-fairs"


def fair_body(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"name": "武江区失业人员专场招聘会", "kind": "offline", "held_on": "2026-12-10",
                            "place": "武江区人力资源市场一楼", "agency_region_code": "440203"}
    body.update(changes)
    return body


async def vacancy(client: AsyncClient, *, publish: bool) -> str:
    created = (await client.post("/api/v1/vacancies", json=vacancy_body(), headers=employer())).json()
    if publish:
        await client.post(f"/api/v1/vacancies/{created['id']}/review", json={"decision": "publish"},
                          headers=caseworker())
    return str(created["id"])


class TestJobFairs:
    @pytest.fixture
    def clock(self) -> Clock:
        return Clock.fixed(FRIDAY)

    async def test_plan_offer_invite_and_respond(self, client: AsyncClient) -> None:
        published = await vacancy(client, publish=True)
        created = await client.post(URL, json=fair_body(vacancy_ids=[published]), headers=caseworker())
        assert created.status_code == 201, created.text
        fair = created.json()
        assert fair["ends_on"] == "2026-12-10" and [v["id"] for v in fair["vacancies"]] == [published]

        seeker = (await client.post("/api/v1/job-seekers", json=job_seeker_body(), headers=caseworker())).json()
        invited = await client.post(f"{URL}/{fair['id']}/invitations", json={"person_ids": [seeker["person_id"]]},
                                    headers=caseworker())
        assert invited.status_code == 200, invited.text
        assert invited.json()["invited"] == 1
        assert invited.json()["invitations"][0]["response"] == "invited"
        assert invited.json()["invitations"][0]["invited_on"] == "2026-11-27"
        again = await client.post(f"{URL}/{fair['id']}/invitations", json={"person_ids": [seeker["person_id"]]},
                                  headers=caseworker())
        assert again.json()["invited"] == 1

        attended = await client.put(f"{URL}/{fair['id']}/invitations/{seeker['person_id']}",
                                    json={"response": "attended"}, headers=caseworker())
        assert attended.json()["invitations"][0]["response"] == "attended"

        # The fair is public; the invited persons are for staff of its region.
        public = await client.get(f"{URL}/{fair['id']}", headers=citizen(id_number(date(1990, 1, 1))))
        assert public.status_code == 200 and public.json()["invitations"] is None and public.json()["invited"] == 1
        listed = await client.get(URL, params={"region": "4402", "since": "2026-12-01"}, headers=employer())
        assert [f["id"] for f in listed.json()["items"]] == [fair["id"]]
        assert (await client.get(URL, params={"since": "2026-12-11"}, headers=caseworker())).json()["items"] == []

    async def test_only_published_vacancies_and_known_persons(self, client: AsyncClient) -> None:
        pending = await vacancy(client, publish=False)
        refused = await client.post(URL, json=fair_body(vacancy_ids=[pending]), headers=caseworker())
        assert refused.status_code == 409 and refused.json()["code"] == "vacancy.not_published"
        assert rules_of(refused.json()) == ["JOB-REVIEW"]
        assert (await client.get(URL, headers=caseworker())).json()["items"] == []   # nothing half-written

        fair = (await client.post(URL, json=fair_body(), headers=caseworker())).json()
        stranger = "00000000-0000-4000-8000-000000000001"
        response = await client.post(f"{URL}/{fair['id']}/invitations", json={"person_ids": [stranger]},
                                     headers=caseworker())
        assert response.status_code == 422 and response.json()["code"] == "job_fair.invalid"
        not_invited = await client.put(f"{URL}/{fair['id']}/invitations/{stranger}", json={"response": "declined"},
                                       headers=caseworker())
        assert not_invited.status_code == 403

    async def test_only_caseworkers_of_the_region_organize(self, client: AsyncClient) -> None:
        for headers in (caseworker(region="440204"), employer()):
            assert (await client.post(URL, json=fair_body(), headers=headers)).status_code == 403
        fair = (await client.post(URL, json=fair_body(), headers=caseworker())).json()
        published = await vacancy(client, publish=True)
        other = await client.post(f"{URL}/{fair['id']}/vacancies", json={"vacancy_ids": [published]},
                                  headers=caseworker(region="440204"))
        assert other.status_code == 403
        upside_down = await client.post(URL, json=fair_body(ends_on="2026-12-09"), headers=caseworker())
        assert upside_down.status_code == 422 and upside_down.json()["code"] == "request.invalid"
