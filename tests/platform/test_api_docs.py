"""/docs works without internet (Swagger UI served from the fastapi-offline package), the OpenAPI document
has the bearer scheme, and its description points at the repository's own docs, not a machine path; and
docs/api.md keeps up with the apps: every operation of every service is in its table, every documented
operation exists, and every sample or example body is one the service takes."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from pydantic import TypeAdapter

from eligibility_svc.config import Settings as EligibilitySettings
from followup_svc.config import Settings as FollowupSettings
from registration_svc.config import Settings as RegistrationSettings
from services.eligibility.app import create_app as create_eligibility_app
from services.followup.app import create_app as create_followup_app
from services.registration.app import create_app as create_registration_app
from services.subsidy.app import create_app as create_subsidy_app
from shared.db import Database
from subsidy_svc.config import Settings as SubsidySettings
from tests.support import bearer, running_app, service_settings

SERVICES: list[tuple[Callable[..., Any], type[Any]]] = [
    (create_registration_app, RegistrationSettings),
    (create_followup_app, FollowupSettings),
    (create_eligibility_app, EligibilitySettings),
    (create_subsidy_app, SubsidySettings),
]
ROOT = Path(__file__).parents[2]


@pytest.mark.parametrize(("create_app", "settings_cls"), SERVICES)
async def test_docs_offline_with_the_bearer_scheme(
    create_app: Callable[..., Any], settings_cls: type[Any],
    database: Database, database_url: str, redis_url: str, queue_prefix: str,
) -> None:
    settings = service_settings(settings_cls, database_url, redis_url, queue_prefix)
    async with running_app(create_app, settings, database) as client:
        page = await client.get("/docs")
        assert page.status_code == 200
        assert "/static-offline-docs/swagger-ui-bundle.js" in page.text
        assert "cdn" not in page.text.lower() and "https://" not in page.text.split("<body>")[0]
        script = await client.get("/static-offline-docs/swagger-ui-bundle.js")
        assert script.status_code == 200 and len(script.content) > 100_000
        assert (await client.get("/static-offline-docs/swagger-ui.css")).status_code == 200

        document = (await client.get("/openapi.json")).json()
        scheme = document["components"]["securitySchemes"]["bearerAuth"]
        assert (scheme["type"], scheme["scheme"]) == ("http", "bearer")
        operations = [
            (path, operation) for path, item in document["paths"].items()
            for operation in item.values() if isinstance(operation, dict)
        ]
        assert operations
        for path, operation in operations:
            expected = [] if path in {"/healthz", "/readyz"} else [{"bearerAuth": []}]
            assert operation.get("security", []) == expected, path
        description = document["info"]["description"]
        assert "/work/" not in description and "../shared" not in description
        assert "docs/api.md" in description and (ROOT / "docs" / "api.md").is_file()


SAMPLE = re.compile(r"<!-- sample: (\w+) POST (\S+) -->\n```json\n(.*?)\n```", re.S)
APPS = {
    "registration": (create_registration_app, RegistrationSettings),
    "eligibility": (create_eligibility_app, EligibilitySettings),
    "subsidy": (create_subsidy_app, SubsidySettings),
}


def test_the_docs_carry_a_sample_body_for_each_service_that_takes_one() -> None:
    services = {match[0] for match in SAMPLE.findall((ROOT / "docs" / "api.md").read_text(encoding="utf-8"))}
    assert services == set(APPS)


@pytest.mark.parametrize(
    ("service", "path", "body"), SAMPLE.findall((ROOT / "docs" / "api.md").read_text(encoding="utf-8"))
)
async def test_every_sample_body_of_the_docs_is_accepted(
    service: str, path: str, body: str,
    database: Database, database_url: str, redis_url: str, queue_prefix: str,
) -> None:
    create_app, settings_cls = APPS[service]
    settings = service_settings(settings_cls, database_url, redis_url, queue_prefix)
    async with running_app(create_app, settings, database) as client:
        response = await client.post(path, json=json.loads(body), headers=bearer("caseworker", "440203"))
        assert response.status_code in (200, 201), response.text


# ---- docs/api.md keeps up with the apps ------------------------------------------------------------------
#
# An operation is documented by a table row whose first cell is `METHOD /path`, the path written exactly as
# the app's OpenAPI document writes it (path parameters by their own names, e.g. {claim_id}); a query string
# may follow the path inside the cell. Each service's operations are in its own section ("## Registration
# service (8001)" ...); the operations every service has are in "## Every service".

API_DOCS = ROOT / "docs" / "api.md"
SECTIONS = {
    "registration": "## Registration service",
    "followup": "## Follow-up service",
    "eligibility": "## Eligibility service",
    "subsidy": "## Subsidy service",
}
COMMON_SECTION = "## Every service"
ALL_APPS = {
    "registration": (create_registration_app, RegistrationSettings),
    "followup": (create_followup_app, FollowupSettings),
    "eligibility": (create_eligibility_app, EligibilitySettings),
    "subsidy": (create_subsidy_app, SubsidySettings),
}
# Served by every app without a token and described in prose, not in the tables.
UNDOCUMENTED_PATHS = frozenset({"/healthz", "/readyz", "/metrics", "/docs", "/docs/oauth2-redirect", "/redoc",
                                "/openapi.json"})
ROW = re.compile(r"^\| `(GET|POST|PUT|PATCH|DELETE) (/[^`?\s]*)[^`]*` \|", re.M)
EXAMPLE = re.compile(r"<!-- example: (\w+) (POST|PUT|PATCH) (\S+) -->\n```json\n(.*?)\n```", re.S)


def _app(service: str) -> FastAPI:
    """Builds a service's app without starting it: its routes and OpenAPI document need no servers."""
    create_app, settings_cls = ALL_APPS[service]
    settings = settings_cls(app_env="test", database_url="postgresql://docs@127.0.0.1:5432/unused",
                            redis_url="redis://127.0.0.1:6379/0", log_json=False)
    app: FastAPI = create_app(settings=settings, configure_logs=False)
    return app


def _operations(app: FastAPI) -> set[tuple[str, str]]:
    """Returns (method, path) of every operation the app's OpenAPI document lists, but the undocumented paths."""
    return {
        (method.upper(), path)
        for path, item in app.openapi()["paths"].items() if path not in UNDOCUMENTED_PATHS
        for method, operation in item.items() if isinstance(operation, dict)
    }


def _section(text: str, heading: str) -> str:
    """Returns the text of the `## ` section starting with `heading`, up to the next `## ` heading."""
    start = text.index(heading)
    following = text.find("\n## ", start + len(heading))
    return text[start:] if following < 0 else text[start:following]


def _documented(heading: str) -> list[tuple[str, str]]:
    return [(method, path) for method, path in ROW.findall(_section(API_DOCS.read_text(encoding="utf-8"), heading))]


class TestTheApiDocsListEveryOperation:
    @pytest.mark.parametrize("service", sorted(ALL_APPS))
    def test_every_operation_of_the_app_is_in_its_section_or_the_common_one(self, service: str) -> None:
        documented = set(_documented(SECTIONS[service])) | set(_documented(COMMON_SECTION))
        missing = sorted(_operations(_app(service)) - documented)
        assert missing == [], f"{service}: operations missing from docs/api.md: {missing}"

    @pytest.mark.parametrize("service", sorted(ALL_APPS))
    def test_every_operation_of_its_section_exists_once(self, service: str) -> None:
        rows = _documented(SECTIONS[service])
        assert rows, service
        assert len(rows) == len(set(rows)), f"{service}: an operation is listed twice"
        stale = sorted(set(rows) - _operations(_app(service)))
        assert stale == [], f"{service}: docs/api.md lists operations the app does not have: {stale}"

    def test_the_common_operations_exist_in_every_app(self) -> None:
        rows = _documented(COMMON_SECTION)
        assert ("GET", "/api/v1/jobs/{job_id}") in rows and ("GET", "/api/v1/audit-log") in rows
        for service in ALL_APPS:
            assert set(rows) <= _operations(_app(service)), service
            assert not set(rows) & set(_documented(SECTIONS[service])), f"{service} repeats a common operation"


def _body_model(app: FastAPI, method: str, path: str) -> Any:
    for route in app.routes:
        if isinstance(route, APIRoute) and route.path == path and method in route.methods:
            (body,) = route.dependant.body_params
            return body.field_info.annotation
    raise AssertionError(f"no operation {method} {path}")


@pytest.mark.parametrize(("service", "method", "path", "body"), EXAMPLE.findall(API_DOCS.read_text(encoding="utf-8")))
def test_every_example_body_of_the_docs_validates(service: str, method: str, path: str, body: str) -> None:
    """The worked examples need records of other services (a ledger entry, the person registry), so they are
    not posted like the samples; each is at least a body its operation takes, field for field."""
    TypeAdapter(_body_model(_app(service), method, path)).validate_json(body)


def test_the_docs_carry_worked_examples_of_the_main_flows() -> None:
    examples = {(service, path) for service, _, path, _ in EXAMPLE.findall(API_DOCS.read_text(encoding="utf-8"))}
    assert {("followup", "/api/v1/ledger/{entry_id}/contacts"), ("eligibility", "/api/v1/difficulty/applications"),
            ("subsidy", "/api/v1/skill-subsidy/claims")} <= examples
