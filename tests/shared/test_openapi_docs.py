"""OpenAPI field descriptions from the glossary (shared/openapi_docs.py)."""

from __future__ import annotations

from typing import Any

from services.registration.app import create_app as create_registration_app
from shared.openapi_docs import describe_fields


def document() -> dict[str, Any]:
    return {
        "components": {"schemas": {
            "Channel": {"title": "Channel", "type": "string", "enum": ["window", "online"]},
            "PersonCreate": {"title": "PersonCreate", "type": "object", "properties": {
                "birth_date": {"type": "string", "format": "date"},
                "channel": {"$ref": "#/components/schemas/Channel"},
                "name": {"type": "string", "description": "written in the code"},
                "nickname": {"type": "string"},
            }},
        }},
        "paths": {"/x": {"get": {"parameters": [{"name": "as_of", "in": "query"}, {"name": "zzz", "in": "query"}]}}},
    }


class TestDescribeFields:
    def test_labels_enums_and_parameters(self) -> None:
        described = describe_fields(document())
        schemas = described["components"]["schemas"]
        props = schemas["PersonCreate"]["properties"]
        assert props["birth_date"]["description"] == "出生日期"
        assert props["channel"]["description"] == (
            "办理渠道。可选值：window（窗口办理）、online（广东政务服务网等网上办理）")
        assert props["name"]["description"] == "written in the code"  # kept
        assert "description" not in props["nickname"]  # no label: nothing invented
        assert schemas["Channel"]["description"].startswith("可选值：window（窗口办理）")
        [as_of, unknown] = described["paths"]["/x"]["get"]["parameters"]
        assert as_of["description"] == "评估日期" and "description" not in unknown

    def test_a_service_document_describes_its_glossary_fields(self) -> None:
        app = create_registration_app(configure_logs=False)
        schema = app.openapi()
        props = [
            (name, prop) for component in schema["components"]["schemas"].values()
            for name, prop in component.get("properties", {}).items()
        ]
        described = [name for name, prop in props if prop.get("description")]
        # Every field the glossary names is described; print the coverage for the docs work left.
        print(f"registration OpenAPI: {len(described)} of {len(props)} fields described")
        assert all(prop.get("description") for name, prop in props if name == "birth_date")
        assert len(described) > len(props) // 3
