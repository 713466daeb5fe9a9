"""Settings of the subsidy service (variables prefixed SUBSIDY_, plus the shared platform ones)."""

from pydantic_settings import SettingsConfigDict

from shared.settings import PlatformSettings


class Settings(PlatformSettings):
    """The subsidy service's settings."""

    model_config = SettingsConfigDict(env_prefix="SUBSIDY_", extra="ignore", populate_by_name=True)
