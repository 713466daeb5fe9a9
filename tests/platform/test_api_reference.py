"""The OpenAPI documents a front-end team builds on (issue 16 §3): every field and parameter is described, and
every operation taking a JSON body shows an example that the operation's own request model accepts."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from pydantic import BaseModel

from eligibility_svc.config import Settings as EligibilitySettings
from eligibility_svc.difficulty.schemas import DifficultyRequest, parse_json_body
from eligibility_svc.startup_loan.schemas import InterestScheduleRequest, StartupLoanEvaluateRequest
from followup_svc.config import Settings as FollowupSettings
from registration_svc.config import Settings as RegistrationSettings
from services.eligibility.app import create_app as create_eligibility_app
from services.followup.app import create_app as create_followup_app
from services.registration.app import create_app as create_registration_app
from services.subsidy.app import create_app as create_subsidy_app
from shared.db import Database
from shared.openapi_docs import request_examples
from subsidy_svc.config import Settings as SubsidySettings
from tests.support import running_app, service_settings

APPS: dict[str, tuple[Callable[..., FastAPI], type[Any]]] = {
    "registration": (create_registration_app, RegistrationSettings),
    "followup": (create_followup_app, FollowupSettings),
    "eligibility": (create_eligibility_app, EligibilitySettings),
    "subsidy": (create_subsidy_app, SubsidySettings),
}
# Bodies that are files, not JSON: no example (Swagger UI offers a file picker for them).
FILE_UPLOADS = frozenset({
    "registration PUT /api/v1/reference-data/{source}",  # text/csv
    "followup POST /api/v1/ledger/import",  # xlsx
    "subsidy PUT /api/v1/skill-subsidy/catalogue/versions/{effective_from}",  # xlsx
    "subsidy POST /api/v1/payment-batches/{batch_id}/results/file",  # xlsx
})
# Endpoints that parse their JSON body themselves in strict mode (no FastAPI body field): their models.
SELF_PARSED: dict[str, type[BaseModel]] = {
    "eligibility POST /api/v1/difficulty/evaluate": DifficultyRequest,
    "eligibility POST /api/v1/startup-loan/evaluate": StartupLoanEvaluateRequest,
    "eligibility POST /api/v1/startup-loan/interest-schedule": InterestScheduleRequest,
}


def operations(document: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """Yields ("POST /path", operation) for every operation of a document."""
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if isinstance(operation, dict):
                yield f"{method.upper()} {path}", operation


def undescribed(document: dict[str, Any]) -> list[str]:
    """Returns every component property, inline body property and parameter without a description."""
    found: list[str] = []

    def walk(node: Any, where: str) -> None:
        if isinstance(node, list):
            for item in node:
                walk(item, where)
        elif isinstance(node, dict):
            for name, prop in node.get("properties", {}).items():
                if not str(prop.get("description", "")).strip():
                    found.append(f"{where}.{name}")
                walk(prop, f"{where}.{name}")
            for key in ("items", "anyOf", "allOf", "oneOf"):
                walk(node.get(key), where)

    for name, component in document["components"]["schemas"].items():
        walk(component, name)
    for key, operation in operations(document):
        for parameter in operation.get("parameters", []):
            if not str(parameter.get("description", "")).strip():
                found.append(f"{key} ({parameter['in']} {parameter['name']})")
        for media in operation.get("requestBody", {}).get("content", {}).values():
            if "$ref" not in media.get("schema", {}):
                walk(media.get("schema"), f"{key} body")
    return found


@pytest.fixture(params=sorted(APPS))
def service(request: pytest.FixtureRequest) -> str:
    name: str = request.param
    return name


async def served_document(service: str, database: Database, database_url: str, redis_url: str,
                          queue_prefix: str) -> dict[str, Any]:
    create_app, settings_cls = APPS[service]
    settings = service_settings(settings_cls, database_url, redis_url, queue_prefix)
    async with running_app(create_app, settings, database) as client:
        response = await client.get("/openapi.json")
        assert response.status_code == 200
        document: dict[str, Any] = response.json()
        return document


class TestEveryFieldDescribed:
    async def test_every_property_and_parameter_has_a_description(
        self, service: str, database: Database, database_url: str, redis_url: str, queue_prefix: str,
    ) -> None:
        document = await served_document(service, database, database_url, redis_url, queue_prefix)
        assert document["components"]["schemas"]
        missing = undescribed(document)
        assert missing == [], f"{service}: {len(missing)} fields without a description: {missing}"


class TestExampleBodies:
    async def test_every_json_body_has_an_example_and_files_are_listed(
        self, service: str, database: Database, database_url: str, redis_url: str, queue_prefix: str,
    ) -> None:
        document = await served_document(service, database, database_url, redis_url, queue_prefix)
        without, uploads = [], set()
        for key, operation in operations(document):
            content = operation.get("requestBody", {}).get("content", {})
            if "application/json" in content:
                if "example" not in content["application/json"]:
                    without.append(key)
            elif content:
                uploads.add(f"{service} {key}")
        assert without == [], f"{service}: JSON bodies without an example: {without}"
        assert uploads == {name for name in FILE_UPLOADS if name.startswith(f"{service} ")}

    def test_every_example_is_accepted_by_the_request_model(self, service: str) -> None:
        app = APPS[service][0](configure_logs=False)
        examples = request_examples()[service]
        document = app.openapi()
        checked, refused = set(), []
        for route in app.routes:
            if not isinstance(route, APIRoute):
                continue
            for method in route.methods:
                key = f"{method} {route.path}"
                if key not in examples:
                    continue
                example = document["paths"][route.path][method.lower()]["requestBody"]["content"][
                    "application/json"]["example"]
                assert example == examples[key]
                if route.body_field is not None:
                    _, errors = route.body_field.validate(example, {}, loc=("body",))
                    refused += [f"{key}: {error['loc']} {error['msg']}" for error in errors]
                else:
                    model = SELF_PARSED[f"{service} {key}"]
                    schema = route.openapi_extra["requestBody"]["content"]["application/json"]["schema"]
                    assert schema["title"] == model.__name__
                    try:
                        parse_json_body(model, json.dumps(example).encode())
                    except RequestValidationError as exc:
                        refused += [f"{key}: {error['loc']} {error['msg']}" for error in exc.errors()]
                checked.add(key)
        assert refused == [], f"{service}: examples the request model refuses: {refused}"
        assert checked == set(examples)

    def test_no_example_names_an_operation_that_does_not_exist(self) -> None:
        assert set(request_examples()) == set(APPS)
        for service, examples in request_examples().items():
            document = APPS[service][0](configure_logs=False).openapi()
            known = {key for key, operation in operations(document) if "requestBody" in operation}
            assert set(examples) - known == set(), service

    def test_a_broken_example_is_refused(self) -> None:
        """The check above does fail: an example the model refuses gives errors."""
        app = create_registration_app(configure_logs=False)
        [route] = [r for r in app.routes if isinstance(r, APIRoute) and r.path == "/api/v1/registrations"
                   and "POST" in r.methods]
        assert route.body_field is not None
        broken = {**request_examples()["registration"]["POST /api/v1/registrations"], "channel": "fax"}
        _, errors = route.body_field.validate(broken, {}, loc=("body",))
        assert errors and errors[0]["loc"] == ("body", "channel")
