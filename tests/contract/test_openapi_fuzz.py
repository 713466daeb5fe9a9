"""Schemathesis over the four services (issue 15 §8): every operation of each OpenAPI document, 25 generated
requests each with a fixed seed, must answer without a 5xx and as its document says (documented status,
media type and body schema). Run by .ci/run as its own step: `python -m pytest tests/contract`."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from eligibility_svc.config import Settings as EligibilitySettings
from followup_svc.config import Settings as FollowupSettings
from registration_svc.config import Settings as RegistrationSettings
from services.eligibility.app import create_app as create_eligibility_app
from services.followup.app import create_app as create_followup_app
from services.registration.app import create_app as create_registration_app
from services.subsidy.app import create_app as create_subsidy_app
from shared.settings import PlatformSettings
from shared.spreadsheets import XLSX_MEDIA_TYPE
from subsidy_svc.config import Settings as SubsidySettings
from tests.support import bearer, service_settings

EXAMPLES_PER_OPERATION = 25


@schemathesis.serializer(XLSX_MEDIA_TYPE)
def _xlsx(ctx: Any, value: Any) -> bytes:
    """Sends the generated body of an xlsx upload as it is: bytes, or any other value's JSON text (none of
    them a workbook, so each must be refused with a documented problem, never a 5xx)."""
    if isinstance(value, bytes):
        return value
    return value.encode() if isinstance(value, str) else json.dumps(value).encode()



CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
# A provincial admin reaches every operation's logic, not only its 401/403.
HEADERS = bearer("admin", "44", "fuzz-admin")
FUZZ = settings(
    max_examples=EXAMPLES_PER_OPERATION, derandomize=True, database=None, deadline=None,
    suppress_health_check=list(HealthCheck),
)


def _failures(
    create_app: Callable[..., FastAPI], settings_cls: type[PlatformSettings], database_url: str, redis_url: str,
    queue_prefix: str,
) -> list[str]:
    """Runs every operation of the app's OpenAPI document; returns what failed, one line per operation."""
    app_settings = service_settings(settings_cls, database_url, redis_url, f"{queue_prefix}-fuzz")
    app = create_app(settings=app_settings, configure_logs=False)
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    failures: list[str] = []
    operations = 0
    requests = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @FUZZ
            @given(case=operation.as_strategy(generation_mode=mode))
            def run(case: Any) -> None:
                nonlocal requests
                requests += 1
                case.call_and_validate(headers=HEADERS, checks=CHECKS)

            try:
                run()
            except Unsatisfiable:
                continue  # nothing to make invalid (an operation without parameters)
            except (Exception, BaseExceptionGroup) as exc:  # the first failure, shrunk
                failures.append(f"{operation.label} ({mode.value}): {str(exc).strip()[:1500]}")
    print(f"{app.title}: {operations} operations, {requests} requests, {len(failures)} failing")
    assert operations > 0 and requests >= operations * EXAMPLES_PER_OPERATION
    return failures


class TestEveryOperationAnswersAsDocumented:
    @pytest.mark.timeout(170)
    @pytest.mark.parametrize(
        ("create_app", "settings_cls"),
        [(create_registration_app, RegistrationSettings), (create_followup_app, FollowupSettings),
         (create_eligibility_app, EligibilitySettings), (create_subsidy_app, SubsidySettings)],
        ids=["registration", "followup", "eligibility", "subsidy"],
    )
    def test_no_5xx_and_no_undocumented_answer(
        self, create_app: Callable[..., FastAPI], settings_cls: type[PlatformSettings], database_url: str,
        redis_url: str, queue_prefix: str,
    ) -> None:
        failures = _failures(create_app, settings_cls, database_url, redis_url, queue_prefix)
        assert not failures, "\n\n".join(failures)
