"""Settings shared by every service, read from the environment with pydantic-settings."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PLACEHOLDER_SIGNING_KEY = "dev-only-signing-key-change-me-0123456789"
PLACEHOLDER_AUDIT_SUBJECT_KEY = "dev-only-audit-subject-key-change-me-0123"

AppEnv = Literal["dev", "test", "staging", "production"]

# Values the repository shows as examples (deploy/k8s/secret.example.yaml, README): a secret containing one
# of these is a copied example, however long, and is refused outside dev and test.
EXAMPLE_SECRET_MARKERS = ("change-me", "changeme", "example", "placeholder", "dev-only", "your-secret", "secret-key")


def looks_like_example(value: str) -> bool:
    """Tells whether a secret is (or contains) a value shown as an example in this repository."""
    folded = value.casefold()
    return any(marker in folded for marker in EXAMPLE_SECRET_MARKERS)


def normalize_database_url(url: str) -> str:
    """Returns the URL with the asyncpg driver, accepting plain postgresql:// URLs too."""
    for prefix in ("postgresql+asyncpg://", "postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+asyncpg://" + url[len(prefix) :]
    raise ValueError(f"DATABASE_URL must be a PostgreSQL URL, got {url.split(':', 1)[0]}://…")


class PlatformSettings(BaseSettings):
    """Settings every service reads; the variables have no service prefix (DATABASE_URL, ...)."""

    model_config = SettingsConfigDict(extra="ignore", populate_by_name=True)

    app_env: AppEnv = Field(default="dev", validation_alias="APP_ENV")
    database_url: str = Field(
        default="postgresql+asyncpg://postgres@127.0.0.1:5432/jiuye", validation_alias="DATABASE_URL"
    )
    redis_url: str = Field(default="redis://127.0.0.1:6379/0", validation_alias="REDIS_URL")
    # Lets parallel test sessions share one Redis without reading each other's queues.
    queue_prefix: str = Field(default="jiuye", validation_alias="QUEUE_PREFIX")
    timezone: str = Field(default="Asia/Shanghai", validation_alias="TIMEZONE")
    log_level: str = Field(default="INFO", validation_alias="LOG_LEVEL")
    log_json: bool = Field(default=True, validation_alias="LOG_JSON")

    jwt_algorithm: Literal["HS256", "RS256"] = Field(default="HS256", validation_alias="JWT_ALGORITHM")
    jwt_signing_key: SecretStr = Field(
        default=SecretStr(PLACEHOLDER_SIGNING_KEY), validation_alias="JWT_SIGNING_KEY"
    )
    # PEM public key, used instead of the signing key to verify when jwt_algorithm is RS256.
    jwt_public_key: str | None = Field(default=None, validation_alias="JWT_PUBLIC_KEY")
    jwt_issuer: str = Field(default="jiuye", validation_alias="JWT_ISSUER")
    # Key rotation (deploy/README.md "Rotating the signing key"): during the window tokens signed with the
    # previous key (HS256) or verified by the previous public key (RS256) are still accepted.
    jwt_previous_signing_key: SecretStr | None = Field(default=None, validation_alias="JWT_PREVIOUS_SIGNING_KEY")
    jwt_previous_public_key: str | None = Field(default=None, validation_alias="JWT_PREVIOUS_PUBLIC_KEY")
    # The longest lifetime (exp - iat) a token may have, by role: a longer one is refused at verification
    # however it was signed, so a leaked token is good for hours, not years.
    token_max_ttl_citizen_seconds: int = Field(
        default=2 * 3600, ge=60, validation_alias="TOKEN_MAX_TTL_CITIZEN_SECONDS")
    token_max_ttl_staff_seconds: int = Field(default=12 * 3600, ge=60, validation_alias="TOKEN_MAX_TTL_STAFF_SECONDS")
    token_max_ttl_system_seconds: int = Field(
        default=24 * 3600, ge=60, validation_alias="TOKEN_MAX_TTL_SYSTEM_SECONDS")
    # Key of the pseudonyms that stand for citizens in the audit log (shared/audit.py). Changing it starts
    # new pseudonyms: keep it for as long as audit trails must be followed across it.
    audit_subject_key: SecretStr = Field(
        default=SecretStr(PLACEHOLDER_AUDIT_SUBJECT_KEY), validation_alias="AUDIT_SUBJECT_KEY"
    )

    # Four APIs at 16 plus four workers at 2 + 2 stay under PostgreSQL's default 100 connections.
    db_pool_size: int = Field(default=16, ge=1, validation_alias="DB_POOL_SIZE")
    db_max_overflow: int = Field(default=0, ge=0, validation_alias="DB_MAX_OVERFLOW")

    registration_url: str = Field(default="http://127.0.0.1:8001", validation_alias="REGISTRATION_URL")
    followup_url: str = Field(default="http://127.0.0.1:8002", validation_alias="FOLLOWUP_URL")
    eligibility_url: str = Field(default="http://127.0.0.1:8003", validation_alias="ELIGIBILITY_URL")
    subsidy_url: str = Field(default="http://127.0.0.1:8004", validation_alias="SUBSIDY_URL")
    # Calls to the other services: the time one attempt may take, and how often an idempotent call is
    # tried again after a connection failure or a 502/503/504.
    peer_timeout_seconds: float = Field(default=5.0, gt=0, validation_alias="PEER_TIMEOUT_SECONDS")
    peer_retries: int = Field(default=2, ge=0, le=5, validation_alias="PEER_RETRIES")
    # With RS256 a service cannot sign its own tokens: the identity provider's token for this service.
    service_token: SecretStr | None = Field(default=None, validation_alias="SERVICE_TOKEN")
    # The region claim of the system tokens services sign for each other (a system sees every region).
    system_region: str = Field(default="44", pattern=r"^[0-9]{2}([0-9]{2}([0-9]{2}([0-9]{3})?)?)?$",
                               validation_alias="SYSTEM_REGION")

    # Event delivery (shared/delivery.py): an event a subscriber has not acknowledged this long after it was
    # sent is sent again, the wait doubling up to the maximum, without end; a consumer retries a failing
    # event `event_max_tries` times, waiting at most `event_retry_max_seconds` between tries, then reports
    # it as a dead letter to the producer (which keeps re-sending it).
    event_ack_seconds: float = Field(default=300.0, gt=0, validation_alias="EVENT_ACK_SECONDS")
    event_resend_max_seconds: float = Field(default=3600.0, gt=0, validation_alias="EVENT_RESEND_MAX_SECONDS")
    event_max_tries: int = Field(default=10, ge=1, le=100, validation_alias="EVENT_MAX_TRIES")
    event_retry_max_seconds: float = Field(default=60.0, gt=0, validation_alias="EVENT_RETRY_MAX_SECONDS")

    @model_validator(mode="after")
    def _check(self) -> PlatformSettings:
        self.database_url = normalize_database_url(self.database_url)
        if self.app_env not in ("dev", "test"):
            key = self.jwt_signing_key.get_secret_value()
            if self.jwt_algorithm == "HS256" and (key == PLACEHOLDER_SIGNING_KEY or len(key) < 32):
                raise ValueError(
                    "JWT_SIGNING_KEY is the development placeholder or shorter than 32 characters; "
                    f"set a real key for APP_ENV={self.app_env}"
                )
            if self.jwt_algorithm == "RS256" and not self.jwt_public_key:
                raise ValueError("JWT_ALGORITHM=RS256 needs JWT_PUBLIC_KEY")
            subject_key = self.audit_subject_key.get_secret_value()
            if subject_key == PLACEHOLDER_AUDIT_SUBJECT_KEY or len(subject_key) < 32:
                raise ValueError(
                    "AUDIT_SUBJECT_KEY is the development placeholder or shorter than 32 characters; "
                    f"set a real key for APP_ENV={self.app_env}"
                )
            self._refuse_examples()
        return self

    def _refuse_examples(self) -> None:
        secrets = {
            "JWT_SIGNING_KEY": self.jwt_signing_key.get_secret_value() if self.jwt_algorithm == "HS256" else "",
            "JWT_PREVIOUS_SIGNING_KEY": (self.jwt_previous_signing_key.get_secret_value()
                                         if self.jwt_previous_signing_key else ""),
            "AUDIT_SUBJECT_KEY": self.audit_subject_key.get_secret_value(),
            "SERVICE_TOKEN": self.service_token.get_secret_value() if self.service_token else "",
            "DATABASE_URL": self.database_url,
            "REDIS_URL": self.redis_url,
        }
        copied = [name for name, value in secrets.items() if value and looks_like_example(value)]
        if copied:
            raise ValueError(
                f"{', '.join(copied)} still hold an example value (as in deploy/k8s/secret.example.yaml); "
                f"set real secrets for APP_ENV={self.app_env}"
            )

    def max_token_ttl(self, role: str) -> int:
        """Returns the longest lifetime in seconds a token of the role may have."""
        if role == "citizen":
            return self.token_max_ttl_citizen_seconds
        if role == "system":
            return self.token_max_ttl_system_seconds
        return self.token_max_ttl_staff_seconds

    def queue_name(self, service: str) -> str:
        """Returns the arq queue of a service."""
        return f"{self.queue_prefix}:{service}"
