"""Secrets and tokens (issue 15 §6): example secrets refused in production, token lifetimes capped per
role at verification, two signing keys accepted during a rotation."""

from __future__ import annotations

import time
from pathlib import Path

import jwt
import pytest
import yaml
from pydantic import ValidationError

from shared.auth import decode_token, issue_token
from shared.errors import ProblemError
from shared.settings import PlatformSettings

SECRET_EXAMPLE = Path(__file__).resolve().parents[2] / "deploy" / "k8s" / "secret.example.yaml"
REAL = {"jwt_signing_key": "Zq8v1Xr4LmN0pT6sYw2Kc9Hd3Fg7Bj5A", "audit_subject_key": "Rt5yU8iO1pA4sD7fG0hJ3kL6zX9cV2bN",
        "database_url": "postgresql://jiuye:Wq93kd@pg.internal:5432/jiuye",
        "redis_url": "redis://:Hs72jq@redis.internal:6379/0"}


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("JWT_SIGNING_KEY", "JWT_PREVIOUS_SIGNING_KEY", "JWT_ALGORITHM", "JWT_PUBLIC_KEY", "APP_ENV",
                 "AUDIT_SUBJECT_KEY", "TOKEN_MAX_TTL_SYSTEM_SECONDS", "SERVICE_TOKEN"):
        monkeypatch.delenv(name, raising=False)


class TestExampleSecretsAreRefused:
    def test_the_example_secret_file_does_not_pass_the_production_check(self) -> None:
        (secret,) = [d for d in yaml.safe_load_all(SECRET_EXAMPLE.read_text()) if d]
        values = {k.lower(): v for k, v in secret["stringData"].items()}
        assert len(values["jwt_signing_key"]) >= 32  # long enough: the length rule alone let it through
        with pytest.raises(ValidationError, match="example value") as raised:
            PlatformSettings(app_env="production", **values)
        for name in ("JWT_SIGNING_KEY", "AUDIT_SUBJECT_KEY", "DATABASE_URL", "REDIS_URL"):
            assert name in str(raised.value)

    @pytest.mark.parametrize("field", ["jwt_signing_key", "audit_subject_key", "database_url"])
    def test_one_copied_example_is_enough_to_refuse(self, field: str) -> None:
        PlatformSettings(app_env="production", **REAL)
        copied = {**REAL, field: REAL[field].replace("jiuye", "CHANGE-ME") if "url" in field
                  else "CHANGE-ME-to-at-least-32-random-characters"}
        with pytest.raises(ValidationError, match=field.upper()):
            PlatformSettings(app_env="staging", **copied)

    def test_examples_are_fine_in_dev_and_test(self) -> None:
        assert PlatformSettings(app_env="test", jwt_signing_key="CHANGE-ME-to-at-least-32-random-characters")


def _token(settings: PlatformSettings, role: str, lifetime: int, key: str | None = None) -> str:
    now = int(time.time())
    claims = {"sub": "s1", "role": role, "region": "44", "iat": now, "exp": now + lifetime, "iss": "jiuye"}
    return jwt.encode(claims, key or settings.jwt_signing_key.get_secret_value(), algorithm="HS256")


class TestTokenLifetimeCap:
    def test_a_ten_year_system_token_is_neither_minted_nor_accepted(self) -> None:
        settings = PlatformSettings(app_env="test")
        ten_years = 10 * 365 * 86400
        with pytest.raises(ValueError, match="at most 86400 seconds"):
            issue_token("system", "44", "batch", ten_years, settings)
        with pytest.raises(ProblemError) as refused:
            decode_token(_token(settings, "system", ten_years), settings)
        assert refused.value.status == 401 and "longer" in refused.value.detail

    @pytest.mark.parametrize(("role", "cap"), [("citizen", 7200), ("caseworker", 43200), ("admin", 43200),
                                               ("system", 86400)])
    def test_each_role_up_to_its_cap(self, role: str, cap: int) -> None:
        settings = PlatformSettings(app_env="test")
        assert decode_token(_token(settings, role, cap), settings).role.value == role
        with pytest.raises(ProblemError):
            decode_token(_token(settings, role, cap + 1), settings)

    def test_the_cap_is_a_setting_and_a_token_without_iat_is_refused(self) -> None:
        settings = PlatformSettings(app_env="test", token_max_ttl_system_seconds=600)
        with pytest.raises(ProblemError):
            decode_token(_token(settings, "system", 601), settings)
        no_iat = jwt.encode({"sub": "s", "role": "system", "region": "44", "exp": int(time.time()) + 60,
                             "iss": "jiuye"}, settings.jwt_signing_key.get_secret_value(), algorithm="HS256")
        with pytest.raises(ProblemError):
            decode_token(no_iat, settings)


class TestKeyRotation:
    def test_tokens_of_the_previous_key_are_accepted_only_while_it_is_configured(self) -> None:
        old_key, new_key = "old-key-0123456789-0123456789-0123", "new-key-9876543210-9876543210-9876"
        before = PlatformSettings(app_env="test", jwt_signing_key=old_key)
        during = PlatformSettings(app_env="test", jwt_signing_key=new_key, jwt_previous_signing_key=old_key)
        after = PlatformSettings(app_env="test", jwt_signing_key=new_key)
        old_token = issue_token("caseworker", "440203", "cw", 600, before)
        new_token = issue_token("caseworker", "440203", "cw", 600, during)
        assert decode_token(old_token, during).sub == "cw"
        assert decode_token(new_token, during).sub == "cw"
        assert decode_token(new_token, after).sub == "cw"
        with pytest.raises(ProblemError):
            decode_token(old_token, after)
        with pytest.raises(ProblemError):
            decode_token(_token(during, "caseworker", 600, key="a-third-key-that-nobody-configured-00"), during)
