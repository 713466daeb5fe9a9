"""/docs works without internet (Swagger UI served from the fastapi-offline package), the OpenAPI document
has the bearer scheme, and its description points at the repository's own docs, not a machine path."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

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
