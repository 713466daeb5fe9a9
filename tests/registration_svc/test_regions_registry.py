"""The region registry: names from the published list, towns and agencies kept by admins, one level down."""

from __future__ import annotations

from datetime import date

from httpx import AsyncClient

from tests.registration_svc.registration_support import application, caseworker, client, id_number
from tests.support import bearer

__all__ = ["client"]

ADMIN = bearer("admin", "440203", "admin-wujiang")
ANYONE = bearer("caseworker", "44", "cw")
AGENCY = {"name": "武江区公共就业服务中心", "address": "韶关市武江区沿江路1号", "telephone": "0751-8888888",
          "items_handled": ["失业登记", "就业困难人员认定"]}


class TestRegions:
    async def test_every_form_of_a_code_reads_as_its_level_and_name(self, client: AsyncClient) -> None:
        for code, canonical, level, name in [
            ("44", "440000", "province", "广东省"), ("4402", "440200", "city", "韶关市"),
            ("440200", "440200", "city", "韶关市"), ("440203", "440203", "county", "武江区"),
        ]:
            body = (await client.get(f"/api/v1/regions/{code}", headers=ANYONE)).json()
            assert (body["code"], body["level"], body["name"], body["named"]) == (canonical, level, name, True)

    async def test_a_town_not_yet_registered_is_shown_by_its_code(self, client: AsyncClient) -> None:
        body = (await client.get("/api/v1/regions/440203099", headers=ANYONE)).json()
        assert (body["level"], body["name"], body["named"]) == ("town", "440203099", False)

    async def test_a_code_naming_nothing_is_422_t_region(self, client: AsyncClient) -> None:
        response = await client.get("/api/v1/regions/449999999", headers=ANYONE)
        assert response.status_code == 422 and response.json()["code"] == "region.unknown"
        assert "T-REGION" in response.json()["detail"]

    async def test_one_level_down_from_city_to_counties(self, client: AsyncClient) -> None:
        body = (await client.get("/api/v1/regions/4402/children", headers=ANYONE)).json()
        codes = [child["code"] for child in body["children"]]
        assert "440203" in codes and "440204" in codes and all(c.startswith("4402") for c in codes)
        assert all(child["level"] == "county" for child in body["children"])


class TestTownsAndAgencies:
    async def test_an_admin_names_a_town_and_records_its_agency(self, client: AsyncClient) -> None:
        named = await client.put("/api/v1/towns/440203001", json={"name": "新华街道"}, headers=ADMIN)
        assert named.status_code == 200, named.text
        assert (named.json()["name"], named.json()["named"]) == ("新华街道", True)
        agency = await client.put("/api/v1/agencies/440203", json=AGENCY, headers=ADMIN)
        assert agency.status_code == 200 and agency.json()["telephone"] == "0751-8888888"
        county = (await client.get("/api/v1/regions/440203/children", headers=ANYONE)).json()
        assert [(c["code"], c["name"]) for c in county["children"]] == [("440203001", "新华街道")]
        region = (await client.get("/api/v1/regions/440203", headers=ANYONE)).json()
        assert region["agency"]["name"] == AGENCY["name"]
        renamed = await client.put("/api/v1/towns/440203001", json={"name": "新华街"}, headers=ADMIN)
        assert renamed.json()["name"] == "新华街"

    async def test_only_admins_of_a_covering_region_keep_them(self, client: AsyncClient) -> None:
        neighbour = bearer("admin", "440204", "admin-zhenjiang")
        assert (await client.put("/api/v1/towns/440203001", json={"name": "x"}, headers=neighbour)).status_code == 403
        assert (await client.put("/api/v1/agencies/440203", json=AGENCY, headers=ANYONE)).status_code == 403

    async def test_a_town_code_must_be_nine_digits_of_a_real_county(self, client: AsyncClient) -> None:
        city_admin = bearer("admin", "44", "admin-gd")
        county = await client.put("/api/v1/towns/440203", json={"name": "x"}, headers=city_admin)
        assert county.status_code == 422 and county.json()["code"] == "region.not_a_town"
        fake = await client.put("/api/v1/towns/449999001", json={"name": "x"}, headers=city_admin)
        assert fake.status_code == 422 and fake.json()["code"] == "region.unknown"


class TestTheAgencyThatAnswersForARegion:
    async def test_its_own_else_the_nearest_above_else_404(self, client: AsyncClient) -> None:
        none = await client.get("/api/v1/agencies/440203001", headers=ANYONE)
        assert none.status_code == 404 and none.json()["code"] == "region.no_agency"
        assert "未登记公共就业服务机构" in none.json()["detail_zh"]
        city_agency = {**AGENCY, "name": "韶关市公共就业服务中心"}
        assert (await client.put("/api/v1/agencies/4402", json=city_agency, headers=bearer("admin", "4402"))
                ).status_code == 200
        town = (await client.get("/api/v1/agencies/440203001", headers=ANYONE)).json()
        assert (town["region_code"], town["name"]) == ("440200", "韶关市公共就业服务中心")
        assert (await client.put("/api/v1/agencies/440203", json=AGENCY, headers=ADMIN)).status_code == 200
        own = (await client.get("/api/v1/agencies/440203001", headers=ANYONE)).json()
        assert (own["region_code"], own["name"], own["telephone"]) == ("440203", AGENCY["name"], "0751-8888888")
        unknown = await client.get("/api/v1/agencies/449999999", headers=ANYONE)
        assert unknown.status_code == 422 and unknown.json()["code"] == "region.unknown"


class TestNoticesGiveTheAgencyContact:
    async def test_the_deregistration_notice_names_the_recorded_agency(self, client: AsyncClient) -> None:
        city_admin = bearer("admin", "4402", "admin-shaoguan")
        city_agency = {**AGENCY, "name": "韶关市公共就业服务中心", "telephone": "0751-1234567"}
        assert (await client.put("/api/v1/agencies/4402", json=city_agency, headers=city_admin)).status_code == 200
        number = id_number(date(1990, 5, 1), sequence=451)
        registered = await client.post(
            "/api/v1/registrations", json=application(number, applied_at="2026-11-02T09:00:00+08:00"),
            headers=caseworker(),
        )
        assert registered.status_code == 201, registered.text
        ended = await client.post(
            f"/api/v1/registrations/{registered.json()['id']}/deregistration",
            json={"reason": "hired", "effective_date": "2026-11-10"}, headers=caseworker(),
        )
        assert ended.status_code == 200, ended.text
        # The county (440203) has no agency recorded: the city's answers for it.
        notices = (await client.get(f"/api/v1/persons/{registered.json()['person_id']}/notifications",
                                    headers=caseworker())).json()["items"]
        assert len(notices) == 1
        assert "韶关市公共就业服务中心（电话 0751-1234567）" in notices[0]["text_zh"]
        assert "0751-1234567" in notices[0]["text_en"]
