"""Shared benchmark harness: backends, uvicorn subprocesses, a load generator in its own process, reports."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import json
import math
import multiprocessing
import os
import platform
import resource
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Protocol
from urllib.parse import urlsplit, urlunsplit

import asyncpg  # type: ignore[import-untyped]
import httpx

REPO_ROOT = Path(__file__).resolve().parents[2]
CONCURRENCY = 32
DEFAULT_DURATION_S = 10.0
DEFAULT_WARMUP_S = 3.0
READY_TIMEOUT_S = 60.0
# Ids kept from a write phase for the read phase that follows it.
MAX_COLLECTED_IDS = 50_000


# Load generation ---------------------------------------------------------------------------------


class RequestSource(Protocol):
    """Makes the i-th request of a run: its path and its JSON body (None for a GET); must be picklable."""

    def request(self, index: int) -> tuple[str, bytes | None]:
        """Returns the path and body of request `index`."""
        ...


@dataclass(frozen=True)
class LoadSpec:
    """What one load phase sends, where, how hard and for how long."""

    name: str
    base_url: str
    method: str
    source: RequestSource
    headers: Mapping[str, str] = field(default_factory=dict)
    concurrency: int = CONCURRENCY
    warmup_s: float = DEFAULT_WARMUP_S
    duration_s: float = DEFAULT_DURATION_S
    # Reads this key from each 2xx JSON reply and returns the values (for a later read phase).
    collect_key: str | None = None
    timeout_s: float = 30.0
    # Load processes sharing the concurrency; process k sends requests k, k+n, k+2n, ...
    processes: int = 1
    process_index: int = 0
    # One AsyncClient with a pool of `concurrency` connections instead of one client per task: httpcore's
    # pool re-examines every connection on each request (encode/httpx#3215), which here cost 2.5x the
    # client CPU per request at 32 connections and made the generator, not the server, the bottleneck.
    shared_pool: bool = False
    # Open loop: this many requests per second over all load processes (at most `concurrency` in flight);
    # None is a closed loop, where each task sends its next request as soon as the last one is answered.
    rate: float | None = None
    # The server process whose CPU time the first load process reads at the measured phase's bounds.
    server_pid: int | None = None
    # "raw": our minimal HTTP/1.1 client (about a tenth of httpx's CPU per request); "httpx": httpx.AsyncClient.
    client: str = "raw"
    # Sends this header with a value unique to each request (e.g. "Idempotency-Key"); None sends none.
    unique_header: str | None = None


@dataclass
class LoadResult:
    """What a load phase measured (latencies in seconds, measured phase only)."""

    name: str
    requests: int
    elapsed_s: float
    latencies_s: list[float]
    errors: int
    error_statuses: dict[str, int]
    error_samples: list[str]
    warmup_requests: int
    warmup_errors: int
    collected: list[str]
    # CPU seconds (user + system) the load processes used during the measured phase.
    client_cpu_s: float = 0.0
    processes: int = 1
    # CPU seconds the server process used during the measured phase (None when it is not ours).
    server_cpu_s: float | None = None
    # CPU seconds all PostgreSQL processes of this machine used during the measured phase (None when the
    # database runs elsewhere or /proc is unreadable).
    database_cpu_s: float | None = None

    @property
    def client_busy(self) -> float:
        """Returns the load processes' mean CPU use in the measured phase (1.0 = one core each)."""
        return self.client_cpu_s / (self.elapsed_s * self.processes) if self.elapsed_s > 0 else 0.0

    @property
    def server_cpu_ms_per_request(self) -> float | None:
        """Returns the server process's CPU milliseconds per request, independent of the load generator."""
        if self.server_cpu_s is None or self.requests == 0:
            return None
        return self.server_cpu_s * 1000.0 / self.requests

    @property
    def database_cpu_ms_per_request(self) -> float | None:
        """Returns the PostgreSQL server's CPU milliseconds per request (all its processes)."""
        if self.database_cpu_s is None or self.requests == 0:
            return None
        return self.database_cpu_s * 1000.0 / self.requests

    @property
    def rps(self) -> float:
        """Returns completed requests per second over the measured phase."""
        return self.requests / self.elapsed_s if self.elapsed_s > 0 else 0.0

    def percentile_ms(self, q: float) -> float:
        """Returns the q-quantile (0..1, nearest rank) of the latencies in milliseconds."""
        if not self.latencies_s:
            return math.nan
        ordered = sorted(self.latencies_s)
        rank = max(1, math.ceil(q * len(ordered)))
        return ordered[rank - 1] * 1000.0

    @property
    def valid(self) -> bool:
        """Tells whether the phase completed requests and none of them failed (warm-up included)."""
        return self.requests > 0 and self.errors == 0 and self.warmup_errors == 0


@dataclass
class _Tally:
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    statuses: Counter[str] = field(default_factory=Counter)
    samples: list[str] = field(default_factory=list)
    collected: list[str] = field(default_factory=list)
    done: int = 0


class _Schedule:
    """Send times of an open-loop phase: `rate` requests per second from `start`, shared by the tasks."""

    def __init__(self, start: float, rate: float) -> None:
        self.start = start
        self.rate = rate
        self.sequence = itertools.count()

    def next_slot(self) -> float:
        """Returns the time the next request is due."""
        return self.start + next(self.sequence) / self.rate


class RawHTTPError(Exception):
    """A connection failure, timeout or unreadable reply seen by `RawClient`."""


@dataclass(slots=True)
class RawResponse:
    """Status and body of one reply."""

    status_code: int
    content: bytes

    def json(self) -> object:
        """Returns the body parsed as JSON."""
        return json.loads(self.content)

    @property
    def text(self) -> str:
        """Returns the body as text."""
        return self.content.decode(errors="replace")


class RawClient:
    """One keep-alive HTTP/1.1 connection that sends a request and reads its reply, nothing more.

    httpx spends about 1 ms of CPU per request here, more than the bare ceiling app's server does, so
    with it the generator, not the server, set the ceilings. This client writes the request bytes
    and reads a Content-Length or chunked reply; it reconnects after an error or `connection: close`.
    """

    def __init__(self, base_url: str, headers: Mapping[str, str], timeout_s: float) -> None:
        parts = urlsplit(base_url)
        self._host = parts.hostname or "127.0.0.1"
        self._port = parts.port or 80
        fixed = {"host": f"{self._host}:{self._port}", **headers}
        self._fixed = "".join(f"{name}: {value}\r\n" for name, value in fixed.items())
        self._timeout_s = timeout_s
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None

    async def request(
        self, method: str, path: str, content: bytes | None = None, headers: Mapping[str, str] | None = None
    ) -> RawResponse:
        """Sends one request and returns its reply; raises RawHTTPError on any transport failure."""
        body = content or b""
        extra = "".join(f"{name}: {value}\r\n" for name, value in headers.items()) if headers else ""
        head = f"{method} {path} HTTP/1.1\r\n{self._fixed}{extra}content-length: {len(body)}\r\n\r\n"
        try:
            async with asyncio.timeout(self._timeout_s):
                if self._writer is None:
                    self._reader, self._writer = await asyncio.open_connection(self._host, self._port)
                assert self._reader is not None
                self._writer.write(head.encode() + body)
                return await self._read_reply(self._reader)
        except (OSError, TimeoutError, asyncio.IncompleteReadError, asyncio.LimitOverrunError,
                ValueError) as exc:
            await self.aclose()
            raise RawHTTPError(f"{type(exc).__name__}: {exc}") from exc

    async def _read_reply(self, reader: asyncio.StreamReader) -> RawResponse:
        header_block = await reader.readuntil(b"\r\n\r\n")
        lines = header_block.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        length: int | None = None
        chunked = close = False
        for line in lines[1:]:
            name, _, value = line.partition(":")
            name = name.strip().lower()
            if name == "content-length":
                length = int(value)
            elif name == "transfer-encoding":
                chunked = "chunked" in value.lower()
            elif name == "connection":
                close = "close" in value.lower()
        if chunked:
            parts = []
            while size := int((await reader.readuntil(b"\r\n")).split(b";")[0], 16):
                parts.append((await reader.readexactly(size + 2))[:-2])
            await reader.readuntil(b"\r\n")
            content = b"".join(parts)
        else:
            content = await reader.readexactly(length or 0)
        if close:
            await self.aclose()
        return RawResponse(status, content)

    async def aclose(self) -> None:
        """Closes the connection; the next request opens a new one."""
        writer, self._reader, self._writer = self._writer, None, None
        if writer is not None:
            writer.close()
            with contextlib.suppress(OSError):
                await writer.wait_closed()

    async def __aenter__(self) -> RawClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()


async def _worker(
    client: httpx.AsyncClient | RawClient, spec: LoadSpec, counter: Iterator[int], deadline: float, tally: _Tally,
    schedule: _Schedule | None, run_token: str,
) -> None:
    perf = time.perf_counter
    while True:
        if schedule is None:
            if perf() >= deadline:
                return
            started = perf()
        else:
            # Latency counts from the due time, so waiting for a free task counts too (no coordinated omission).
            started = schedule.next_slot()
            if started >= deadline:
                return
            delay = started - perf()
            if delay > 0:
                await asyncio.sleep(delay)
        index = next(counter)
        path, body = spec.source.request(index)
        unique = {spec.unique_header: f"{run_token}-{index}"} if spec.unique_header else None
        try:
            response = await client.request(spec.method, path, content=body, headers=unique)
        except (httpx.HTTPError, RawHTTPError) as exc:
            elapsed = perf() - started
            key = type(exc).__name__
            tally.errors += 1
            tally.statuses[key] += 1
            if len(tally.samples) < 5:
                tally.samples.append(f"{spec.method} {path} -> {key}: {exc}")
        else:
            elapsed = perf() - started
            if 200 <= response.status_code < 300:
                if spec.collect_key is not None and len(tally.collected) < MAX_COLLECTED_IDS:
                    reply = response.json()
                    assert isinstance(reply, dict)
                    tally.collected.append(str(reply[spec.collect_key]))
            else:
                tally.errors += 1
                tally.statuses[str(response.status_code)] += 1
                if len(tally.samples) < 5:
                    tally.samples.append(
                        f"{spec.method} {path} -> {response.status_code}: {response.text[:400]}"
                    )
        tally.latencies.append(elapsed)
        tally.done += 1


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


async def _drive(spec: LoadSpec) -> LoadResult:
    headers = {"content-type": "application/json", **spec.headers}
    counter = itertools.count(spec.process_index, spec.processes)
    extra = spec.process_index < spec.concurrency % spec.processes
    tasks = max(1, spec.concurrency // spec.processes + extra)
    per_client = tasks if spec.shared_pool else 1
    limits = httpx.Limits(max_connections=per_client, max_keepalive_connections=per_client)
    async with contextlib.AsyncExitStack() as stack:
        clients: list[httpx.AsyncClient] | list[RawClient]
        if spec.client == "raw":
            clients = [await stack.enter_async_context(RawClient(spec.base_url, headers, spec.timeout_s))
                       for _ in range(tasks)]
        else:
            clients = [
                await stack.enter_async_context(httpx.AsyncClient(
                    base_url=spec.base_url, limits=limits, headers=headers, timeout=spec.timeout_s,
                    http2=False))
                for _ in range(1 if spec.shared_pool else tasks)
            ]
        rate = spec.rate / spec.processes if spec.rate else None
        warm = _Tally()
        warm_start = time.perf_counter()
        warm_schedule = _Schedule(warm_start, rate) if rate else None
        # Unique per phase and process, so keys of earlier runs and phases never collide.
        run_token = f"{secrets.token_hex(6)}-{spec.process_index}"
        await asyncio.gather(*(
            _worker(clients[n % len(clients)], spec, counter, warm_start + spec.warmup_s, warm, warm_schedule,
                    run_token)
            for n in range(tasks)
        ))
        tally = _Tally()
        tally.collected = warm.collected
        watch = spec.server_pid if spec.process_index == 0 else None
        server_before = process_cpu_seconds(watch) if watch else None
        database_before = postgres_cpu_seconds() if watch else None
        cpu_before = _cpu_seconds()
        started = time.perf_counter()
        deadline = started + spec.duration_s
        schedule = _Schedule(started, rate) if rate else None
        await asyncio.gather(*(_worker(clients[n % len(clients)], spec, counter, deadline, tally, schedule,
                                       run_token)
                               for n in range(tasks)))
        # Requests started before the deadline are counted, so the time they took is counted too.
        elapsed = time.perf_counter() - started
        client_cpu = _cpu_seconds() - cpu_before
        server_after = process_cpu_seconds(watch) if watch else None
        database_after = postgres_cpu_seconds() if watch else None
    statuses = dict(tally.statuses)
    for key, count in warm.statuses.items():
        statuses[f"{key} (warm-up)"] = count
    return LoadResult(
        name=spec.name, requests=tally.done, elapsed_s=elapsed, latencies_s=tally.latencies,
        errors=tally.errors, error_statuses=statuses, error_samples=warm.samples + tally.samples,
        warmup_requests=warm.done, warmup_errors=warm.errors, collected=tally.collected,
        client_cpu_s=client_cpu,
        server_cpu_s=None if server_before is None or server_after is None else server_after - server_before,
        database_cpu_s=(
            None if database_before is None or database_after is None else database_after - database_before
        ),
    )


def _load_process_main(spec: LoadSpec, connection: Connection) -> None:
    try:
        import uvloop

        result = uvloop.run(_drive(spec))
        connection.send(result)
    except BaseException as exc:
        connection.send(RuntimeError(f"load generator failed: {type(exc).__name__}: {exc}"))
        raise
    finally:
        connection.close()


def _merge(name: str, parts: Sequence[LoadResult]) -> LoadResult:
    statuses: Counter[str] = Counter()
    for part in parts:
        statuses.update(part.error_statuses)
    return LoadResult(
        name=name,
        requests=sum(p.requests for p in parts),
        elapsed_s=max(p.elapsed_s for p in parts),
        latencies_s=[x for p in parts for x in p.latencies_s],
        errors=sum(p.errors for p in parts),
        error_statuses=dict(statuses),
        error_samples=[x for p in parts for x in p.error_samples][:10],
        warmup_requests=sum(p.warmup_requests for p in parts),
        warmup_errors=sum(p.warmup_errors for p in parts),
        collected=[x for p in parts for x in p.collected][:MAX_COLLECTED_IDS],
        client_cpu_s=sum(p.client_cpu_s for p in parts),
        processes=len(parts),
        server_cpu_s=parts[0].server_cpu_s,
        database_cpu_s=parts[0].database_cpu_s,
    )


def run_load(spec: LoadSpec, server: ServerProcess | None = None) -> LoadResult:
    """Runs one load phase in separate (spawned) processes and returns what they measured together,
    with the CPU time `server` used during the measured phase."""
    if server is not None and server.pid is not None:
        spec = replace(spec, server_pid=server.pid)
    context = multiprocessing.get_context("spawn")
    running: list[tuple[multiprocessing.context.SpawnProcess, Connection]] = []
    for index in range(spec.processes):
        receiver, sender = context.Pipe(duplex=False)
        part = replace(spec, process_index=index)
        process = context.Process(
            target=_load_process_main, args=(part, sender), name=f"load-{spec.name}-{index}"
        )
        process.start()
        sender.close()
        running.append((process, receiver))
    parts: list[LoadResult] = []
    failure: BaseException | None = None
    for child, receiver in running:
        try:
            outcome: LoadResult | BaseException = receiver.recv()
        except EOFError:
            outcome = RuntimeError(f"a load process for {spec.name} died")
        finally:
            receiver.close()
        child.join()
        if isinstance(outcome, BaseException):
            failure = failure or outcome
        else:
            parts.append(outcome)
    if failure is not None:
        raise failure
    return _merge(spec.name, parts)


# Servers -----------------------------------------------------------------------------------------


def process_cpu_seconds(pid: int) -> float | None:
    """Returns the user + system CPU seconds a process has used so far (Linux /proc), None elsewhere."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except OSError:
        return None
    # Fields 14 and 15 of /proc/<pid>/stat (utime, stime), counted after the ")" that ends comm.
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def postgres_cpu_seconds() -> float | None:
    """Returns the CPU seconds used so far by the PostgreSQL processes of this machine, including
    backends that have exited (their time is in the postmaster's children fields); None if there are
    none to read (a database on another host)."""
    total, found = 0, False
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if (entry / "comm").read_text().strip() != "postgres":
                continue
            fields = (entry / "stat").read_text().rpartition(")")[2].split()
        except OSError:
            continue
        found = True
        # utime, stime, cutime, cstime: fields 14-17 of /proc/<pid>/stat.
        total += sum(int(x) for x in fields[11:15])
    return total / os.sysconf("SC_CLK_TCK") if found else None


def free_port() -> int:
    """Returns a TCP port that is free on 127.0.0.1 right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class ServerProcess:
    """One uvicorn process (one worker, uvloop + httptools, no access log) started and stopped by us."""

    def __init__(
        self, name: str, app: str, env: Mapping[str, str], log_dir: Path, *, port: int | None = None,
        profile_path: Path | None = None,
    ) -> None:
        self.name = name
        self.app = app
        self.port = port or free_port()
        self.env = env
        self.log_path = log_dir / f"{name}.log"
        # Runs the server under cProfile, which writes its statistics here when the server stops.
        self.profile_path = profile_path
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        """Returns the base URL of the server."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int | None:
        """Returns the server's pid while it runs."""
        return self._process.pid if self._process is not None else None

    def start(self, timeout: float = READY_TIMEOUT_S) -> None:
        """Starts uvicorn and waits until GET /healthz (or any HTTP reply) shows it is serving."""
        profiler = ["-m", "cProfile", "-o", str(self.profile_path)] if self.profile_path else []
        argv = [
            sys.executable, *profiler, "-m", "uvicorn", self.app, "--factory",
            "--host", "127.0.0.1", "--port", str(self.port),
            "--loop", "uvloop", "--http", "httptools", "--no-access-log", "--log-level", "warning",
        ]
        with self.log_path.open("wb") as log:
            self._process = subprocess.Popen(
                argv, cwd=REPO_ROOT, env={**os.environ, **self.env, "PYTHONUNBUFFERED": "1"},
                stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, process_group=0,
            )
        deadline = time.monotonic() + timeout
        with httpx.Client(timeout=1.0) as client:
            while True:
                if self._process.poll() is not None:
                    code = self._process.returncode
                    raise RuntimeError(f"{self.name} exited with code {code}:\n{self.log_tail()}")
                with contextlib.suppress(httpx.HTTPError):
                    if client.get(f"{self.url}/healthz").status_code < 500:
                        return
                if time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError(f"{self.name} did not answer within {timeout:g} s:\n{self.log_tail()}")
                time.sleep(0.2)

    def stop(self) -> None:
        """Asks the server's process group to stop, then sends SIGKILL if it does not stop in 10 s."""
        process = self._process
        if process is None:
            return
        self._process = None
        if process.poll() is None:
            # uvicorn re-raises the stop signal after shutting down; SIGINT unwinds as KeyboardInterrupt,
            # through cProfile's finally clause that writes the profile, where SIGTERM would just kill it.
            stop_signal = signal.SIGINT if self.profile_path else signal.SIGTERM
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, stop_signal)
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait(5)

    def log_tail(self, lines: int = 30) -> str:
        """Returns the last lines of the server's output."""
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"


# Backends ----------------------------------------------------------------------------------------


def asyncpg_dsn(url: str) -> str:
    """Returns a plain postgresql:// DSN for asyncpg from a SQLAlchemy or plain PostgreSQL URL."""
    for prefix in ("postgresql+asyncpg://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql://" + url[len(prefix):]
    return url


def _with_database(url: str, database: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{database}", parts.query, parts.fragment))


@dataclass
class Backends:
    """Where the benchmark's database and Redis are and whether they are embedded."""

    database_url: str
    redis_url: str
    embedded_database: bool
    embedded_redis: bool
    scratch_database: str | None
    work_dir: Path

    @property
    def dsn(self) -> str:
        """Returns the asyncpg DSN of the database."""
        return asyncpg_dsn(self.database_url)


async def _admin(dsn: str, sql: str) -> None:
    connection = await asyncpg.connect(dsn)
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


@contextlib.contextmanager
def backends(*, scratch: bool, migrate: bool = True) -> Iterator[Backends]:
    """Yields DATABASE_URL / REDIS_URL (a fresh scratch database on that server unless `scratch` is
    False), or embedded servers in a temporary folder; applies migrations; cleans up afterwards."""
    with contextlib.ExitStack() as stack:
        work_dir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="jiuye-bench-")))
        database_url = os.environ.get("DATABASE_URL", "").strip()
        redis_url = os.environ.get("REDIS_URL", "").strip()
        embedded_db, embedded_redis = not database_url, not redis_url
        scratch_name: str | None = None
        if embedded_db or embedded_redis:
            from services.embedded import EmbeddedPostgres, EmbeddedRedis

            if embedded_db:
                print(f"DATABASE_URL unset: starting embedded PostgreSQL in {work_dir / 'pg'}", flush=True)
                postgres = EmbeddedPostgres(work_dir / "pg")
                database_url = postgres.start()
                stack.callback(postgres.stop)
            if embedded_redis:
                redis = EmbeddedRedis(work_dir / "redis")
                redis_url = redis.start()
                stack.callback(redis.stop)
        elif scratch:
            # A database of our own: the runs start from empty tables and leave nothing behind.
            scratch_name = f"jiuye_bench_{secrets.token_hex(4)}"
            admin_dsn = asyncpg_dsn(database_url)
            asyncio.run(_admin(admin_dsn, f'CREATE DATABASE "{scratch_name}"'))
            drop = f'DROP DATABASE IF EXISTS "{scratch_name}" WITH (FORCE)'
            stack.callback(lambda: asyncio.run(_admin(admin_dsn, drop)))
            database_url = _with_database(database_url, scratch_name)
        if migrate:
            from services.migrate import upgrade_all

            print("applying migrations", flush=True)
            upgrade_all(database_url)
        yield Backends(database_url, redis_url, embedded_db, embedded_redis, scratch_name, work_dir)


def server_env(found: Backends, signing_key: str) -> dict[str, str]:
    """Returns the environment every server of a run gets (same database, Redis and signing key)."""
    return {
        "DATABASE_URL": found.database_url,
        "REDIS_URL": found.redis_url,
        "JWT_SIGNING_KEY": signing_key,
        "APP_ENV": "dev",
        "LOG_JSON": "true",
        # Our own queues: parallel runs and other engineers' workers never see the benchmark's events.
        "QUEUE_PREFIX": f"bench-{secrets.token_hex(4)}",
    }


# Reporting ---------------------------------------------------------------------------------------


async def _server_version(dsn: str) -> str:
    connection = await asyncpg.connect(dsn)
    try:
        version: str = await connection.fetchval("SHOW server_version")
        return version
    finally:
        await connection.close()


def database_version(dsn: str) -> str:
    """Returns the PostgreSQL server version, or why it could not be read."""
    try:
        return asyncio.run(_server_version(dsn))
    except Exception as exc:
        return f"unknown ({type(exc).__name__})"


def _cpu_model() -> str:
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.partition(":")[2].strip()
    return platform.processor() or "unknown"


def machine_lines(
    *, database: str, redis: str, pg_version: str, load_before: Sequence[float], args: argparse.Namespace
) -> list[str]:
    """Returns the lines describing where the benchmark ran (`load_before`: os.getloadavg() at the start)."""
    avg = ", ".join(f"{x:.2f}" for x in load_before)
    load = "a separate process" if args.load_processes == 1 else f"{args.load_processes} separate processes"
    pool = "one shared pool" if args.shared_pool else "one client per task"
    client = ("httpx.AsyncClient" if args.client == "httpx"
              else "tests/perf RawClient (minimal HTTP/1.1)")
    mode = f"open loop at {args.rate:g} req/s" if args.rate else "closed loop"
    return [
        f"platform     {platform.platform()}",
        f"cpu          {os.cpu_count()} logical CPUs, {_cpu_model()}",
        f"load avg     {avg} (before the run; other work on the machine skews the figures)",
        f"python       {platform.python_implementation()} {platform.python_version()}",
        f"postgresql   {pg_version}, {database}",
        f"redis        {redis}",
        "servers      uvicorn, 1 worker process each, uvloop + httptools, no access log",
        f"load         {client} (HTTP/1.1 keep-alive, uvloop) in {load}, "
        f"{CONCURRENCY} concurrent tasks on {CONCURRENCY} connections ({pool}), {mode}",
    ]


SATURATED = 0.85


def print_profile(path: Path, limit: int = 30) -> None:
    """Prints the functions with the most own time and the most cumulative time from a cProfile dump."""
    import pstats

    if not path.exists():
        print(f"(no profile written to {path})")
        return
    for order in ("tottime", "cumulative"):
        print(f"--- server profile by {order} ({path}) ---")
        pstats.Stats(str(path), stream=sys.stdout).strip_dirs().sort_stats(order).print_stats(limit)


def phase_line(result: LoadResult) -> str:
    """Returns one line with a phase's throughput, latency quantiles, errors and CPU use."""
    flag = "" if result.valid else "   INVALID (errors)"
    server = result.server_cpu_ms_per_request
    server_text = f"server {server:.3f} cpu-ms/req" if server is not None else "server cpu n/a"
    database = result.database_cpu_ms_per_request
    if database is not None:
        server_text += f"  postgres {database:.3f}"
    busy = f"client cpu {result.client_busy:.0%}" + (" SATURATED" if result.client_busy >= SATURATED else "")
    return (
        f"{result.name:<26} {result.rps:8.1f} req/s  n={result.requests:<6} "
        f"p50 {result.percentile_ms(0.50):6.2f}  p90 {result.percentile_ms(0.90):6.2f}  "
        f"p99 {result.percentile_ms(0.99):7.2f}  max {result.percentile_ms(1.0):7.2f} ms  "
        f"errors {result.errors}  {server_text}  {busy}{flag}"
    )


def print_phase(result: LoadResult) -> None:
    """Prints a phase's line and, if it had errors, what they were."""
    print(phase_line(result), flush=True)
    if result.client_busy >= SATURATED:
        print("    the load generator was CPU-bound: the throughput is a floor of what the server can do "
              "(compare server cpu-ms/req)")
    if result.error_statuses:
        print(f"    errors by status: {json.dumps(result.error_statuses)}")
        for sample in result.error_samples:
            print(f"    e.g. {sample}")


def print_table(rows: Sequence[Sequence[str]]) -> None:
    """Prints rows as a left-aligned table whose first row is the header."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for n, row in enumerate(rows):
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())
        if n == 0:
            print("  ".join("-" * width for width in widths))


# Command line ------------------------------------------------------------------------------------


def add_common_arguments(parser: argparse.ArgumentParser) -> None:
    """Adds --duration, --warmup, --url and --in-place to a benchmark's parser."""
    parser.add_argument("--duration", type=float, default=DEFAULT_DURATION_S, metavar="SECONDS",
                        help=f"measured time per phase (default {DEFAULT_DURATION_S:g})")
    parser.add_argument("--warmup", type=float, default=DEFAULT_WARMUP_S, metavar="SECONDS",
                        help=f"unmeasured warm-up per phase (default {DEFAULT_WARMUP_S:g})")
    parser.add_argument("--url", metavar="BASE_URL",
                        help="use this already running service instead of starting one (its signing key "
                             "must be JWT_SIGNING_KEY of this shell; the ceiling uses DATABASE_URL, which "
                             "should be the service's database, as is)")
    parser.add_argument("--rate", type=float, metavar="REQ_PER_S",
                        help="open loop: send this many requests per second (at most 32 in flight) and "
                             "measure latency from each request's due time; default: closed loop")
    parser.add_argument("--load-processes", type=int, default=1, metavar="N",
                        help="split the 32 concurrent clients over N load processes (default 1)")
    parser.add_argument("--client", choices=("raw", "httpx"), default="raw",
                        help="load generator: our minimal HTTP/1.1 client (default) or httpx.AsyncClient")
    parser.add_argument("--shared-pool", action="store_true",
                        help="one httpx.AsyncClient with a 32-connection pool instead of one client per task")
    parser.add_argument("--profile", metavar="FILE", type=Path,
                        help="run the service under cProfile (slower: for finding hot spots, not for "
                             "figures), dump the statistics to FILE and print the top functions")
    parser.add_argument("--service-env", action="append", default=[], metavar="NAME=VALUE",
                        help="extra environment for the service process, e.g. DB_POOL_SIZE=32 (repeatable)")
    parser.add_argument("--in-place", action="store_true",
                        help="with DATABASE_URL, run in that database instead of a scratch database "
                             "created on its server and dropped afterwards")


def service_env(args: argparse.Namespace) -> dict[str, str]:
    """Returns the NAME=VALUE pairs of --service-env as a mapping."""
    pairs: dict[str, str] = {}
    for item in args.service_env:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise SystemExit(f"--service-env takes NAME=VALUE, got {item!r}")
        pairs[name] = value
    return pairs


def signing_key(args: argparse.Namespace) -> str:
    """Returns the key tokens are signed with: JWT_SIGNING_KEY for --url, else a fresh random one."""
    if args.url:
        from shared.settings import PlatformSettings

        return PlatformSettings().jwt_signing_key.get_secret_value()
    return os.environ.get("JWT_SIGNING_KEY") or secrets.token_urlsafe(48)


def bearer_header(role: str, region: str, key: str) -> dict[str, str]:
    """Returns an Authorization header with a token signed with `key`, valid for two hours."""
    from pydantic import SecretStr

    from shared.auth import issue_token
    from shared.settings import PlatformSettings

    settings = PlatformSettings(jwt_signing_key=SecretStr(key))
    return {"Authorization": f"Bearer {issue_token(role, region, f'bench-{role}', 7200, settings)}"}
