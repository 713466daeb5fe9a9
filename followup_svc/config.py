"""Settings of the followup service (variables prefixed FOLLOWUP_, plus the shared platform ones)."""

from pydantic_settings import SettingsConfigDict

from shared.settings import PlatformSettings


class Settings(PlatformSettings):
    """The followup service's settings."""

    model_config = SettingsConfigDict(env_prefix="FOLLOWUP_", extra="ignore", populate_by_name=True)
