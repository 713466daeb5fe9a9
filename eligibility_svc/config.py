"""Settings of the eligibility service (variables prefixed ELIGIBILITY_, plus the shared platform ones)."""

from pydantic_settings import SettingsConfigDict

from shared.settings import PlatformSettings


class Settings(PlatformSettings):
    """The eligibility service's settings."""

    model_config = SettingsConfigDict(env_prefix="ELIGIBILITY_", extra="ignore", populate_by_name=True)
