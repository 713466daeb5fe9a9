"""Every operation documents its error answers as application/problem+json (issue 15 §8)."""

from __future__ import annotations

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
from tests.support import running_app, service_settings

APPS = [(create_registration_app, RegistrationSettings), (create_followup_app, FollowupSettings),
        (create_eligibility_app, EligibilitySettings), (create_subsidy_app, SubsidySettings)]


class TestProblemsAreDocumented:
    @pytest.mark.parametrize(("create_app", "settings_cls"), APPS, ids=[a[1].__module__.split("_")[0] for a in APPS])
    async def test_every_api_operation_lists_its_errors_as_problems(
        self, create_app: object, settings_cls: type, database: Database, database_url: str, redis_url: str,
        queue_prefix: str,
    ) -> None:
        settings = service_settings(settings_cls, database_url, redis_url, queue_prefix)
        async with running_app(create_app, settings, database) as client:  # type: ignore[arg-type]
            document = (await client.get("/openapi.json")).json()
        assert "Problem" in document["components"]["schemas"]
        assert "HTTPValidationError" not in document["components"]["schemas"]
        operations = [(path, method, op) for path, item in document["paths"].items()
                      for method, op in item.items() if path.startswith("/api/v1")]
        assert operations
        for path, method, op in operations:
            for status in ("401", "403", "404", "409", "413", "422", "503"):
                content = op["responses"][status]["content"]
                assert list(content) == ["application/problem+json"], (path, method, status)
                assert content["application/problem+json"]["schema"] == {"$ref": "#/components/schemas/Problem"}

    async def test_an_unknown_peer_asked_of_readyz_is_a_422_not_a_503(
        self, database: Database, database_url: str, redis_url: str, queue_prefix: str
    ) -> None:
        settings = service_settings(SubsidySettings, database_url, redis_url, queue_prefix)
        async with running_app(create_subsidy_app, settings, database) as client:
            response = await client.get("/readyz", params={"peers": "outbox_event"})
        assert response.status_code == 422 and response.json()["violations"][0]["field"] == "peers"


class TestMethodNotAllowed:
    async def test_allow_names_every_method_of_the_path(
        self, database: Database, database_url: str, redis_url: str, queue_prefix: str
    ) -> None:
        settings = service_settings(RegistrationSettings, database_url, redis_url, queue_prefix)
        async with running_app(create_registration_app, settings, database) as client:
            response = await client.delete("/api/v1/registrations")
        assert response.status_code == 405 and response.headers["content-type"] == "application/problem+json"
        assert response.headers["allow"] == "GET, POST"
