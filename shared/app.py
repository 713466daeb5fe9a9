"""Builds a service's FastAPI app: middleware, error handlers, health, readiness and metrics."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import inspect
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import httpx
from fastapi import APIRouter, Depends, FastAPI, Request, Response
from fastapi.dependencies.models import Dependant
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from fastapi_offline import FastAPIOffline
from prometheus_client import CollectorRegistry, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from pydantic import BaseModel
from redis.asyncio import Redis
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shared.audit import DeniedRequests, use_subject_key
from shared.audit_router import audit_router
from shared.calendar_store import CalendarHolder
from shared.clock import Clock, use_zone
from shared.context import new_request_id, request_id_var
from shared.db import Database
from shared.delivery import backlog_metrics, delivery_backlog, events_router
from shared.errors import (
    ProblemError,
    Violation,
    install_error_handlers,
    internal_error_response,
    problem_response,
)
from shared.idempotency import IdempotentReplay
from shared.jobs import jobs_metrics, jobs_router
from shared.logging import configure_logging
from shared.openapi import document_problems
from shared.openapi_docs import add_request_examples, describe_fields
from shared.outbox import outbox_backlog
from shared.platform_tables import PlatformTables
from shared.policy import PolicyRegistry, default_registry
from shared.request_body import BodyLimitedRoute
from shared.settings import PlatformSettings

logger = logging.getLogger("jiuye.http")

# How the readiness problem names each dependency in Chinese.
_DEPENDENCY_ZH = {"database": "数据库", "redis": "消息队列（“Redis”）"}

# The public API's base path (api.md).
API_PREFIX = "/api/v1"
# What `APIRouter.add_api_route` takes besides the path, read once; an APIRoute keeps each as an attribute.
_ROUTE_OPTIONS = tuple(
    name for name in inspect.signature(APIRouter.add_api_route).parameters
    if name not in ("self", "path", "route_class_override")
)

LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)


class RequestContextMiddleware:
    """Sets the request ID, times the request per route and logs one line for it (pure ASGI, cheap)."""

    def __init__(self, app: ASGIApp, histogram: Histogram) -> None:
        self.app = app
        self.histogram = histogram
        self.denied = DeniedRequests()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = None
        for name, value in scope["headers"]:
            if name == b"x-request-id":
                incoming = value.decode("latin-1")
                break
        request_id = incoming if incoming and len(incoming) <= 64 and incoming.isprintable() else new_request_id()
        token = request_id_var.set(request_id)
        status = 500
        started = time.perf_counter()

        started_response = False

        async def send_with_id(message: Message) -> None:
            nonlocal status, started_response
            if message["type"] == "http.response.start":
                status = message["status"]
                started_response = True
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (b"x-request-id", request_id.encode())]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except Exception:
            # Starlette would render this outside our context, without the request ID the
            # message asks the user to quote; render it here while the ID is still set.
            if started_response:
                raise
            logger.exception("unhandled error", extra={"method": scope["method"], "path": scope["path"]})
            await internal_error_response(scope["path"])(scope, receive, send_with_id)
        finally:
            elapsed = time.perf_counter() - started
            route = scope.get("route")
            path = getattr(route, "path", "<unmatched>")
            self.histogram.labels(scope["method"], path, str(status)).observe(elapsed)
            if status >= 500:
                logger.error("request failed", extra={"method": scope["method"], "route": path, "status": status})
            if status in (401, 403):
                await self._record_denied(scope, status)
            request_id_var.reset(token)

    async def _record_denied(self, scope: Scope, status: int) -> None:
        client = scope.get("client")
        address = str(client[0]) if client else None
        left_out = self.denied.admit(address or "")
        app = scope.get("app")
        state: ServiceState | None = getattr(getattr(app, "state", None), "service_state", None)
        if left_out is None or state is None:
            return
        principal = scope.get("state", {}).get("principal")
        try:
            async with asyncio.timeout(2):
                async with state.database.transaction() as session:
                    await self.denied.record(
                        session, state.platform.audit_log, status=status, method=scope["method"],
                        path=scope["path"], client=address, principal=principal, left_out=left_out,
                    )
        except Exception:  # the answer is sent; a denial that cannot be written is only logged
            logger.warning("denied request not written to the audit log", exc_info=True)


@dataclass
class ServiceState:
    """What a running service process holds; reachable as app.state.* in endpoints."""

    service: str
    settings: PlatformSettings
    platform: PlatformTables
    database: Database
    redis: Redis
    policy: PolicyRegistry
    calendar_holder: CalendarHolder
    clock: Clock
    background: list[asyncio.Task[None]] = field(default_factory=list)


StartupHook = Callable[[ServiceState], Awaitable[None]]
# Adds a domain's own metrics to /metrics, in the Prometheus text format; given the state and a session.
MetricsHook = Callable[[ServiceState, AsyncSession], Awaitable[str]]


async def _job_metrics(state: ServiceState, session: AsyncSession) -> str:
    return await jobs_metrics(session, state.platform.job, state.service)


async def _delivery_metrics(state: ServiceState, session: AsyncSession) -> str:
    return backlog_metrics(state.service, await delivery_backlog(session, state.platform.event_delivery))


PEER_URL_SETTINGS = {"registration": "registration_url", "followup": "followup_url",
                     "eligibility": "eligibility_url", "subsidy": "subsidy_url"}


async def _peer_health(settings: PlatformSettings, peer: str) -> str:
    """Says whether a peer service answers /healthz at the URL this service calls it on."""
    setting = PEER_URL_SETTINGS.get(peer)
    if setting is None:
        return "unknown service"
    url = f"{getattr(settings, setting)}/healthz"
    try:
        async with httpx.AsyncClient(timeout=1.0, trust_env=False) as client:
            response = await client.get(url)
    except httpx.HTTPError as exc:
        return f"unreachable at {url}: {type(exc).__name__}"
    return "ok" if response.status_code == 200 else f"unhealthy at {url}: HTTP {response.status_code}"


def _query_names(dependant: Dependant) -> frozenset[str]:
    names: set[str] = set()
    pending = [dependant]
    while pending:
        current = pending.pop()
        for param in current.query_params:
            annotation = param.field_info.annotation
            if isinstance(annotation, type) and issubclass(annotation, BaseModel):
                names.update(f.alias or n for n, f in annotation.model_fields.items())
            else:
                names.add(param.alias)
        pending.extend(current.dependencies)
    return frozenset(names)


_KNOWN_QUERY: dict[int, frozenset[str]] = {}


async def reject_unknown_query(request: Request) -> None:
    """Refuses a query parameter the endpoint does not take (a misspelt `?stauts=` would otherwise list
    everything unfiltered): 422 request.unknown_parameter naming each, with the ones it takes."""
    if not request.query_params:
        return
    route = request.scope.get("route")
    if not isinstance(route, APIRoute):
        return
    known = _KNOWN_QUERY.get(id(route))
    if known is None:
        known = _KNOWN_QUERY[id(route)] = _query_names(route.dependant)
    unknown = [name for name in dict.fromkeys(request.query_params.keys()) if name not in known]
    if unknown:
        accepted = ", ".join(sorted(known)) or "none"
        accepted_zh = "、".join(f"“{name}”" for name in sorted(known)) or "无"
        raise ProblemError(
            422, "request.unknown_parameter", "Unknown query parameter",
            f"The endpoint takes no query parameter {', '.join(unknown)} (it takes: {accepted}).",
            f"该接口不接受查询参数{'、'.join(f'“{name}”' for name in unknown)}（可用：{accepted_zh}）。",
            [
                Violation("SCHEMA-UNKNOWN-PARAMETER", name, f"unknown query parameter {name}",
                          f"不接受的查询参数“{name}”")
                for name in unknown
            ],
        )


BEARER_SCHEME = "bearerAuth"
_OPEN_PATHS = frozenset({"/healthz", "/readyz", "/metrics"})


def _document_bearer_auth(app: FastAPI, service: str) -> None:
    """Adds the bearer-token scheme to the OpenAPI document (Swagger UI's Authorize button) and marks every
    operation but the health checks as needing it; the token itself is checked by shared.auth. The fields are
    described in Chinese and every JSON body gets its example (shared.openapi_docs)."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        schema = add_request_examples(describe_fields(build()), service)
        schema.setdefault("components", {}).setdefault("securitySchemes", {})[BEARER_SCHEME] = {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "JWT",
            "description": (
                "访问令牌 A JWT signed with the configured key: role (citizen, caseworker, reviewer, admin, "
                "system), region and sub (a citizen's sub is their identity number). In development: "
                "python -m services token --role caseworker --region 440203"
            ),
        }
        for path, operations in schema.get("paths", {}).items():
            if path in _OPEN_PATHS:
                continue
            for operation in operations.values():
                if isinstance(operation, dict):
                    operation.setdefault("security", [{BEARER_SCHEME: []}])
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]


def create_service_app(
    service: str,
    *,
    settings: PlatformSettings,
    platform: PlatformTables,
    routers: Sequence[APIRouter],
    title: str,
    description: str,
    database: Database | None = None,
    clock: Clock | None = None,
    configure_logs: bool = True,
    on_startup: Sequence[StartupHook] = (),
    metrics_hooks: Sequence[MetricsHook] = (),
) -> FastAPI:
    """Returns the app of one service; a given `database` or `clock` (tests) is used instead of a new one."""
    if configure_logs:
        configure_logging(service, level=settings.log_level, json_lines=settings.log_json)
    use_zone(settings.timezone)
    registry = CollectorRegistry()
    histogram = Histogram(
        "http_request_duration_seconds", "HTTP request latency by route", ["method", "route", "status"],
        registry=registry, buckets=LATENCY_BUCKETS,
    )

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        use_subject_key(settings.audit_subject_key.get_secret_value())
        db = database or Database.from_url(
            settings.database_url, pool_size=settings.db_pool_size, max_overflow=settings.db_max_overflow
        )
        redis = Redis.from_url(settings.redis_url, socket_connect_timeout=1, socket_timeout=2)
        # Loading the packs validates them: a bad parameter stops the service here, with its name.
        state = ServiceState(
            service, settings, platform, db, redis, default_registry(), CalendarHolder(),
            clock or Clock(settings.timezone),
        )
        await state.calendar_holder.refresh(db, platform.calendar_year)
        state.background.append(
            asyncio.create_task(state.calendar_holder.keep_fresh(db, platform.calendar_year))
        )
        for hook in on_startup:
            await hook(state)
        for name in ("service", "settings", "platform", "database", "redis", "policy", "calendar_holder", "clock"):
            setattr(app.state, name, getattr(state, name))
        app.state.service_state = state
        # Everything built so far (modules, routes, packs, calendars) lives as long as the process: move it
        # out of the collector's sight, so a full collection scans only what requests allocate.
        gc.collect()
        gc.freeze()
        try:
            yield
        finally:
            for task in state.background:
                task.cancel()
            await asyncio.gather(*state.background, return_exceptions=True)
            await redis.aclose()
            if database is None:
                await db.dispose()

    # Our metrics are Prometheus (/metrics) and our traces are request IDs in the logs: FastAPI's own
    # OpenTelemetry hooks are off, so it does not check for providers on every request.
    # FastAPIOffline serves Swagger UI and ReDoc from the assets inside the fastapi-offline package
    # (/static-offline-docs), so /docs works on a machine without internet.
    app = FastAPIOffline(
        title=title, description=description, version="1.0.0", lifespan=lifespan,
        telemetry={"tracing": False, "metrics": False, "logs": False},
        dependencies=[Depends(reject_unknown_query)],
    )
    _document_bearer_auth(app, service)
    install_error_handlers(app)

    async def on_replay(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, IdempotentReplay)
        return exc.response()

    app.add_exception_handler(IdempotentReplay, on_replay)
    app.add_middleware(RequestContextMiddleware, histogram=histogram)

    @app.get("/healthz", tags=["health"])
    async def healthz() -> dict[str, str]:
        """Says the process is alive."""
        return {"status": "ok", "service": service}

    @app.get("/readyz", tags=["health"])
    async def readyz(
        request: Request, only: str | None = None, peers: str | None = None, verbose: bool = False
    ) -> JSONResponse:
        """Checks the database and Redis; `?only=database` lets an orchestrator keep writes flowing
        while Redis is down (the outbox holds the events). `?peers=registration,subsidy` also checks that
        those services answer at their `*_URL` (for an operator; probes leave it off, so that one service
        down does not make the others unready). `?verbose=true` adds the backlog of events not yet
        acknowledged by their subscribers and of dead letters (information only: it does not make the
        service unready)."""
        checks: dict[str, str] = {}
        state: ServiceState = request.app.state.service_state
        try:
            async with asyncio.timeout(2):
                async with state.database.transaction() as session:
                    await session.execute(text("SELECT 1"))
            checks["database"] = "ok"
        except Exception as exc:
            checks["database"] = f"unreachable: {type(exc).__name__}"
        if only != "database":
            try:
                async with asyncio.timeout(1):
                    await state.redis.ping()
                checks["redis"] = "ok"
            except Exception as exc:
                checks["redis"] = f"unreachable: {type(exc).__name__}"
        asked = [p.strip() for p in (peers or "").split(",") if p.strip()]
        unknown = [p for p in asked if p not in PEER_URL_SETTINGS]
        if unknown:
            names = ", ".join(PEER_URL_SETTINGS)
            return problem_response(ProblemError(
                422, "request.invalid", "Invalid request", f"peers takes service names ({names}).",
                f"参数“peers”只接受服务名称（{'、'.join(f'“{n}”' for n in PEER_URL_SETTINGS)}）。",
                [Violation("SCHEMA-ENUM", "peers", f"unknown service {unknown[0][:40]!r}",
                           f"未知的服务“{unknown[0][:40]}”")],
            ), "/readyz")
        for peer in asked:
            checks[f"peer:{peer}"] = await _peer_health(settings, peer)
        extra: dict[str, object] = {}
        if verbose and checks["database"] == "ok":
            async with asyncio.timeout(2):
                async with state.database.transaction() as session:
                    extra["events"] = await delivery_backlog(session, state.platform.event_delivery)
        if all(v == "ok" for v in checks.values()):
            return JSONResponse({"status": "ready", "service": service, **checks, **extra})
        problem = ProblemError(
            503, "service.not_ready", "Not ready", f"Dependencies unreachable: {checks}",
            "依赖服务不可达：" + "，".join(
                f"{_DEPENDENCY_ZH.get(name, '对端服务“' + name.removeprefix('peer:') + '”')}"
                f"{'正常' if state_ == 'ok' else '不可达'}"
                for name, state_ in checks.items()
            ),
        )
        return problem_response(problem, "/readyz")

    @app.get("/metrics", tags=["health"], include_in_schema=False)
    async def metrics(request: Request) -> Response:
        """Prometheus metrics: request latency per route, job counts and failures, outbox backlog."""
        state: ServiceState = request.app.state.service_state
        lines = [generate_latest(registry).decode()]
        try:
            async with asyncio.timeout(1):
                # redis-py types its commands as sync-or-async; on redis.asyncio they are awaitables.
                counts = await state.redis.hgetall(  # type: ignore[misc]
                    f"{settings.queue_prefix}:metrics:{service}"
                )
            lines.append("# HELP jiuye_jobs_total Jobs run by this service's worker by outcome\n"
                         "# TYPE jiuye_jobs_total counter\n")
            for raw_key, raw_value in sorted(counts.items()):
                function, _, outcome = raw_key.decode().rpartition(":")
                lines.append(
                    f'jiuye_jobs_total{{service="{service}",function="{function}",outcome="{outcome}"}} '
                    f"{int(raw_value)}\n"
                )
        except Exception:
            lines.append("# jiuye_jobs_total unavailable: Redis unreachable\n")
        try:
            async with asyncio.timeout(2):
                async with state.database.transaction() as session:
                    pending, age = await outbox_backlog(session, state.platform.outbox)
            lines.append(
                "# HELP jiuye_outbox_pending Events written but not yet relayed to the queue\n"
                "# TYPE jiuye_outbox_pending gauge\n"
                f'jiuye_outbox_pending{{service="{service}"}} {pending}\n'
                "# HELP jiuye_outbox_oldest_pending_seconds Age of the oldest unrelayed event\n"
                "# TYPE jiuye_outbox_oldest_pending_seconds gauge\n"
                f'jiuye_outbox_oldest_pending_seconds{{service="{service}"}} {age:.3f}\n'
            )
        except Exception:
            lines.append("# jiuye_outbox_pending unavailable: database unreachable\n")
        for hook in (_job_metrics, _delivery_metrics, *metrics_hooks):
            try:
                async with asyncio.timeout(2):
                    async with state.database.transaction() as session:
                        lines.append(await hook(state, session))
            except Exception:
                logger.warning("metrics hook failed", exc_info=True)
                lines.append(f"# {getattr(hook, '__name__', 'metrics hook')} unavailable\n")
        return Response("".join(lines), media_type=CONTENT_TYPE_LATEST)

    for router in (jobs_router, events_router, audit_router, *routers):
        include_flat(app, router, API_PREFIX)
    document_problems(app, API_PREFIX)
    return app


def include_flat(app: FastAPI, router: APIRouter, prefix: str) -> None:
    """Adds a domain router's routes to the app itself, each path under `prefix`.

    FastAPI 0.165's `include_router` keeps the router nested and, on every request, matches through it
    route by route, twice: measured at 0.2 ms per request per level of nesting, more than the rest of
    the framework's work. Copied routes are matched by the app's own router, one regex each.
    """
    for route in router.routes:
        if not isinstance(route, APIRoute):
            raise TypeError(f"{route!r}: only path operations can be included flat, not nested routers")
        app.router.add_api_route(
            prefix + route.path, route_class_override=BodyLimitedRoute,
            **{name: getattr(route, name) for name in _ROUTE_OPTIONS},
        )
