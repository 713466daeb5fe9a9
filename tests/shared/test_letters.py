"""A decision letter names the agency from the registration service's registry, and is still printed, naming
the region code, when the registry has none or cannot be reached."""

from __future__ import annotations

import socket

from shared.clients.registration import AgencyContact, RegistrationClient
from shared.letters import Agency, agency_of, agency_text, registry_agency, registry_contact
from shared.settings import PlatformSettings


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class TestAgencyOfALetter:
    def test_the_registry_contact_or_the_region_code(self) -> None:
        contact = AgencyContact(region_code="440200", name="韶关市公共就业服务中心", address="沿江路1号",
                                telephone="0751-1234567")
        assert agency_of("440203", contact) == Agency("440203", "韶关市公共就业服务中心", "0751-1234567", "沿江路1号")
        assert agency_text(agency_of("440203", None)) == "本机构（区划 440203）"

    async def test_an_unreachable_registry_gives_the_region_code_not_an_error(self) -> None:
        settings = PlatformSettings(peer_retries=0, peer_timeout_seconds=1)
        client = RegistrationClient(f"http://127.0.0.1:{_closed_port()}", settings, caller="subsidy")
        try:
            assert await registry_contact(client, "440203") is None
            assert await registry_agency(client, "440203") == Agency("440203")
        finally:
            await client.aclose()
        assert await registry_agency(None, "440203") == Agency("440203")
