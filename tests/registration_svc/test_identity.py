"""REG-ID: identity document numbers, checksums, encoded facts and contradictions (pure functions)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from registration_svc.identity.rules import (
    IdentityClauses,
    IdType,
    is_known_number,
    normalize_id_number,
    validate_identity,
)
from shared.identity import MAINLAND_PROVINCES, Gender
from shared.policy import default_registry
from tests.support import PLAN

TODAY = date(2026, 11, 22)
# What REG-ID cites in a Shaoguan (Guangdong) and a Lanzhou (Gansu) office: each pack's own clauses.
SHAOGUAN = IdentityClauses.of(default_registry().for_region("440203").citation)
GANSU = IdentityClauses.of(default_registry().for_region("620102").citation)
# Written out from GB 11643-1999 §5.2 (Wi = 2^(i-1) mod 11, i from 18 down to 2) so the tests do
# not reuse the implementation's table.
GB_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
GB_CHECK = {0: "1", 1: "0", 2: "X", 3: "9", 4: "8", 5: "7", 6: "6", 7: "5", 8: "4", 9: "3", 10: "2"}


def gb_check(first17: str) -> str:
    return GB_CHECK[sum(int(c) * w for c, w in zip(first17, GB_WEIGHTS, strict=True)) % 11]


def make_number(region: str, born: date, sequence: int) -> str:
    first17 = f"{region}{born:%Y%m%d}{sequence:03d}"
    return first17 + gb_check(first17)


def rule_fields(violations: list[object]) -> list[tuple[str, str | None]]:
    return [(v.rule, v.field) for v in violations]  # type: ignore[attr-defined]


regions = st.builds(
    lambda province, rest: province + rest,
    st.sampled_from(sorted(MAINLAND_PROVINCES)),
    st.from_regex(r"[0-9]{4}", fullmatch=True),
)
birth_dates = st.dates(min_value=date(1900, 1, 1), max_value=TODAY)
sequences = st.integers(min_value=0, max_value=999)


class TestChecksum:
    def test_standard_example_is_valid(self) -> None:
        # The worked example of GB 11643-1999, appendix: a woman born 1949-12-31 in 110105.
        facts, violations = validate_identity(IdType.RESIDENT_ID, "11010519491231002X", today=TODAY, clauses=SHAOGUAN)
        assert violations == []
        assert facts is not None
        assert (facts.birth_date, facts.gender, facts.region_code, facts.holder) == (
            date(1949, 12, 31),
            Gender.FEMALE,
            "110105",
            "mainland",
        )

    def test_wrong_check_character_is_rejected_with_both_characters_named(self) -> None:
        facts, violations = validate_identity(IdType.RESIDENT_ID, "110105194912310021", today=TODAY, clauses=SHAOGUAN)
        assert facts is None
        assert rule_fields(violations) == [("REG-ID", "person.id_number")]
        assert "1" in violations[0].message and "X" in violations[0].message
        assert "ISO 7064" in violations[0].message and "校验码" in violations[0].message_zh

    @given(regions, birth_dates, sequences)
    def test_generated_valid_numbers_pass(self, region: str, born: date, sequence: int) -> None:
        number = make_number(region, born, sequence)
        for id_type in (IdType.RESIDENT_ID, IdType.SOCIAL_SECURITY_CARD):
            facts, violations = validate_identity(id_type, number, today=TODAY, clauses=SHAOGUAN)
            assert violations == []
            assert facts is not None
            assert facts.birth_date == born
            assert facts.region_code == region
            assert facts.gender is (Gender.MALE if sequence % 2 else Gender.FEMALE)

    @given(regions, birth_dates, sequences, st.integers(0, 17), st.integers(1, 10))
    def test_any_single_character_change_fails_the_checksum(
        self, region: str, born: date, sequence: int, position: int, shift: int
    ) -> None:
        number = make_number(region, born, sequence)
        alphabet = "0123456789X" if position == 17 else "0123456789"
        current = alphabet.index(number[position])
        replacement = alphabet[(current + shift) % len(alphabet)]
        if replacement == number[position]:
            return
        changed = number[:position] + replacement + number[position + 1 :]
        assert gb_check(changed[:17]) != changed[17]
        facts, violations = validate_identity(IdType.RESIDENT_ID, changed, today=TODAY, clauses=SHAOGUAN)
        assert facts is None
        assert len(violations) == 1 and "ISO 7064" in violations[0].message

    @given(regions, birth_dates, sequences, st.integers(0, 16))
    def test_swapping_adjacent_different_digits_fails(
        self, region: str, born: date, sequence: int, position: int
    ) -> None:
        number = make_number(region, born, sequence)
        if position == 16 and number[17] == "X":
            return
        a, b = number[position], number[position + 1]
        if a == b:
            return
        swapped = number[:position] + b + a + number[position + 2 :]
        facts, _ = validate_identity(IdType.RESIDENT_ID, swapped, today=TODAY, clauses=SHAOGUAN)
        assert facts is None


class TestNormalization:
    @pytest.mark.parametrize(
        "raw",
        [
            "11010519491231002x",
            " 11010519491231002X\t",
            "１１０１０５１９４９１２３１００２Ｘ",
        ],
    )
    def test_trims_and_uppercases(self, raw: str) -> None:
        facts, violations = validate_identity(IdType.RESIDENT_ID, raw, today=TODAY, clauses=SHAOGUAN)
        assert violations == []
        assert facts is not None and facts.id_number == "11010519491231002X"

    def test_empty_number(self) -> None:
        facts, violations = validate_identity(IdType.RESIDENT_ID, "   ", today=TODAY, clauses=SHAOGUAN)
        assert facts is None
        assert rule_fields(violations) == [("REG-ID", "person.id_number")]
        assert "empty" in violations[0].message and "为空" in violations[0].message_zh

    def test_brackets_are_dropped(self) -> None:
        assert normalize_id_number("1234567890(b)") == "1234567890B"

    @pytest.mark.parametrize(
        "raw",
        [
            "11010519491231002",
            "11010519491231002XX",
            "1101051949123100X2",
            "110105194912310",
            "A1010519491231002X",
        ],
    )
    def test_wrong_shape_is_rejected(self, raw: str) -> None:
        facts, violations = validate_identity(IdType.RESIDENT_ID, raw, today=TODAY, clauses=SHAOGUAN)
        assert facts is None
        assert rule_fields(violations) == [("REG-ID", "person.id_number")]
        assert "18-character" in violations[0].message and "18位" in violations[0].message_zh


class TestBirthDateInNumber:
    @pytest.mark.parametrize("day", ["19490230", "19491301", "19490000", "20230229"])
    def test_not_a_real_date(self, day: str) -> None:
        number = "440203" + day + "001"
        facts, violations = validate_identity(IdType.RESIDENT_ID, number + gb_check(number), today=TODAY,
                                              clauses=SHAOGUAN)
        assert facts is None
        assert day in violations[0].message and "不是有效日期" in violations[0].message_zh

    def test_leap_day_is_real(self) -> None:
        facts, violations = validate_identity(
            IdType.RESIDENT_ID, make_number("440203", date(2000, 2, 29), 11), today=TODAY, clauses=SHAOGUAN)
        assert violations == [] and facts is not None and facts.birth_date == date(2000, 2, 29)

    @pytest.mark.parametrize(
        ("born", "ok"),
        [
            (TODAY - timedelta(days=1), True),
            (TODAY, True),
            (TODAY + timedelta(days=1), False),
        ],
    )
    def test_not_in_the_future(self, born: date, ok: bool) -> None:
        facts, violations = validate_identity(IdType.RESIDENT_ID, make_number("440203", born, 1), today=TODAY,
                                              clauses=SHAOGUAN)
        assert (facts is not None) is ok
        if not ok:
            assert TODAY.isoformat() in violations[0].message and "晚于今天" in violations[0].message_zh

    @pytest.mark.parametrize(
        ("born", "ok"),
        [
            (date(1899, 12, 31), False),
            (date(1900, 1, 1), True),
            (date(1900, 1, 2), True),
        ],
    )
    def test_not_before_1900(self, born: date, ok: bool) -> None:
        facts, violations = validate_identity(IdType.RESIDENT_ID, make_number("440203", born, 1), today=TODAY,
                                              clauses=SHAOGUAN)
        assert (facts is not None) is ok
        if not ok:
            assert "1900-01-01" in violations[0].message and "早于" in violations[0].message_zh

    def test_today_is_given_by_the_caller_not_read_from_the_machine(self) -> None:
        # The service passes its clock's local date; a birth date after it is refused, the day before not.
        born = TODAY + timedelta(days=1)
        assert validate_identity(IdType.RESIDENT_ID, make_number("440203", born, 1), today=TODAY,
                                 clauses=SHAOGUAN)[0] is None
        later = validate_identity(IdType.RESIDENT_ID, make_number("440203", born, 1), today=born, clauses=SHAOGUAN)
        assert later[0] is not None and later[1] == []


class TestProvinceCode:
    @pytest.mark.parametrize("province", sorted(MAINLAND_PROVINCES))
    def test_every_mainland_province_is_accepted(self, province: str) -> None:
        facts, violations = validate_identity(
            IdType.RESIDENT_ID, make_number(province + "0102", date(1990, 5, 6), 12), today=TODAY, clauses=SHAOGUAN)
        assert violations == [] and facts is not None and facts.holder == "mainland"

    def test_the_province_list_is_the_31_mainland_codes(self) -> None:
        assert len(MAINLAND_PROVINCES) == 31

    @pytest.mark.parametrize(
        "province",
        ["00", "10", "16", "20", "24", "30", "38", "40", "47", "49", "55", "60", "66", "71", "91", "99"],
    )
    def test_other_codes_are_rejected(self, province: str) -> None:
        facts, violations = validate_identity(
            IdType.RESIDENT_ID, make_number(province + "0102", date(1990, 5, 6), 12), today=TODAY, clauses=SHAOGUAN)
        assert facts is None
        assert province in violations[0].message and "省级代码" in violations[0].message_zh


class TestGender:
    @pytest.mark.parametrize(
        ("sequence", "gender"),
        [
            (0, Gender.FEMALE),
            (1, Gender.MALE),
            (998, Gender.FEMALE),
            (999, Gender.MALE),
            (10, Gender.FEMALE),
            (11, Gender.MALE),
        ],
    )
    def test_digit_17_odd_is_male(self, sequence: int, gender: Gender) -> None:
        facts, _ = validate_identity(
            IdType.RESIDENT_ID, make_number("620102", date(1980, 1, 1), sequence), today=TODAY, clauses=SHAOGUAN)
        assert facts is not None and facts.gender is gender


class TestResidencePermit:
    @pytest.mark.parametrize(
        ("prefix", "holder"), [("810000", "hong_kong"), ("820000", "macao"), ("830000", "taiwan")]
    )
    def test_permit_prefixes(self, prefix: str, holder: str) -> None:
        number = make_number(prefix, date(1994, 8, 23), 2)
        for id_type in (IdType.RESIDENCE_PERMIT, IdType.SOCIAL_SECURITY_CARD):
            facts, violations = validate_identity(id_type, number, today=TODAY, clauses=SHAOGUAN)
            assert violations == []
            assert facts is not None and facts.holder == holder and facts.region_code == prefix
            assert facts.birth_date == date(1994, 8, 23) and facts.gender is Gender.FEMALE

    @pytest.mark.parametrize("prefix", ["440203", "810001", "810100", "840000", "710000"])
    def test_other_prefixes_are_not_permits(self, prefix: str) -> None:
        facts, violations = validate_identity(
            IdType.RESIDENCE_PERMIT, make_number(prefix, date(1994, 8, 23), 2), today=TODAY, clauses=SHAOGUAN)
        assert facts is None
        assert prefix in violations[0].message and "810000" in violations[0].message_zh

    def test_permit_number_is_not_a_resident_id(self) -> None:
        facts, violations = validate_identity(
            IdType.RESIDENT_ID, make_number("810000", date(1994, 8, 23), 2), today=TODAY, clauses=SHAOGUAN)
        assert facts is None
        assert "residence permit" in violations[0].message and "居住证" in violations[0].message_zh

    def test_permit_checksum_is_checked(self) -> None:
        number = make_number("820000", date(1970, 3, 4), 5)
        broken = number[:17] + ("0" if number[17] != "0" else "1")
        facts, violations = validate_identity(IdType.RESIDENCE_PERMIT, broken, today=TODAY, clauses=SHAOGUAN)
        assert facts is None and "ISO 7064" in violations[0].message


class TestHongKongMacaoTravelPermit:
    @pytest.mark.parametrize(
        ("number", "holder"),
        [
            ("H12345678", "hong_kong"),
            ("M87654321", "macao"),
            ("H1234567801", "hong_kong"),
            ("m12345678", "macao"),
            (" h 12345678".replace(" ", ""), "hong_kong"),
        ],
    )
    def test_accepted_forms(self, number: str, holder: str) -> None:
        facts, violations = validate_identity(
            IdType.HK_MACAO_TRAVEL_PERMIT,
            number,
            birth_date=date(1990, 1, 1),
            gender=Gender.MALE,
            today=TODAY, clauses=SHAOGUAN)
        assert violations == []
        assert facts is not None and facts.holder == holder
        assert (facts.birth_date, facts.gender, facts.region_code) == (date(1990, 1, 1), Gender.MALE, None)

    @pytest.mark.parametrize(
        "number",
        ["H1234567", "H123456789", "H123456789012", "K12345678", "12345678", "HM1234567", "H1234567X"],
    )
    def test_rejected_forms(self, number: str) -> None:
        facts, violations = validate_identity(
            IdType.HK_MACAO_TRAVEL_PERMIT,
            number,
            birth_date=date(1990, 1, 1),
            gender=Gender.MALE,
            today=TODAY, clauses=SHAOGUAN)
        assert facts is None
        assert rule_fields(violations) == [("REG-ID", "person.id_number")]
        assert "H or M" in violations[0].message and "港澳居民来往内地通行证" in violations[0].message_zh

    def test_birth_date_and_gender_are_required(self) -> None:
        facts, violations = validate_identity(IdType.HK_MACAO_TRAVEL_PERMIT, "H12345678", today=TODAY, clauses=SHAOGUAN)
        assert rule_fields(violations) == [("REG-ID", "person.birth_date"), ("REG-ID", "person.gender")]
        assert facts is not None and facts.birth_date is None

    def test_only_gender_missing(self) -> None:
        _, violations = validate_identity(
            IdType.HK_MACAO_TRAVEL_PERMIT, "H12345678", birth_date=date(1990, 1, 1), today=TODAY, clauses=SHAOGUAN)
        assert rule_fields(violations) == [("REG-ID", "person.gender")]

    @pytest.mark.parametrize(
        ("born", "ok"), [(TODAY, True), (TODAY + timedelta(days=1), False), (date(1899, 12, 31), False)]
    )
    def test_given_birth_date_must_be_plausible(self, born: date, ok: bool) -> None:
        _, violations = validate_identity(
            IdType.HK_MACAO_TRAVEL_PERMIT, "M12345678", birth_date=born, gender=Gender.FEMALE, today=TODAY,
                clauses=SHAOGUAN)
        assert (violations == []) is ok
        if not ok:
            assert rule_fields(violations) == [("REG-ID", "person.birth_date")]


class TestTaiwanTravelPermit:
    @pytest.mark.parametrize(
        ("raw", "normalized"),
        [
            ("12345678", "12345678"),
            ("1234567890", "1234567890"),
            ("1234567890B", "1234567890B"),
            ("1234567890(B)", "1234567890B"),
            ("1234567890（b）", "1234567890B"),
        ],
    )
    def test_accepted_forms(self, raw: str, normalized: str) -> None:
        facts, violations = validate_identity(
            IdType.TAIWAN_TRAVEL_PERMIT, raw, birth_date=date(1985, 6, 1), gender=Gender.FEMALE, today=TODAY,
                clauses=SHAOGUAN)
        assert violations == []
        assert facts is not None and facts.id_number == normalized and facts.holder == "taiwan"

    @pytest.mark.parametrize(
        "raw", ["1234567", "123456789", "12345678901", "1234567890BC", "T12345678", "12345678A"]
    )
    def test_rejected_forms(self, raw: str) -> None:
        facts, violations = validate_identity(
            IdType.TAIWAN_TRAVEL_PERMIT, raw, birth_date=date(1985, 6, 1), gender=Gender.FEMALE, today=TODAY,
                clauses=SHAOGUAN)
        assert facts is None
        assert "Taiwan" in violations[0].message and "台湾居民来往大陆通行证" in violations[0].message_zh

    def test_birth_date_and_gender_are_required(self) -> None:
        _, violations = validate_identity(IdType.TAIWAN_TRAVEL_PERMIT, "12345678", today=TODAY, clauses=SHAOGUAN)
        assert rule_fields(violations) == [("REG-ID", "person.birth_date"), ("REG-ID", "person.gender")]


class TestContradictions:
    NUMBER = make_number("440203", date(1990, 5, 6), 13)  # a man

    def test_matching_fields_pass(self) -> None:
        _, violations = validate_identity(
            IdType.RESIDENT_ID, self.NUMBER, birth_date=date(1990, 5, 6), gender=Gender.MALE, today=TODAY,
                clauses=SHAOGUAN)
        assert violations == []

    @pytest.mark.parametrize("given_date", [date(1990, 5, 5), date(1990, 5, 7)])
    def test_birth_date_differs_by_a_day(self, given_date: date) -> None:
        facts, violations = validate_identity(
            IdType.RESIDENT_ID, self.NUMBER, birth_date=given_date, today=TODAY, clauses=SHAOGUAN)
        assert rule_fields(violations) == [("REG-ID", "person.birth_date")]
        assert given_date.isoformat() in violations[0].message and "1990-05-06" in violations[0].message
        assert "不一致" in violations[0].message_zh
        assert facts is not None and facts.birth_date == date(1990, 5, 6)

    def test_gender_differs(self) -> None:
        _, violations = validate_identity(IdType.RESIDENT_ID, self.NUMBER, gender=Gender.FEMALE, today=TODAY,
                                          clauses=SHAOGUAN)
        assert rule_fields(violations) == [("REG-ID", "person.gender")]
        assert "female" in violations[0].message and "女" in violations[0].message_zh

    def test_both_differ_reports_both(self) -> None:
        _, violations = validate_identity(
            IdType.SOCIAL_SECURITY_CARD,
            self.NUMBER,
            birth_date=date(1991, 5, 6),
            gender=Gender.FEMALE,
            today=TODAY, clauses=SHAOGUAN)
        assert rule_fields(violations) == [("REG-ID", "person.birth_date"), ("REG-ID", "person.gender")]


MESSAGE_CASES = [
    (IdType.RESIDENT_ID, "123"),
    (IdType.RESIDENT_ID, "110105194912310021"),
    (IdType.RESIDENCE_PERMIT, "11010519491231002X"),
    (IdType.HK_MACAO_TRAVEL_PERMIT, "X1"),
    (IdType.TAIWAN_TRAVEL_PERMIT, "1"),
    (IdType.HK_MACAO_TRAVEL_PERMIT, "H12345678"),
]


class TestMessages:
    @pytest.mark.parametrize(("id_type", "number"), MESSAGE_CASES)
    def test_every_violation_is_bilingual_with_rule_and_source(self, id_type: IdType, number: str) -> None:
        _, violations = validate_identity(id_type, number, today=TODAY, clauses=GANSU)
        assert violations
        for violation in violations:
            assert violation.rule == "REG-ID"
            assert "REG-ID" in violation.message and "甘人社通〔2020〕111号 三" in violation.message
            assert "REG-ID" in violation.message_zh and "甘人社通〔2020〕111号 三" in violation.message_zh
            assert any("\u4e00" <= ch <= "\u9fff" for ch in violation.message_zh)

    @pytest.mark.parametrize(("id_type", "number"), MESSAGE_CASES)
    def test_a_shaoguan_office_cites_the_shaoguan_plan_or_the_national_notice(self, id_type: IdType, number: str
                                                                               ) -> None:
        _, violations = validate_identity(id_type, number, today=TODAY, clauses=SHAOGUAN)
        assert violations
        for violation in violations:
            assert "甘人社通" not in violation.message and "甘人社通" not in violation.message_zh
            permit = id_type in (IdType.HK_MACAO_TRAVEL_PERMIT, IdType.TAIWAN_TRAVEL_PERMIT)
            expected = "人社厅发〔2020〕3号" if permit else f"{PLAN}一(二)2；GB 11643-1999"
            assert f"（REG-ID，{expected}）" in violation.message_zh, violation.message_zh


class TestIsKnownNumber:
    @pytest.mark.parametrize(
        ("number", "known"),
        [
            ("11010519491231002X", True),
            ("110105194912310021", False),
            ("H12345678", True),
            ("12345678", True),
            ("abc", False),
            (make_number("810000", date(1994, 8, 23), 2), True),
            (make_number("710000", date(1994, 8, 23), 2), False),
        ],
    )
    def test_any_accepted_type(self, number: str, known: bool) -> None:
        assert is_known_number(number) is known
