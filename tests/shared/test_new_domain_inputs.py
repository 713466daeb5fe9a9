"""The request models of the workflows merged after issue 15 follow its input rules: codes are ASCII only,
dates bounded, booleans strict, amounts bounded, phone numbers phone numbers (issue 15 §3, §7)."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from eligibility_svc.certification.schemas import ExitCreate
from followup_svc import models as followup_models  # noqa: F401  (the models first: import order)
from followup_svc.ledger.schemas import ContactCreate, MonthBody
from followup_svc.revisit.schemas import RevisitCreate
from followup_svc.service_list.schemas import AgencyItem
from registration_svc import models as registration_models  # noqa: F401  (the models first)
from registration_svc.job_seeker.schemas import IntentionsCreate
from registration_svc.vacancy.schemas import EmployerCreate
from shared.codes import credit_code_check
from subsidy_svc.catalogue.schemas import OccupationCode
from subsidy_svc.loans.schemas import EarlyRepayment
from subsidy_svc.payments.schemas import BatchCreate

VALID_CREDIT = "91440200MA4W00000" + credit_code_check("91440200MA4W00000")
CONTACT = {"method": "phone", "contacted_on": "2026-11-20", "result": "reached"}


def _refused(model: type[BaseModel], body: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationError) as error:
        model.model_validate(body)
    assert any(field in ".".join(str(p) for p in e["loc"]) for e in error.value.errors()), error.value


class TestNewDomainInputs:
    def test_ledger_contact_takes_a_checked_ascii_credit_code_a_bounded_date_strict_flags_and_fen(self) -> None:
        ContactCreate.model_validate({**CONTACT, "employer": {"name": "某厂", "credit_code": VALID_CREDIT}})
        full_width = VALID_CREDIT.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
        _refused(ContactCreate, {**CONTACT, "employer": {"name": "某厂", "credit_code": full_width}}, "credit_code")
        _refused(ContactCreate, {**CONTACT, "employer": {"name": "某厂", "credit_code": VALID_CREDIT[:17] + "0"
                                                         if VALID_CREDIT[17] != "0" else VALID_CREDIT[:17] + "1"}},
                 "credit_code")
        _refused(ContactCreate, {**CONTACT, "contacted_on": "0001-01-01"}, "contacted_on")
        _refused(ContactCreate, {**CONTACT, "refusal_justified": 1}, "refusal_justified")
        _refused(ContactCreate, {**CONTACT, "monthly_income_fen": 10**30}, "monthly_income_fen")

    def test_a_ledger_month_is_one_a_date_can_hold(self) -> None:
        assert MonthBody.model_validate({"month": "2026-11"}).month == "2026-11"
        for month in ("0000-01", "２０２６-11", "2026-13"):
            _refused(MonthBody, {"month": month}, "month")

    def test_occupation_codes_are_ascii(self) -> None:
        IntentionsCreate.model_validate({"occupation_codes": ["4-02"]})
        _refused(IntentionsCreate, {"occupation_codes": ["４-０２"]}, "occupation_codes")
        _refused(IntentionsCreate, {"occupation_codes": ["4-02"], "full_time": "yes"}, "full_time")

        class Entry(BaseModel):
            code: OccupationCode

        Entry.model_validate({"code": "4-03-02-01"})
        _refused(Entry, {"code": "4-０3-02-01"}, "code")

    def test_phone_numbers_are_phone_numbers(self) -> None:
        employer = {"name": "某厂", "credit_code": VALID_CREDIT, "region_code": "440203",
                    "contact_phone": "0751-8888888"}
        assert EmployerCreate.model_validate(employer).contact_phone == "07518888888"
        _refused(EmployerCreate, {**employer, "contact_phone": "call me"}, "contact_phone")
        agency = {"name": "韶关市公共就业服务中心", "address": "韶关市", "phone": "13800000000",
                  "items_handled": ["失业登记"]}
        AgencyItem.model_validate(agency)
        _refused(AgencyItem, {**agency, "phone": "１３８００００００００"}, "phone")

    def test_dates_and_flags_of_the_other_new_requests(self) -> None:
        _refused(RevisitCreate, {"target": "person", "visited_on": "2026-11-20", "employed": 1}, "employed")
        _refused(ExitCreate, {"reason": "employed", "effective_date": "9999-01-01"}, "effective_date")
        _refused(EarlyRepayment, {"repaid_on": "0001-01-01"}, "repaid_on")
        _refused(BatchCreate, {"kind": "skill_subsidy", "region": "４４0203", "as_of": "2026-11-20"}, "region")
