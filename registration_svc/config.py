"""Settings of the registration service (variables prefixed REGISTRATION_, plus the shared platform ones)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import SettingsConfigDict

from shared.settings import PlatformSettings


class Settings(PlatformSettings):
    """The registration service's settings."""

    model_config = SettingsConfigDict(env_prefix="REGISTRATION_", extra="ignore", populate_by_name=True)

    # The adapter that delivers each channel's notifications (DEREG-NOTIFY). "log" writes the message to the
    # log and counts it sent; a gateway adapter also needs its transport installed in the worker.
    notification_sms_sender: Literal["log", "sms"] = "log"
    notification_wechat_sender: Literal["log", "wechat"] = "log"
    notification_letter_sender: Literal["log", "letter"] = "log"
    # The agency's registered SMS signature, sent as 【signature】 before the text.
    notification_sms_signature: str = ""
    notification_wechat_template_id: str = ""

    # Failed attempts are retried after 1, 2, 4 … minutes (capped at an hour); the 8th failure, about two
    # hours after the first, gives up: by then a gateway outage needs a person, who sees the dead letter.
    notification_max_attempts: int = Field(default=8, ge=1, le=50)
    notification_retry_base_seconds: int = Field(default=60, ge=1)
    notification_retry_max_seconds: int = Field(default=3600, ge=1)
    # How many notifications one claim takes; a run claims again until none are due or its time is up.
    notification_batch_size: int = Field(default=20, ge=1, le=500)
    # Longest wait for one adapter call; a slower one counts as a failed attempt.
    notification_send_timeout_seconds: float = Field(default=20.0, gt=0, le=60)
    # A run starts no send after this long, so runs stay about as short as the minute between them. With
    # the send timeout it stays below the worker's job timeout (300 s), which would cut a send short.
    notification_run_seconds: float = Field(default=45.0, gt=0, le=180)

    @model_validator(mode="after")
    def _check_notification_delays(self) -> Settings:
        if self.notification_retry_max_seconds < self.notification_retry_base_seconds:
            raise ValueError("REGISTRATION_NOTIFICATION_RETRY_MAX_SECONDS is below the base delay")
        return self
