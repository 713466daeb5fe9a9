"""Bodies of the list endpoints: the items of each list with exactly the fields seed 002 §四(二) names."""

from __future__ import annotations

from typing import Annotated, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from followup_svc.service_list.models import ListKind
from shared.clock import LocalDateTime
from shared.inputs import PhoneNumber

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]


class PolicyItem(BaseModel):
    """政策清单: 政策名称、享受对象、政策内容、申请条件、受理机构."""

    model_config = ConfigDict(extra="forbid")

    name: Annotated[Text, Field(description="政策名称")]
    target_group: Text
    content: Text
    conditions: Text
    accepting_agency: Text


class ServiceItem(BaseModel):
    """服务清单: 服务项目、服务对象、服务内容."""

    model_config = ConfigDict(extra="forbid")

    item: Text
    target: Text
    content: Text


class AgencyItem(BaseModel):
    """公共就业服务机构清单: 机构名称、办公地址、联系电话、经办项目."""

    model_config = ConfigDict(extra="forbid")

    name: Annotated[Text, Field(description="机构名称")]
    address: Text
    phone: PhoneNumber
    items_handled: list[Text] = Field(min_length=1, max_length=200)


Item = TypeVar("Item", PolicyItem, ServiceItem, AgencyItem)


class ListPut(BaseModel, Generic[Item]):
    """Body of PUT /lists/{kind}: the whole list, which becomes the region's next version."""

    model_config = ConfigDict(extra="forbid")

    items: list[Item] = Field(min_length=1, max_length=500)


ITEM_MODELS: dict[ListKind, type[BaseModel]] = {
    ListKind.POLICIES: PolicyItem,
    ListKind.SERVICES: ServiceItem,
    ListKind.AGENCIES: AgencyItem,
}


class ListRead(BaseModel):
    """One version of a region's list."""

    id: str
    kind: ListKind
    region_code: str
    version: int
    items: list[dict[str, object]]
    created_by: str
    created_at: LocalDateTime
