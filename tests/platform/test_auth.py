"""Bearer-token authentication: 401 for missing or bad tokens, 403 for roles, RS256, production key checks."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from typing import Annotated

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi import APIRouter, Depends
from httpx import AsyncClient, Response
from pydantic import ValidationError

from shared.auth import Principal, PrincipalDep, Role, issue_token, require_roles
from shared.db import Database
from shared.settings import PLACEHOLDER_SIGNING_KEY, PlatformSettings
from tests.platform.throwaway import platform_settings, throwaway_app

router = APIRouter()
CaseworkerOnly = Annotated[Principal, Depends(require_roles(Role.CASEWORKER))]


@router.get("/whoami")
async def whoami(principal: PrincipalDep) -> dict[str, str]:
    return {"sub": principal.sub, "role": principal.role.value, "region": principal.region}


@router.get("/casework")
async def casework(principal: CaseworkerOnly) -> dict[str, str]:
    return {"ok": principal.sub}


def claims(**changes: object) -> dict[str, object]:
    now = int(time.time())
    base: dict[str, object] = {
        "sub": "u1",
        "role": "caseworker",
        "region": "440203",
        "iat": now,
        "exp": now + 600,
        "iss": "jiuye",
    }
    base.update(changes)
    return {k: v for k, v in base.items() if v is not None}


def hs256(payload: dict[str, object], key: str = PLACEHOLDER_SIGNING_KEY) -> dict[str, str]:
    return {"Authorization": f"Bearer {jwt.encode(payload, key, algorithm='HS256')}"}


@pytest.fixture
def settings(database_url: str, redis_url: str, queue_prefix: str) -> PlatformSettings:
    return platform_settings(database_url, redis_url, queue_prefix)


@pytest.fixture
async def client(settings: PlatformSettings, database: Database) -> AsyncIterator[AsyncClient]:
    async with throwaway_app([router], settings, database) as c:
        yield c


def assert_401(response: Response) -> None:
    assert response.status_code == 401, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["www-authenticate"] == "Bearer"
    body = response.json()
    assert body["code"] == "auth.unauthenticated" and body["detail"] and body["detail_zh"]


class TestUnauthenticated:
    async def test_missing_header(self, client: AsyncClient) -> None:
        assert_401(await client.get("/api/v1/whoami"))

    async def test_other_scheme_or_empty_token(self, client: AsyncClient) -> None:
        assert_401(await client.get("/api/v1/whoami", headers={"Authorization": "Basic dTpw"}))
        assert_401(await client.get("/api/v1/whoami", headers={"Authorization": "Bearer   "}))

    async def test_garbage_token(self, client: AsyncClient) -> None:
        assert_401(await client.get("/api/v1/whoami", headers={"Authorization": "Bearer not.a.jwt"}))

    async def test_expired_token(self, client: AsyncClient) -> None:
        now = int(time.time())
        response = await client.get("/api/v1/whoami", headers=hs256(claims(iat=now - 120, exp=now - 1)))
        assert_401(response)
        assert "expired" in response.json()["detail"]

    async def test_wrong_issuer_and_missing_issuer(self, client: AsyncClient) -> None:
        assert_401(await client.get("/api/v1/whoami", headers=hs256(claims(iss="someone-else"))))
        assert_401(await client.get("/api/v1/whoami", headers=hs256(claims(iss=None))))

    async def test_wrong_signing_key(self, client: AsyncClient) -> None:
        assert_401(await client.get("/api/v1/whoami", headers=hs256(claims(), key="x" * 40)))

    async def test_unknown_role_bad_region_no_subject(self, client: AsyncClient) -> None:
        for bad in (claims(role="mayor"), claims(region="44020"), claims(region=None), claims(sub="")):
            assert_401(await client.get("/api/v1/whoami", headers=hs256(bad)))

    async def test_a_city_bureau_region_is_a_valid_claim(self, client: AsyncClient) -> None:
        # T-REGION: 韶关市人社局 is 4402 (or 440200); 2, 4, 6 and 9 digits all name a level.
        for region in ("4402", "440200"):
            response = await client.get("/api/v1/whoami", headers=hs256(claims(region=region)))
            assert response.status_code == 200 and response.json()["region"] == region

    async def test_unsigned_token(self, client: AsyncClient) -> None:
        token = jwt.encode(claims(), None, algorithm="none")  # type: ignore[arg-type]
        assert_401(await client.get("/api/v1/whoami", headers={"Authorization": f"Bearer {token}"}))


class TestAuthorised:
    async def test_valid_token_gives_the_principal(self, client: AsyncClient, settings: PlatformSettings) -> None:
        token = issue_token("reviewer", "440203001", "r-9", 60, settings)
        response = await client.get("/api/v1/whoami", headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 200
        assert response.json() == {"sub": "r-9", "role": "reviewer", "region": "440203001"}

    async def test_wrong_role_is_403(self, client: AsyncClient) -> None:
        response = await client.get("/api/v1/casework", headers=hs256(claims(role="citizen")))
        assert response.status_code == 403 and response.json()["code"] == "auth.forbidden"
        assert (await client.get("/api/v1/casework", headers=hs256(claims()))).status_code == 200


def rsa_pair() -> tuple[bytes, str]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    public = (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    return private, public


class TestRS256:
    async def test_verifies_with_the_public_key_only(
        self, database_url: str, redis_url: str, queue_prefix: str, database: Database
    ) -> None:
        private, public = rsa_pair()
        other_private, _ = rsa_pair()
        settings = platform_settings(
            database_url, redis_url, queue_prefix, jwt_algorithm="RS256", jwt_public_key=public
        )
        async with throwaway_app([router], settings, database) as client:
            good = jwt.encode(claims(sub="idp-user"), private, algorithm="RS256")
            response = await client.get("/api/v1/whoami", headers={"Authorization": f"Bearer {good}"})
            assert response.status_code == 200 and response.json()["sub"] == "idp-user"
            forged = jwt.encode(claims(), other_private, algorithm="RS256")
            assert_401(await client.get("/api/v1/whoami", headers={"Authorization": f"Bearer {forged}"}))
            # An HS256 token, even one signed with the public key's text, must not pass (algorithm confusion).
            assert_401(await client.get("/api/v1/whoami", headers=hs256(claims())))

    def test_issue_token_refuses_rs256(self, database_url: str, redis_url: str, queue_prefix: str) -> None:
        _, public = rsa_pair()
        settings = platform_settings(
            database_url, redis_url, queue_prefix, jwt_algorithm="RS256", jwt_public_key=public
        )
        with pytest.raises(ValueError, match="HS256"):
            issue_token("caseworker", "44", "x", 60, settings)


class TestProductionKeys:
    @pytest.fixture(autouse=True)
    def clean_env(self, monkeypatch: pytest.MonkeyPatch) -> None:
        for name in ("JWT_SIGNING_KEY", "JWT_ALGORITHM", "JWT_PUBLIC_KEY", "APP_ENV", "AUDIT_SUBJECT_KEY"):
            monkeypatch.delenv(name, raising=False)

    def test_placeholder_key_is_refused_in_production(self) -> None:
        with pytest.raises(ValidationError, match="JWT_SIGNING_KEY"):
            PlatformSettings(app_env="production")

    def test_short_key_is_refused_and_a_real_one_accepted(self) -> None:
        with pytest.raises(ValidationError, match="32 characters"):
            PlatformSettings(app_env="staging", jwt_signing_key="s" * 31)
        settings = PlatformSettings(app_env="production", jwt_signing_key="k" * 32, audit_subject_key="a" * 32)
        assert settings.app_env == "production"

    def test_the_audit_pseudonym_key_must_be_real_in_production(self) -> None:
        with pytest.raises(ValidationError, match="AUDIT_SUBJECT_KEY"):
            PlatformSettings(app_env="production", jwt_signing_key="k" * 32)
        with pytest.raises(ValidationError, match="AUDIT_SUBJECT_KEY"):
            PlatformSettings(app_env="production", jwt_signing_key="k" * 32, audit_subject_key="a" * 31)

    def test_rs256_needs_a_public_key_in_production(self) -> None:
        with pytest.raises(ValidationError, match="JWT_PUBLIC_KEY"):
            PlatformSettings(app_env="production", jwt_algorithm="RS256")
        _, public = rsa_pair()
        assert PlatformSettings(app_env="production", jwt_algorithm="RS256", jwt_public_key=public,
                                audit_subject_key="a" * 32).jwt_public_key

    def test_placeholder_is_allowed_in_dev_and_test(self) -> None:
        assert PlatformSettings(app_env="dev").jwt_signing_key.get_secret_value() == PLACEHOLDER_SIGNING_KEY
        assert PlatformSettings(app_env="test").app_env == "test"

    def test_environment_variable_is_read(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("APP_ENV", "production")
        with pytest.raises(ValidationError, match="placeholder"):
            PlatformSettings()


class TestTokenCache:
    """A remembered token is still refused once it expires, and a bad one is never remembered."""

    def test_expired_token_is_refused_even_after_it_was_accepted(self) -> None:
        import time as _time

        import jwt as _jwt

        from shared.auth import TokenCache
        from shared.errors import ProblemError
        from shared.settings import PlatformSettings

        settings = PlatformSettings(app_env="test")
        cache = TokenCache(settings)
        now = int(_time.time())
        # exp is in whole seconds: now + 1 left the first check only what remained of the current second
        # (it failed if that second ended first); now + 2 leaves it at least one, and the sleep lasts until
        # exp has passed.
        exp = now + 2
        claims = {"sub": "u1", "role": "caseworker", "region": "440203", "iat": now, "exp": exp,
                  "iss": settings.jwt_issuer}
        token = _jwt.encode(claims, settings.jwt_signing_key.get_secret_value(), algorithm="HS256")
        assert cache.principal(token).sub == "u1"
        _time.sleep(max(0.0, exp - _time.time() + 0.1))
        try:
            cache.principal(token)
        except ProblemError as exc:
            assert exc.status == 401
        else:
            raise AssertionError("an expired token was accepted from the cache")

    def test_token_with_a_bad_signature_is_refused_every_time(self) -> None:
        from shared.auth import TokenCache, issue_token
        from shared.errors import ProblemError
        from shared.settings import PlatformSettings

        settings = PlatformSettings(app_env="test")
        cache = TokenCache(settings)
        forged = issue_token("admin", "44", "x", 3600, settings).rsplit(".", 1)[0] + ".bm90LXRoZS1zaWduYXR1cmU"
        for _ in range(2):
            try:
                cache.principal(forged)
            except ProblemError as exc:
                assert exc.status == 401
            else:
                raise AssertionError("a forged token was accepted")


class TestEmployer:
    """The employer role: `sub` is a unified social credit code (GB 32100), and no region scope."""

    async def test_employer_token_with_a_credit_code(self, client: AsyncClient) -> None:
        response = await client.get(
            "/api/v1/whoami", headers=hs256(claims(role="employer", sub="91440300708461136t"))
        )
        assert response.status_code == 200
        assert response.json() == {"sub": "91440300708461136T", "role": "employer", "region": "440203"}

    async def test_employer_token_without_a_valid_credit_code_is_401(self, client: AsyncClient) -> None:
        for sub in ("u1", "91440300708461136X", "91440300708461136"):
            assert_401(await client.get("/api/v1/whoami", headers=hs256(claims(role="employer", sub=sub))))

    def test_issue_token_refuses_an_employer_without_a_credit_code(self, settings: PlatformSettings) -> None:
        with pytest.raises(ValueError, match="credit code"):
            issue_token("employer", "440203", "acme", 60, settings)
        assert issue_token("employer", "440203", "91440300708461136T", 60, settings)

    def test_an_employer_has_no_region_scope(self) -> None:
        from shared.auth import Forbidden, scope_region

        employer = Principal("91440300708461136T", Role.EMPLOYER, "440203")
        assert not employer.covers_region("440203") and not employer.is_staff
        for region in (None, "440203"):
            with pytest.raises(Forbidden):
                scope_region(employer, region)
