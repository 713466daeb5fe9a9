"""Vacancy matching (shared.matching): each factor at its boundaries, qualification, order, reasons."""

from __future__ import annotations

import random
import uuid

from shared.matching import (
    FULL_TIME_PENALTY,
    OpenVacancy,
    SeekerProfile,
    explain_match,
    rank_vacancies,
)

PROFILE = SeekerProfile.of(["4-02-01-01"], ["440203"], 400_000, True, ["Forklift ", "仓储管理"])


def vacancy(occupation: str = "4-02-01-01", region: str = "440203", low: int = 450_000, high: int = 600_000,
            full_time: bool = True, skills: tuple[str, ...] = ()) -> OpenVacancy:
    return OpenVacancy.of(uuid.uuid4(), occupation, region, low, high, full_time, skills)


def points(match_vacancy: OpenVacancy, profile: SeekerProfile = PROFILE) -> dict[str, int]:
    match = explain_match(profile, match_vacancy)
    assert match is not None
    return {reason.factor: reason.points for reason in match.reasons}


class TestFactors:
    def test_a_perfect_match_scores_100(self) -> None:
        match = explain_match(PROFILE, vacancy(skills=("forklift",)))
        assert match is not None and match.score == 100
        assert [r.factor for r in match.reasons] == ["occupation", "region", "wage", "skills"]
        assert all(r.reason and r.reason_zh for r in match.reasons)

    def test_occupation_by_shared_level(self) -> None:
        assert points(vacancy("4-02-01-01"))["occupation"] == 40
        assert points(vacancy("4-02-01-07"))["occupation"] == 28   # same minor group 4-02-01
        assert points(vacancy("4-02-03-01"))["occupation"] == 16   # same middle group 4-02
        assert points(vacancy("4-05-01-01"))["occupation"] == 4    # same major group 4

    def test_an_intended_group_covers_its_occupations(self) -> None:
        profile = SeekerProfile.of(["6-31"])
        assert points(vacancy("6-31-01-09"), profile)["occupation"] == 40
        assert points(vacancy("6-31"), profile)["occupation"] == 40
        assert points(vacancy("6-32-01-01"), profile)["occupation"] == 4

    def test_region_inside_same_city_same_province_elsewhere(self) -> None:
        assert points(vacancy(region="440203"))["region"] == 25
        assert points(vacancy(region="440203101"))["region"] == 25   # a town of the intended county
        assert points(vacancy(region="440204"))["region"] == 15      # another county of Shaoguan
        assert points(vacancy(region="440104"))["region"] == 5       # Guangzhou
        assert points(vacancy(region="620102"))["region"] == 0

    def test_a_city_or_no_region_intended(self) -> None:
        city = SeekerProfile.of(["4-02-01-01"], ["440200"])
        assert points(vacancy(region="440204"), city)["region"] == 25
        anywhere = SeekerProfile.of(["4-02-01-01"])
        assert points(vacancy(region="620102"), anywhere)["region"] == 25

    def test_wage_at_the_boundaries(self) -> None:
        assert points(vacancy(low=400_000, high=400_000))["wage"] == 20      # the lowest meets it exactly
        assert points(vacancy(low=399_999, high=400_000))["wage"] == 10      # only the top reaches it
        assert points(vacancy(low=300_000, high=399_999))["wage"] == 0
        assert points(vacancy(low=1, high=2), SeekerProfile.of(["4-02-01-01"]))["wage"] == 20

    def test_skills_share_of_those_asked(self) -> None:
        assert points(vacancy(skills=()))["skills"] == 15
        assert points(vacancy(skills=("FORKLIFT", "welding")))["skills"] == 7   # 1 of 2: 15 * 1 // 2
        assert points(vacancy(skills=("forklift", "仓储管理")))["skills"] == 15
        assert points(vacancy(skills=("welding",)))["skills"] == 0

    def test_part_time_when_full_time_is_wanted_costs_points(self) -> None:
        full = explain_match(PROFILE, vacancy())
        part = explain_match(PROFILE, vacancy(full_time=False))
        assert full is not None and part is not None
        assert full.score - part.score == FULL_TIME_PENALTY
        assert part.reasons[-1].factor == "full_time" and "part-time" in part.reasons[-1].reason


class TestQualification:
    def test_another_major_group_without_a_shared_skill_does_not_qualify(self) -> None:
        assert explain_match(PROFILE, vacancy("2-05-01-01")) is None
        assert rank_vacancies(PROFILE, [vacancy("2-05-01-01", skills=("nursing",))]) == []

    def test_a_shared_skill_qualifies_another_occupation(self) -> None:
        match = explain_match(PROFILE, vacancy("6-31-01-09", skills=("forklift",)))
        assert match is not None and match.reasons[0].points == 0
        assert "skills" in match.reasons[0].reason


class TestRanking:
    def test_best_first_ties_by_top_wage_then_order_given(self) -> None:
        exact, minor, middle = vacancy("4-02-01-01"), vacancy("4-02-01-02"), vacancy("4-02-02-01")
        richer = vacancy("4-02-01-02", high=900_000)
        same_as_minor = vacancy("4-02-01-02")
        ranked = rank_vacancies(PROFILE, [middle, same_as_minor, minor, richer, exact])
        assert [m.vacancy_id for m in ranked] == [exact.id, richer.id, same_as_minor.id, minor.id, middle.id]

    def test_limit_and_consistency_on_random_data(self) -> None:
        rng = random.Random(7)
        data = [vacancy(f"{rng.randint(1, 8)}-0{rng.randint(1, 3)}-0{rng.randint(1, 3)}-0{rng.randint(1, 3)}",
                        rng.choice(["440203", "440204", "440104", "620102", "440203101"]),
                        low := rng.randrange(100_000, 800_000, 50_000), low + rng.randrange(0, 300_000, 50_000),
                        rng.random() < 0.7, tuple(rng.sample(["forklift", "welding", "仓储管理", "cooking"],
                                                             rng.randint(0, 2))))
                for _ in range(2_000)]
        ranked = rank_vacancies(PROFILE, data, limit=50)
        assert len(ranked) == 50
        scores = [m.score for m in ranked]
        assert scores == sorted(scores, reverse=True)
        # The score is the sum of the reasons' points (never below 0), and every qualifying vacancy not
        # returned scores no more than the last one returned.
        for match in ranked:
            assert match.score == max(0, sum(r.points for r in match.reasons))
        returned = {m.vacancy_id for m in ranked}
        others = [explain_match(PROFILE, v) for v in data if v.id not in returned]
        assert max(m.score for m in others if m is not None) <= scores[-1]
