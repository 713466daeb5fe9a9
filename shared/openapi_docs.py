"""Field descriptions of the OpenAPI document from the one glossary (shared/data/labels.toml), and an example
body for every operation that takes JSON (shared/data/openapi_examples.json).

A field the code leaves undescribed gets its Chinese label ("birth_date" -> "出生日期"); an enum gets the
Chinese label of every value ("可选值：window（窗口办理）、online（…）"), so that a front-end team reads the
API in the words of the people who use it. Descriptions written in the code are kept as they are.
"""

from __future__ import annotations

import copy
import functools
import json
from collections.abc import Mapping
from importlib import resources
from typing import Any

from shared.labels import enum_labels, field_zh

_REF_PREFIX = "#/components/schemas/"


def _enum_text(name: str, values: list[Any]) -> str | None:
    labels = enum_labels().get(name)
    if not labels:
        return None
    return "可选值：" + "、".join(f"{value}（{labels.get(str(value), '未收录')}）" for value in values)


def _label(name: str) -> str | None:
    text = field_zh(name)
    return None if text.startswith("“") else text


def _describe_property(prop: dict[str, Any], name: str, schemas: Mapping[str, Any]) -> None:
    if "description" in prop:
        return
    label = _label(name)
    target = prop
    if "$ref" in prop or "allOf" in prop:
        ref = prop.get("$ref") or next((p.get("$ref") for p in prop.get("allOf", []) if "$ref" in p), None)
        referred = schemas.get(str(ref).removeprefix(_REF_PREFIX), {}) if ref else {}
        target = referred
    enum = _enum_text(str(target.get("title", "")), list(target.get("enum", []))) if "enum" in target else None
    parts = [part for part in (label, enum) if part]
    if parts:
        prop["description"] = "。".join(parts)


def _describe_inline(node: Any, schemas: Mapping[str, Any]) -> None:
    """Describes the properties of a schema written inline (a body the endpoint parses itself), at every depth."""
    if isinstance(node, list):
        for item in node:
            _describe_inline(item, schemas)
        return
    if not isinstance(node, dict):
        return
    for name, prop in node.get("properties", {}).items():
        if isinstance(prop, dict):
            _describe_property(prop, name, schemas)
            _describe_inline(prop, schemas)
    for key in ("items", "anyOf", "allOf", "oneOf"):
        if key in node:
            _describe_inline(node[key], schemas)


def describe_fields(schema: dict[str, Any]) -> dict[str, Any]:
    """Fills the missing descriptions of the document's schema properties and parameters; returns it."""
    schemas: Mapping[str, Any] = schema.get("components", {}).get("schemas", {})
    for component in schemas.values():
        if "enum" in component and "description" not in component:
            text = _enum_text(str(component.get("title", "")), list(component["enum"]))
            if text:
                component["description"] = text
        for name, prop in component.get("properties", {}).items():
            if isinstance(prop, dict):
                _describe_property(prop, name, schemas)
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            if not isinstance(operation, dict):
                continue
            for media in operation.get("requestBody", {}).get("content", {}).values():
                _describe_inline(media.get("schema"), schemas)
            for parameter in operation.get("parameters", []):
                if isinstance(parameter, dict) and "description" not in parameter:
                    label = _label(str(parameter.get("name", "")))
                    if label:
                        parameter["description"] = label
    return schema


@functools.cache
def request_examples() -> Mapping[str, Mapping[str, Any]]:
    """Returns the example request bodies, by service then operation ("POST /api/v1/registrations")."""
    text = resources.files("shared.data").joinpath("openapi_examples.json").read_text(encoding="utf-8")
    examples: Mapping[str, Mapping[str, Any]] = json.loads(text)
    return examples


def add_request_examples(schema: dict[str, Any], service: str) -> dict[str, Any]:
    """Puts the service's example body into each JSON request body of the document (Swagger UI shows it and
    fills "Try it out" with it); returns the document."""
    examples = request_examples().get(service, {})
    for path, operations in schema.get("paths", {}).items():
        for method, operation in operations.items():
            if not isinstance(operation, dict):
                continue
            media = operation.get("requestBody", {}).get("content", {}).get("application/json")
            example = examples.get(f"{method.upper()} {path}")
            if media is not None and example is not None:
                media["example"] = copy.deepcopy(example)
    return schema
