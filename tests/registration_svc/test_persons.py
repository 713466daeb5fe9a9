"""The person registry: PUT /persons finds or creates by identity number (REG-ID), GET reads one."""

from __future__ import annotations

from datetime import date

from httpx import AsyncClient
from sqlalchemy import func, select

from registration_svc.person.models import Person
from shared.db import Database
from tests.registration_svc.registration_support import application, caseworker, client, id_number
from tests.support import bearer

__all__ = ["client"]

URL = "/api/v1/persons"
SYSTEM = bearer("system", "44", "followup-service")


def identity(number: str, **extra: object) -> dict[str, object]:
    return {"id_type": "resident_id", "id_number": number, "name": "李四", **extra}


async def persons_with(database: Database, number: str) -> int:
    async with database.transaction() as session:
        return int(await session.scalar(select(func.count()).where(Person.id_number == number)) or 0)


class TestPut:
    async def test_creates_once_then_returns_the_same_person(self, client: AsyncClient, database: Database) -> None:
        number = id_number(date(1985, 3, 4), sequence=311)
        first = await client.put(URL, json=identity(number, phone="13800000000"), headers=SYSTEM)
        assert first.status_code == 201, first.text
        body = first.json()
        # The encoded birth date and gender come from the number itself.
        assert body["birth_date"] == "1985-03-04" and body["gender"] in ("male", "female")
        assert body["id_number"] == number and body["hukou_region_code"] is None
        again = await client.put(URL, json=identity(number.lower()), headers=caseworker())
        assert again.status_code == 200 and again.json()["id"] == body["id"]
        assert await persons_with(database, number) == 1

    async def test_keeps_identity_fields_and_updates_contact_details(self, client: AsyncClient) -> None:
        number = id_number(date(1985, 3, 4), sequence=312)
        await client.put(URL, json=identity(number), headers=SYSTEM)
        changed = await client.put(
            URL, json=identity(number, name="李四四", phone="13900000000", hukou_region_code="440203",
                               hukou_type="urban"),
            headers=SYSTEM,
        )
        body = changed.json()
        assert body["name"] == "李四" and body["phone"] == "13900000000" and body["hukou_type"] == "urban"
        notes = {(n["field"], n["action"]) for n in body["person_notes"]}
        assert ("name", "kept") in notes and ("phone", "updated") in notes

    async def test_the_person_of_a_registration_is_the_registry_person(self, client: AsyncClient) -> None:
        number = id_number(date(1990, 5, 1), sequence=313)
        registered = await client.post("/api/v1/registrations", json=application(number), headers=caseworker())
        assert registered.status_code == 201, registered.text
        put = await client.put(URL, json=identity(number), headers=SYSTEM)
        assert put.status_code == 200 and put.json()["id"] == registered.json()["person_id"]

    async def test_a_bad_check_character_is_reg_id_and_saves_nothing(
        self, client: AsyncClient, database: Database
    ) -> None:
        number = id_number(date(1985, 3, 4), sequence=314)
        wrong = number[:-1] + ("0" if number[-1] != "0" else "1")
        response = await client.put(URL, json=identity(wrong), headers=SYSTEM)
        assert response.status_code == 422 and response.json()["code"] == "person.invalid_identity"
        assert {v["rule"] for v in response.json()["violations"]} == {"REG-ID"}
        assert response.json()["detail_zh"]
        assert await persons_with(database, wrong) == 0

    async def test_citizens_may_not_put(self, client: AsyncClient) -> None:
        number = id_number(date(1985, 3, 4), sequence=315)
        response = await client.put(URL, json=identity(number), headers=bearer("citizen", "44", number))
        assert response.status_code == 403


class TestGet:
    async def test_staff_see_a_masked_number_unless_they_unmask_and_a_citizen_only_themselves(
        self, client: AsyncClient
    ) -> None:
        number = id_number(date(1985, 3, 4), sequence=316)
        person_id = (await client.put(URL, json=identity(number), headers=SYSTEM)).json()["id"]
        masked = (await client.get(f"{URL}/{person_id}", headers=caseworker())).json()
        assert masked["id_number"] != number and masked["id_number"][-4:] == number[-4:]
        full = (await client.get(f"{URL}/{person_id}?unmask=true", headers=caseworker())).json()
        assert full["id_number"] == number
        assert (await client.get(f"{URL}/{person_id}", headers=bearer("citizen", "44", number))).status_code == 200
        other = id_number(date(1986, 3, 4), sequence=317)
        assert (await client.get(f"{URL}/{person_id}", headers=bearer("citizen", "44", other))).status_code == 403


class TestRegions:
    async def test_a_household_code_naming_no_division_is_refused(
        self, client: AsyncClient, database: Database
    ) -> None:
        number = id_number(date(1985, 3, 4), sequence=318)
        response = await client.put(URL, json=identity(number, hukou_region_code="449999"), headers=SYSTEM)
        assert response.status_code == 422 and response.json()["code"] == "person.unknown_region"
        assert response.json()["violations"][0]["rule"] == "T-REGION"
        assert await persons_with(database, number) == 0
