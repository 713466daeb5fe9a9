"""Settings of the registration service (variables prefixed REGISTRATION_, plus the shared platform ones)."""

from pydantic_settings import SettingsConfigDict

from shared.settings import PlatformSettings


class Settings(PlatformSettings):
    """The registration service's settings."""

    model_config = SettingsConfigDict(env_prefix="REGISTRATION_", extra="ignore", populate_by_name=True)
