"""T-REGION: region codes as a hierarchy, and one scoping behaviour for every list and report."""

from __future__ import annotations

import pytest

from shared.auth import Principal, Role, scope_region
from shared.errors import DomainError
from shared.regions import (
    child_prefix,
    divisions,
    known_division,
    region_contains,
    region_level,
    region_prefix,
    unknown_region_violation,
)


class TestPrefixes:
    @pytest.mark.parametrize(
        ("code", "prefix", "level"),
        [
            ("44", "44", "province"),
            ("440000", "44", "province"),
            ("4402", "4402", "city"),
            ("440200", "4402", "city"),
            ("440203", "440203", "county"),
            ("440203001", "440203001", "town"),
        ],
    )
    def test_each_form_reads_as_its_level(self, code: str, prefix: str, level: str) -> None:
        assert region_prefix(code) == prefix and region_level(code) == level

    @pytest.mark.parametrize("code", ["4", "440", "44020", "4402030", "4402030011", "44a203", ""])
    def test_other_shapes_are_not_region_codes(self, code: str) -> None:
        with pytest.raises(ValueError):
            region_prefix(code)


class TestContainment:
    @pytest.mark.parametrize("region", ["44", "440000", "4402", "440200"])
    def test_province_and_city_see_county_town_and_city_agency(self, region: str) -> None:
        for code in ("440203", "440203001", "440200", "440204"):
            assert region_contains(region, code)

    def test_county_sees_itself_and_its_towns_only(self) -> None:
        assert region_contains("440203", "440203") and region_contains("440203", "440203001")
        assert not region_contains("440203", "440204")  # the neighbour
        assert not region_contains("440203", "440200")  # the city-level agency above it
        assert not region_contains("440203", "4402")

    def test_town_sees_only_itself(self) -> None:
        assert region_contains("440203001", "440203001")
        assert not region_contains("440203001", "440203002") and not region_contains("440203001", "440203")

    def test_other_province(self) -> None:
        assert not region_contains("4402", "620102") and not region_contains("44", "620102")

    def test_a_city_caseworker_covers_its_counties(self) -> None:
        city = Principal("cw", Role.CASEWORKER, "440200")
        assert city.covers_region("440203") and city.covers_region("440281001")
        assert not city.covers_region("440303") and not city.covers_region("not-a-code")


class TestBreakdown:
    @pytest.mark.parametrize(
        ("region", "code", "child"),
        [
            ("44", "440203001", "4402"),
            ("440000", "440203", "4402"),
            ("4402", "440203001", "440203"),
            ("440200", "440203", "440203"),
            ("440203", "440203001", "440203001"),
            ("440203", "440203", None),  # recorded at the county itself
            ("4402", "440200", None),  # the city-level agency
            ("440203001", "440203001", None),  # towns have no level below
            ("4402", "440303", None),  # outside
        ],
    )
    def test_one_level_down(self, region: str, code: str, child: str | None) -> None:
        assert child_prefix(region, code) == child


class TestScope:
    def test_without_a_region_staff_get_their_own_and_systems_everything(self) -> None:
        assert scope_region(Principal("cw", Role.CASEWORKER, "440200"), None) == "4402"
        assert scope_region(Principal("sys", Role.SYSTEM, "44"), None) == ""

    def test_a_region_inside_is_taken(self) -> None:
        assert scope_region(Principal("cw", Role.CASEWORKER, "4402"), "440203") == "440203"
        assert scope_region(Principal("sys", Role.SYSTEM, "44"), "620102") == "620102"

    @pytest.mark.parametrize("asked", ["4402", "44", "440204", "620102"])
    def test_a_wider_or_neighbouring_region_is_the_same_403(self, asked: str) -> None:
        with pytest.raises(DomainError) as raised:
            scope_region(Principal("cw", Role.CASEWORKER, "440203"), asked)
        assert raised.value.status == 403 and raised.value.code == "auth.region_out_of_scope"
        assert raised.value.violations[0].rule == "T-REGION" and "440203" in raised.value.detail_zh


class TestKnownDivisions:
    """Codes must name a real division of the shipped GB/T 2260 list; a town is known by its county."""

    @pytest.mark.parametrize(
        ("code", "name"),
        [("44", "广东省"), ("440000", "广东省"), ("4402", "韶关市"), ("440200", "韶关市"), ("440203", "武江区"),
         ("440203001", "武江区"), ("620102", "城关区")],
    )
    def test_real_codes_at_every_level(self, code: str, name: str) -> None:
        division = known_division(code)
        assert division is not None and division.name == name

    @pytest.mark.parametrize("code", ["449999999", "999999", "440299", "990000", "4499", "44020"])
    def test_codes_that_name_nothing(self, code: str) -> None:
        assert known_division(code) is None

    def test_the_violation_names_the_field_and_t_region(self) -> None:
        violation = unknown_region_violation("agency_region_code", "449999999")
        assert violation is not None and violation.rule == "T-REGION" and violation.field == "agency_region_code"
        assert "449999999" in violation.message_zh
        assert unknown_region_violation("agency_region_code", "440203001") is None
        assert unknown_region_violation("hukou_region_code", None) is None

    def test_the_list_covers_every_province_and_only_real_ones(self) -> None:
        provinces = [d for d in divisions().values() if d.level == "province"]
        assert len(provinces) == 34 and not any(code.startswith("99") for code in divisions())
