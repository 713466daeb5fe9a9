"""The peer services the subsidy service calls (person registry, eligibility), built once per process."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from shared.clients.eligibility import EligibilityClient
from shared.clients.registration import RegistrationClient
from shared.settings import PlatformSettings


@dataclass(frozen=True)
class Peers:
    """Typed clients of the services the subsidy service depends on."""

    registration: RegistrationClient
    eligibility: EligibilityClient

    @classmethod
    def from_settings(cls, settings: PlatformSettings) -> Peers:
        """Returns the clients at REGISTRATION_URL and ELIGIBILITY_URL."""
        return cls(
            RegistrationClient.from_settings(settings, caller="subsidy"),
            EligibilityClient.from_settings(settings, caller="subsidy"),
        )

    async def close_when_cancelled(self) -> None:
        """Waits until the service stops (its background task is cancelled), then closes the clients."""
        try:
            await asyncio.Event().wait()
        finally:
            await self.registration.aclose()
            await self.eligibility.aclose()


def _peers(request: Request) -> Peers:
    peers: Peers = request.app.state.peers
    return peers


PeersDep = Annotated[Peers, Depends(_peers)]
