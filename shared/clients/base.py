"""The one way a service calls another over HTTP: a system token, timeouts, bounded retries of idempotent
calls, the request ID carried through, and a peer that is down reported as a 503 naming the peer.

Each peer has its own typed client module beside this one (`shared/clients/registration.py` …); a
service builds the clients it needs once, in its lifespan, from the `*_URL` settings. Tests give them
the real peer app through `httpx.ASGITransport`.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from contextlib import asynccontextmanager
from typing import Any

import httpx
from fastapi import FastAPI

from shared.auth import issue_token
from shared.context import current_request_id
from shared.errors import PeerUnavailable
from shared.settings import PlatformSettings

logger = logging.getLogger(__name__)

# Answers that say "try again later" rather than "this request is wrong".
RETRYABLE_STATUSES = frozenset({502, 503, 504})
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "PUT", "DELETE", "OPTIONS"})
TOKEN_TTL_SECONDS = 3600
# A token is renewed this long before it expires, so no call carries one that expires in flight.
TOKEN_RENEW_SECONDS = 300


class ServiceToken:
    """The bearer token this service presents to its peers: a `system` token signed with the configured
    key (HS256), or the identity provider's token for the service (`SERVICE_TOKEN`, for RS256)."""

    def __init__(self, settings: PlatformSettings, caller: str) -> None:
        self.settings = settings
        self.caller = caller
        self._token: str | None = None
        self._expires_at = 0.0

    def value(self) -> str:
        """Returns a token valid for at least TOKEN_RENEW_SECONDS more."""
        if self.settings.service_token is not None:
            return self.settings.service_token.get_secret_value()
        now = time.time()
        if self._token is None or self._expires_at - now < TOKEN_RENEW_SECONDS:
            self._token = issue_token(
                "system", self.settings.system_region, f"{self.caller}-service", TOKEN_TTL_SECONDS, self.settings
            )
            self._expires_at = now + TOKEN_TTL_SECONDS
        return self._token


class ServiceClient:
    """Calls one peer service. Subclasses add the peer's typed calls."""

    peer: str = "peer"
    peer_zh: str = "其他服务"

    def __init__(
        self,
        base_url: str,
        settings: PlatformSettings,
        *,
        caller: str,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.settings = settings
        self.token = ServiceToken(settings, caller)
        self.retries = settings.peer_retries
        # trust_env=False: an HTTP(S)_PROXY of the environment must not capture service-to-service calls.
        self.http = httpx.AsyncClient(
            base_url=base_url, transport=transport, timeout=settings.peer_timeout_seconds, trust_env=False
        )

    async def aclose(self) -> None:
        """Closes the connection pool."""
        await self.http.aclose()

    def unavailable(self, why: str) -> PeerUnavailable:
        """Returns the 503 that tells the caller which peer failed; nothing was saved."""
        return PeerUnavailable(
            f"The {self.peer} service is unavailable ({why}); nothing was saved. Retry later.",
            f"{self.peer_zh}暂不可用，未保存任何内容，请稍后重试。",
        )

    async def request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: Mapping[str, str | Sequence[str]] | None = None,
        idempotency_key: str | None = None,
    ) -> httpx.Response:
        """Sends one call and returns the peer's answer (any 2xx or 4xx: the caller reads it).

        An idempotent call (GET, PUT, or a POST with an Idempotency-Key) is tried again after a connection
        failure, a timeout or a 502/503/504, up to `peer_retries` times with a short growing pause. What is
        still failing then, and any 5xx, raises PeerUnavailable naming the peer.
        """
        headers = {"Authorization": f"Bearer {self.token.value()}"}
        request_id = current_request_id()
        if request_id:
            headers["X-Request-ID"] = request_id
        if idempotency_key is not None:
            headers["Idempotency-Key"] = idempotency_key
        retryable = method.upper() in IDEMPOTENT_METHODS or idempotency_key is not None
        attempts = 1 + (self.retries if retryable else 0)
        why = "no answer"
        for attempt in range(1, attempts + 1):
            try:
                response = await self.http.request(method, path, json=json, params=params, headers=headers)
            except (httpx.TransportError, OSError) as exc:
                why = f"{type(exc).__name__}"
                logger.warning("peer call failed", extra={"peer": self.peer, "path": path, "attempt": attempt,
                                                          "error": repr(exc)[:200]})
            else:
                if response.status_code < 500:
                    return response
                why = f"HTTP {response.status_code}"
                logger.warning("peer answered with an error", extra={"peer": self.peer, "path": path,
                                                                    "status": response.status_code,
                                                                    "attempt": attempt})
                if response.status_code not in RETRYABLE_STATUSES:
                    break
            if attempt < attempts:
                await asyncio.sleep(0.1 * 2 ** (attempt - 1))
        raise self.unavailable(why)


def hold_client(app: FastAPI, attribute: str, make: Callable[[], ServiceClient]) -> None:
    """Keeps a peer's client on `app.state.<attribute>` for as long as the app runs: made when it starts (not
    at import, so settings and test transports apply), closed when it stops."""
    service_lifespan = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        client = make()
        setattr(app.state, attribute, client)
        try:
            async with service_lifespan(app):
                yield
        finally:
            await client.aclose()

    app.router.lifespan_context = lifespan
