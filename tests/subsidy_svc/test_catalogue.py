"""The skill-subsidy catalogue (SUB-AMOUNT): loading, validation and lookup by occupation and level."""

from __future__ import annotations

from pathlib import Path

import pytest

from subsidy_svc.skill_subsidy.catalogue import (
    CatalogueError,
    CatalogueHit,
    NotInCatalogue,
    default_catalogue,
    load_catalogue,
    parse_catalogue,
)
from subsidy_svc.skill_subsidy.rules import amount_result

HEADER = """
[catalogue]
name = "test"
name_zh = "测试"
effective_from = 2024-01-01
source = "test catalogue"

[default_amounts]
5 = 100000
4 = 150000
3 = 200000
2 = 250000
1 = 300000
"""


def occupation(body: str) -> str:
    return HEADER + "\n[[occupations]]\n" + body


COOK = """
code = "4-03-02-01"
name = "Cook"
name_zh = "中式烹调师"
levels = [5, 4, 3]
source = "test entry"
"""


class TestBundledCatalogue:
    def test_every_entry_has_a_source_and_amounts_in_fen(self) -> None:
        catalogue = default_catalogue()
        assert catalogue.occupations and catalogue.source
        for entry in catalogue.occupations.values():
            assert entry.source.strip()
            assert all(type(v) is int and v > 0 for v in entry.amounts_fen.values())

    @pytest.mark.parametrize(("level", "yuan"), [(5, 1000), (4, 1500), (3, 2000), (2, 2500), (1, 3000)])
    def test_default_amounts_by_level_follow_rules_md(self, level: int, yuan: int) -> None:
        hit = default_catalogue().lookup("4-03-02-01", level)
        assert isinstance(hit, CatalogueHit)
        assert hit.amount_fen == yuan * 100

    def test_the_file_on_disk_loads_the_same(self) -> None:
        assert load_catalogue().occupations.keys() == default_catalogue().occupations.keys()


class TestLookup:
    def test_unknown_occupation_is_not_in_the_catalogue(self) -> None:
        miss = default_catalogue().lookup("9-99-99-99", 3)
        assert isinstance(miss, NotInCatalogue)
        assert "9-99-99-99" in miss.reason and "不在" in miss.reason_zh

    def test_a_level_the_occupation_does_not_list_is_not_in_the_catalogue(self) -> None:
        catalogue = parse_catalogue(occupation(COOK))
        assert isinstance(catalogue.lookup("4-03-02-01", 3), CatalogueHit)
        miss = catalogue.lookup("4-03-02-01", 2)
        assert isinstance(miss, NotInCatalogue)
        assert "level 2" in miss.reason and "5, 4, 3" in miss.reason

    def test_an_occupation_may_override_the_default_amounts(self) -> None:
        catalogue = parse_catalogue(occupation(COOK + "amounts = { 3 = 210000 }\n"))
        own = catalogue.lookup("4-03-02-01", 3)
        default = catalogue.lookup("4-03-02-01", 4)
        assert isinstance(own, CatalogueHit) and own.amount_fen == 210000
        assert isinstance(default, CatalogueHit) and default.amount_fen == 150000

    def test_the_explanation_names_the_amount_and_level(self) -> None:
        hit = parse_catalogue(occupation(COOK)).lookup("4-03-02-01", 4)
        result = amount_result(hit)
        assert result.rule == "SUB-AMOUNT" and result.met
        assert "1,500.00 yuan" in result.reason and "四级" in result.reason_zh and "1,500.00元" in result.reason_zh
        assert result.source == "test entry"
        miss = amount_result(parse_catalogue(occupation(COOK)).lookup("4-03-02-01", 1))
        assert miss.rule == "SUB-AMOUNT" and not miss.met


class TestMalformedCatalogue:
    @pytest.mark.parametrize(
        ("body", "fragment"),
        [
            (COOK.replace('source = "test entry"', ""), "source"),
            (COOK + "amounts = { 3 = 2000.5 }\n", "positive integer"),
            (COOK + "amounts = { 3 = true }\n", "positive integer"),
            (COOK + "amounts = { 2 = 250000 }\n", "not listed"),
            (COOK.replace("[5, 4, 3]", "[6]"), "levels"),
            (COOK.replace("[5, 4, 3]", "[]"), "levels"),
            (COOK.replace('"4-03-02-01"', '"40302"'), "code"),
            (COOK + "colour = 1\n", "unknown keys"),
        ],
    )
    def test_a_bad_entry_is_named(self, body: str, fragment: str) -> None:
        with pytest.raises(CatalogueError, match=fragment):
            parse_catalogue(occupation(body))

    def test_a_duplicate_code_is_refused(self) -> None:
        with pytest.raises(CatalogueError, match="listed twice"):
            parse_catalogue(occupation(COOK) + "\n[[occupations]]\n" + COOK)

    def test_a_level_without_any_amount_is_refused(self) -> None:
        text = occupation(COOK).replace("3 = 200000\n", "")
        with pytest.raises(CatalogueError, match="no amount for level 3"):
            parse_catalogue(text)

    def test_invalid_toml_and_a_missing_file(self, tmp_path: Path) -> None:
        with pytest.raises(CatalogueError, match="not valid TOML"):
            parse_catalogue("[catalogue")
        with pytest.raises(CatalogueError, match="cannot be read"):
            load_catalogue(tmp_path / "missing.toml")
