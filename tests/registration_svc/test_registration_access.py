"""Auth, region scoping, masking with audited unmask, idempotency and list pagination of registrations."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from httpx import AsyncClient
from sqlalchemy import select

from registration_svc.models import platform
from shared.db import Database
from shared.masking import mask_id_number
from tests.registration_svc.registration_support import (
    SHAOGUAN_WUJIANG,
    SHAOGUAN_ZHENJIANG,
    application,
    caseworker,
    client,
    id_number,
    registration_count,
)
from tests.support import bearer

__all__ = ["client"]

URL = "/api/v1/registrations"


def _comparable(problem: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in problem.items() if k not in ("instance", "request_id")}


async def _register(client: AsyncClient, born: date, **changes: Any) -> dict[str, Any]:
    response = await client.post(URL, json=application(id_number(born), **changes), headers=caseworker())
    assert response.status_code == 201, response.text
    data: dict[str, Any] = response.json()
    return data


class TestAuthentication:
    async def test_missing_and_bad_tokens_are_401(self, client: AsyncClient) -> None:
        body = application(id_number(date(1990, 5, 1)))
        assert (await client.post(URL, json=body)).status_code == 401
        bad = await client.post(URL, json=body, headers={"Authorization": "Bearer not-a-jwt"})
        assert bad.status_code == 401 and bad.json()["code"] == "auth.unauthenticated"
        assert (await client.get(f"{URL}/{uuid.uuid4()}")).status_code == 401


class TestCreateAuthorization:
    async def test_reviewer_may_not_apply(self, client: AsyncClient) -> None:
        body = application(id_number(date(1990, 5, 1)))
        response = await client.post(URL, json=body, headers=bearer("reviewer", "44", "rv"))
        assert response.status_code == 403 and response.json()["code"] == "auth.forbidden"

    async def test_caseworker_outside_the_agency_region(self, client: AsyncClient) -> None:
        body = application(id_number(date(1990, 5, 1)))
        assert (await client.post(URL, json=body, headers=caseworker(region="440204"))).status_code == 403

    async def test_citizen_may_not_use_the_window(self, client: AsyncClient) -> None:
        number = id_number(date(1990, 5, 1))
        response = await client.post(URL, json=application(number), headers=bearer("citizen", "44", number))
        assert response.status_code == 403

    async def test_citizen_registers_only_themself(self, client: AsyncClient) -> None:
        number = id_number(date(1990, 5, 1))
        other = id_number(date(1991, 5, 1))
        body = application(number, channel="online")
        assert (await client.post(URL, json=body, headers=bearer("citizen", "44", other))).status_code == 403
        assert (await client.post(URL, json=body, headers=bearer("citizen", "44", number))).status_code == 201


class TestReadAuthorization:
    async def test_other_region_gets_the_same_403_for_existing_and_missing(self, client: AsyncClient) -> None:
        created = await _register(client, date(1990, 5, 1))
        outsider = caseworker(region="440204")
        existing = await client.get(f"{URL}/{created['id']}", headers=outsider)
        missing = await client.get(f"{URL}/{uuid.uuid4()}", headers=outsider)
        assert existing.status_code == missing.status_code == 403
        assert _comparable(existing.json()) == _comparable(missing.json())

    async def test_citizen_sees_own_and_not_others(self, client: AsyncClient) -> None:
        mine = await _register(client, date(1990, 5, 1))
        theirs = await _register(client, date(1991, 5, 1))
        me = bearer("citizen", "44", id_number(date(1990, 5, 1)))
        assert (await client.get(f"{URL}/{mine['id']}", headers=me)).status_code == 200
        assert (await client.get(f"{URL}/{theirs['id']}", headers=me)).status_code == 403


class TestMasking:
    async def test_masked_by_default_unmask_is_audited(self, client: AsyncClient, database: Database) -> None:
        number = id_number(date(1990, 5, 1))
        created = await _register(client, date(1990, 5, 1))
        assert created["person"]["id_number"] == mask_id_number(number) != number
        url = f"{URL}/{created['id']}"
        assert (await client.get(url, headers=caseworker())).json()["person"]["id_number"] == mask_id_number(
            number
        )
        unmasked = await client.get(f"{url}?unmask=true", headers=caseworker(sub="cw-unmask"))
        assert unmasked.json()["person"]["id_number"] == number
        async with database.transaction() as session:
            audit = (
                await session.execute(
                    select(platform.audit_log.c.action, platform.audit_log.c.actor)
                    .where(platform.audit_log.c.record_id == created["id"])
                    .order_by(platform.audit_log.c.id)
                )
            ).all()
        assert [tuple(a) for a in audit] == [
            ("registration.create", "cw-1"),
            ("registration.unmask", "cw-unmask"),
        ]

    async def test_system_sees_the_number_and_citizens_cannot_unmask(self, client: AsyncClient) -> None:
        number = id_number(date(1990, 5, 1))
        created = await _register(client, date(1990, 5, 1))
        url = f"{URL}/{created['id']}"
        system = await client.get(url, headers=bearer("system", "44", "followup"))
        assert system.json()["person"]["id_number"] == number
        citizen = await client.get(f"{url}?unmask=true", headers=bearer("citizen", "44", number))
        assert citizen.json()["person"]["id_number"] == mask_id_number(number)

    async def test_other_region_may_not_unmask(self, client: AsyncClient) -> None:
        created = await _register(client, date(1990, 5, 1))
        response = await client.get(f"{URL}/{created['id']}?unmask=true", headers=caseworker(region="440204"))
        assert response.status_code == 403


class TestIdempotency:
    async def test_same_key_and_body_replays_one_row(self, client: AsyncClient, database: Database) -> None:
        body = application(id_number(date(1990, 5, 1)))
        headers = {**caseworker(), "Idempotency-Key": "k-1"}
        first = await client.post(URL, json=body, headers=headers)
        second = await client.post(URL, json=body, headers=headers)
        assert first.status_code == second.status_code == 201
        assert first.json() == second.json()
        assert second.headers.get("idempotent-replayed") == "true"
        assert await registration_count(database) == 1

    async def test_same_key_other_body_is_409(self, client: AsyncClient, database: Database) -> None:
        headers = {**caseworker(), "Idempotency-Key": "k-2"}
        first = await client.post(URL, json=application(id_number(date(1990, 5, 1))), headers=headers)
        assert first.status_code == 201
        other = await client.post(URL, json=application(id_number(date(1991, 5, 1))), headers=headers)
        assert other.status_code == 409 and other.json()["code"] == "idempotency.key_reused"
        assert await registration_count(database) == 1


class TestList:
    async def test_keyset_pages_cover_everything_once(self, client: AsyncClient) -> None:
        created = [(await _register(client, date(1990, 5, day)))["id"] for day in range(1, 6)]
        seen: list[str] = []
        cursor = None
        pages = 0
        while True:
            params = {"limit": "2", **({"cursor": cursor} if cursor else {})}
            page = (await client.get(URL, params=params, headers=caseworker())).json()
            seen.extend(item["id"] for item in page["items"])
            pages += 1
            cursor = page["next_cursor"]
            if cursor is None:
                break
        assert seen == created and pages == 3

    async def test_filters_and_masking(self, client: AsyncClient) -> None:
        number = id_number(date(1990, 5, 1))
        await _register(client, date(1990, 5, 1))
        await _register(client, date(1991, 5, 1), agency=SHAOGUAN_ZHENJIANG)
        pending_number = id_number(date(1992, 5, 1))
        await client.post(
            URL,
            json=application(pending_number, channel="online"),
            headers=bearer("citizen", "44", pending_number),
        )
        by_number = (await client.get(URL, params={"id_number": number.lower()}, headers=caseworker())).json()
        assert [i["id_number"] for i in by_number["items"]] == [mask_id_number(number)]
        pending = (
            await client.get(URL, params={"status": "pending_verification"}, headers=caseworker())
        ).json()
        assert [i["id_number"] for i in pending["items"]] == [mask_id_number(pending_number)]
        zhenjiang = (
            await client.get(URL, params={"region": SHAOGUAN_ZHENJIANG}, headers=caseworker())
        ).json()
        assert [i["agency_region_code"] for i in zhenjiang["items"]] == [SHAOGUAN_ZHENJIANG]
        online = (await client.get(URL, params={"channel": "online"}, headers=caseworker())).json()
        assert len(online["items"]) == 1

    async def test_scoped_to_the_callers_region_and_person(self, client: AsyncClient) -> None:
        await _register(client, date(1990, 5, 1))
        await _register(client, date(1991, 5, 1), agency=SHAOGUAN_ZHENJIANG)
        wujiang = (await client.get(URL, headers=caseworker(region="440203"))).json()
        assert [i["agency_region_code"] for i in wujiang["items"]] == ["440203"]
        outside = await client.get(
            URL, params={"region": SHAOGUAN_ZHENJIANG}, headers=caseworker(region="440203")
        )
        assert outside.status_code == 403
        city = (await client.get(URL, params={"region": "4402"}, headers=caseworker())).json()
        assert len(city["items"]) == 2
        me = bearer("citizen", "44", id_number(date(1991, 5, 1)))
        mine = (await client.get(URL, headers=me)).json()
        assert [i["agency_region_code"] for i in mine["items"]] == [SHAOGUAN_ZHENJIANG]
        others = await client.get(URL, params={"id_number": id_number(date(1990, 5, 1))}, headers=me)
        assert others.json()["items"] == []

    async def test_bad_cursor_is_422(self, client: AsyncClient) -> None:
        response = await client.get(URL, params={"cursor": "%%%"}, headers=caseworker())
        assert response.status_code == 422 and response.json()["code"] == "request.invalid_cursor"


class TestEmployerSeesNoRegistrations:
    """An employer (sub = its credit code) sees no registration or person, whatever its token's region."""

    async def test_lists_and_reads_are_403(self, client: AsyncClient) -> None:
        created = await client.post(
            "/api/v1/registrations", json=application(id_number(date(1990, 5, 17), 771)), headers=caseworker()
        )
        assert created.status_code == 201, created.text
        employer = bearer("employer", SHAOGUAN_WUJIANG, "91440300708461136T")
        for path in (
            "/api/v1/registrations",
            f"/api/v1/registrations/{created.json()['id']}",
            f"/api/v1/persons/{created.json()['person_id']}",
        ):
            response = await client.get(path, headers=employer)
            assert response.status_code == 403, (path, response.text)
            assert response.json()["code"] in ("auth.forbidden", "auth.region_out_of_scope")
