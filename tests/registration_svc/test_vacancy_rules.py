"""Vacancy rules as plain functions: JOB-FAIR-HIRING with its articles, and the form's JOB-* checks."""

from __future__ import annotations

from datetime import date

import pytest

from registration_svc.vacancy.rules import check_fair_hiring, check_form, is_expired
from shared.explain import failures


def fair(*, gender: str | None = None, ethnicity: str | None = None, hukou: str | None = None,
         title: str = "仓库管理员", description: str | None = None) -> list[tuple[str, str | None, str]]:
    results = check_fair_hiring(gender=gender, ethnicity=ethnicity, hukou=hukou,
                                texts=[("title", title), ("description", description)])
    return [(r.rule, r.field, r.source) for r in failures(results)]


class TestFairHiring:
    def test_no_restriction_is_fair(self) -> None:
        assert fair() == []
        for value in ("不限", "any", "", "男女不限", " Unlimited "):
            assert fair(gender=value, hukou=value, ethnicity=value) == []

    def test_a_gender_requirement_names_article_27(self) -> None:
        assert fair(gender="male") == [("JOB-FAIR-HIRING", "requirements.gender",
                                        "《中华人民共和国就业促进法》第26条、第27条")]

    def test_an_ethnicity_requirement_names_article_28(self) -> None:
        [(rule, field, source)] = fair(ethnicity="汉族")
        assert rule == "JOB-FAIR-HIRING" and field == "requirements.ethnicity" and "28" in source

    def test_a_hukou_requirement_names_article_31(self) -> None:
        [(rule, field, source)] = fair(hukou="本地城镇户口")
        assert rule == "JOB-FAIR-HIRING" and field == "requirements.hukou" and "31" in source

    def test_every_ground_is_reported(self) -> None:
        assert [f for _, f, _ in fair(gender="女", ethnicity="汉", hukou="本地")] == [
            "requirements.gender", "requirements.ethnicity", "requirements.hukou"]

    @pytest.mark.parametrize(
        ("title", "description", "field", "article"),
        [("仓管员（限男性）", None, "title", "27"), ("Forklift driver, male only", None, "title", "27"),
         ("仓管员", "要求本地 户口，汉族优先", "description", "31"), ("仓管员", "仅招汉族", "description", "28")],
    )
    def test_restricting_words_in_title_or_description(
        self, title: str, description: str | None, field: str, article: str
    ) -> None:
        found = fair(title=title, description=description)
        assert found and all(rule == "JOB-FAIR-HIRING" for rule, _, _ in found)
        assert any(f == field and article in source for _, f, source in found)

    def test_words_saying_no_restriction_are_fair(self) -> None:
        assert fair(title="普工（男女不限）", description="不限户籍，不限男女，欢迎少数民族劳动者") == []

    def test_the_reason_names_the_article_in_both_languages(self) -> None:
        [result] = failures(check_fair_hiring(gender="male", ethnicity=None, hukou=None, texts=[]))
        assert "arts. 26-27" in result.reason and "第二十七条" in result.reason_zh


def form(**changes: object) -> list[str]:
    values: dict[str, object] = dict(positions=1, wage_min_fen=300_000, wage_max_fen=300_000, min_age=18,
                                     max_age=18, valid_until=date(2026, 11, 27), today=date(2026, 11, 27),
                                     credit_code="91440300708461136T")
    values.update(changes)
    return [r.rule for r in failures(check_form(**values))]  # type: ignore[arg-type]


class TestForm:
    def test_the_boundaries_pass(self) -> None:
        # One position, a single wage, a single age, valid until today: all allowed.
        assert form() == []

    def test_each_boundary_crossed_fails_its_rule(self) -> None:
        assert form(positions=0) == ["JOB-POSITIONS"]
        assert form(positions=-3) == ["JOB-POSITIONS"]
        assert form(wage_min_fen=300_001) == ["JOB-WAGE-RANGE"]
        assert form(min_age=19) == ["JOB-AGE-RANGE"]
        assert form(valid_until=date(2026, 11, 26)) == ["JOB-VALID-UNTIL"]
        assert form(credit_code="91440300708461136X") == ["JOB-EMPLOYER"]

    def test_open_age_bounds_pass(self) -> None:
        assert form(min_age=None, max_age=30) == [] and form(min_age=40, max_age=None) == []

    def test_every_failure_is_reported(self) -> None:
        assert form(positions=0, wage_min_fen=9, wage_max_fen=1) == ["JOB-POSITIONS", "JOB-WAGE-RANGE"]

    def test_expiry_is_from_the_day_after(self) -> None:
        assert not is_expired(date(2026, 11, 27), date(2026, 11, 27))
        assert is_expired(date(2026, 11, 27), date(2026, 11, 28))
