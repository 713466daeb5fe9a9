"""The `python -m services` command line and the launcher's process supervision, with real processes."""

from __future__ import annotations

import io
import itertools
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import jwt
import psutil
import pytest

from services.launcher import (
    ChildSpec,
    LaunchError,
    Supervisor,
    describe_exit,
    parse_only,
    plan,
    redact,
    service_port,
)
from shared.settings import PlatformSettings

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def data_root() -> Iterator[Path]:
    """A scratch folder outside /tmp/pytest-of-<user>, whose 0700 mode pytest restores whenever a
    session starts: as root, pgserver runs PostgreSQL as its own user, which must traverse the path."""
    root = Path(tempfile.mkdtemp(prefix="jiuye-embedded-test-"))
    yield root
    shutil.rmtree(root, ignore_errors=True)


def _run_cli(
    *args: str, env: dict[str, str] | None = None, timeout: float = 30
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "services", *args],
        capture_output=True, text=True, timeout=timeout, cwd=REPO, env=env,
    )


def _wait_for(predicate: Callable[[], bool], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.05)


def _alive(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def _py(code: str) -> list[str]:
    return [sys.executable, "-c", textwrap.dedent(code)]


SLEEPER = _py(
    """
    import os, time
    print(f"hello from {os.getpid()}", flush=True)
    time.sleep(60)
    """
)


@pytest.fixture
def supervisor() -> Iterator[tuple[Supervisor, io.StringIO]]:
    out = io.StringIO()
    sup = Supervisor(out, color=False, name_width=12, grace_seconds=2.0)
    yield sup, out
    sup.shutdown()


class TestTokenCommand:
    def test_prints_a_token_that_the_platform_decodes(self) -> None:
        from shared.auth import decode_token

        result = _run_cli(
            "token", "--role", "caseworker", "--region", "440203", "--sub", "cw-7", "--ttl", "120"
        )
        assert result.returncode == 0, result.stderr
        token = result.stdout.strip()
        principal = decode_token(token, PlatformSettings())
        assert (principal.sub, principal.role.value, principal.region) == ("cw-7", "caseworker", "440203")
        claims = jwt.decode(token, options={"verify_signature": False})
        assert claims["exp"] - claims["iat"] == 120

    def test_an_employer_token_carries_its_credit_code(self) -> None:
        from shared.auth import decode_token

        result = _run_cli("token", "--role", "employer", "--region", "440203", "--sub", "91440300708461136T")
        assert result.returncode == 0, result.stderr
        principal = decode_token(result.stdout.strip(), PlatformSettings())
        assert (principal.sub, principal.role.value) == ("91440300708461136T", "employer")

    def test_subject_defaults_to_the_role(self) -> None:
        result = _run_cli("token", "--role", "system", "--region", "44")
        assert result.returncode == 0, result.stderr
        assert jwt.decode(result.stdout.strip(), options={"verify_signature": False})["sub"] == "dev-system"


class TestTokenCommandRejectsBadInput:
    @pytest.mark.parametrize(
        ("args", "message"),
        [
            (("--role", "boss", "--region", "44"), "invalid choice: 'boss'"),
            (("--role", "admin", "--region", "44020"), "'44020' is not an administrative-division code"),
            (("--role", "admin", "--region", "44020312"), "is not an administrative-division code"),
            (("--role", "admin", "--region", "4a"), "is not an administrative-division code"),
            (("--role", "admin", "--region", "44", "--ttl", "0"), "'0' is not a positive number of seconds"),
            (("--region", "44",), "the following arguments are required: --role"),
            (("--role", "employer", "--region", "440203", "--sub", "acme"), "unified social credit code"),
        ],
    )
    def test_exits_2_with_a_clear_message(self, args: tuple[str, ...], message: str) -> None:
        result = _run_cli("token", *args)
        assert result.returncode == 2
        assert message in result.stderr
        assert result.stdout == ""


class TestHelp:
    def test_no_arguments_prints_help(self) -> None:
        result = _run_cli()
        assert result.returncode == 0
        for command in ("up", "migrate", "token"):
            assert re.search(rf"^\s+{command}\s", result.stdout, re.MULTILINE), result.stdout


class TestPlan:
    def test_four_apis_four_workers_and_the_scheduler(self, monkeypatch: pytest.MonkeyPatch) -> None:
        for name in ("REGISTRATION", "FOLLOWUP", "ELIGIBILITY", "SUBSIDY"):
            monkeypatch.delenv(f"{name}_PORT", raising=False)
        monkeypatch.setenv("FOLLOWUP_PORT", "9102")
        specs = plan(parse_only(None), {"DATABASE_URL": "postgresql+asyncpg://x/y"})
        assert [s.name for s in specs] == [
            "registration-api", "followup-api", "eligibility-api", "subsidy-api",
            "registration-worker", "followup-worker", "eligibility-worker", "subsidy-worker", "scheduler",
        ]
        followup = specs[1].argv
        assert followup[:3] == [sys.executable, "-m", "uvicorn"]
        assert "services.followup.app:create_app" in followup and "--factory" in followup
        assert followup[followup.index("--port") + 1] == "9102"
        assert specs[0].argv[specs[0].argv.index("--port") + 1] == "8001"
        # Workers and the scheduler run through the runner that waits out a Redis outage, not `arq` itself.
        assert specs[4].argv == [
            sys.executable, "-m", "services.run_worker", "services.registration.worker.WorkerSettings"
        ]
        assert specs[8].argv == [sys.executable, "-m", "services.run_worker", "services.scheduler.WorkerSettings"]
        assert all(s.env["DATABASE_URL"] == "postgresql+asyncpg://x/y" for s in specs)

    def test_only_selects_a_subset(self) -> None:
        names = [s.name for s in plan(parse_only("subsidy,registration"), {})]
        assert names == ["registration-api", "subsidy-api", "registration-worker", "subsidy-worker"]

    def test_only_rejects_unknown_names(self) -> None:
        with pytest.raises(LaunchError, match="unknown: billing"):
            parse_only("registration,billing")

    def test_a_bad_port_override_is_refused(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("SUBSIDY_PORT", "80x")
        with pytest.raises(LaunchError, match="SUBSIDY_PORT"):
            service_port("subsidy")


class TestSupervisorOutput:
    def test_each_line_is_prefixed_with_the_fixed_width_process_name(
        self, supervisor: tuple[Supervisor, io.StringIO]
    ) -> None:
        sup, out = supervisor
        two_lines = "print('one'); print('two', flush=True); import time; time.sleep(60)"
        sup.start(ChildSpec("alpha", _py(two_lines)))
        sup.start(ChildSpec("beta-worker", SLEEPER))
        _wait_for(lambda: "two" in out.getvalue() and "hello from" in out.getvalue())
        lines = out.getvalue().splitlines()
        assert "alpha        | one" in lines
        assert "alpha        | two" in lines
        assert any(re.fullmatch(r"beta-worker  \| hello from \d+", line) for line in lines)

    def test_colour_only_when_asked(self) -> None:
        plain = Supervisor(io.StringIO(), color=False, name_width=8)
        coloured = Supervisor(io.StringIO(), color=True, name_width=8)
        assert plain.prefix("followup-api", "followup") == "followup-api |"
        assert coloured.prefix("followup-api", "followup").startswith("\033[")
        assert "followup-api |" in coloured.prefix("followup-api", "followup")


# A process that writes "<name> got SIGTERM" to a record file when SIGTERM comes, then exits; with
# "spawn" it first starts a grandchild of the supervisor running the same script.
SIGTERM_REPORTER = textwrap.dedent(
    """
    import os, signal, subprocess, sys, time

    name, record = sys.argv[1], sys.argv[2]

    def stop(signum, frame):
        with open(record, "a") as f:
            f.write(f"{name} got SIGTERM\\n")
        sys.exit(0)

    signal.signal(signal.SIGTERM, stop)
    if sys.argv[3:] == ["spawn"]:
        subprocess.Popen([sys.executable, __file__, "grandchild", record])
    print(f"{name} ready {os.getpid()}", flush=True)
    time.sleep(60)
    """
)


class TestSupervisorShutdown:
    def test_sigterm_reaches_children_and_their_own_children(
        self, supervisor: tuple[Supervisor, io.StringIO], tmp_path: Path
    ) -> None:
        sup, out = supervisor
        script, record = tmp_path / "reporter.py", tmp_path / "sigterm.txt"
        script.write_text(SIGTERM_REPORTER)
        sup.start(ChildSpec("parent", [sys.executable, str(script), "parent", str(record), "spawn"]))
        sup.start(ChildSpec("sleeper", [sys.executable, str(script), "sleeper", str(record)]))
        # Each says "ready" once its handler is installed; the grandchild writes to the parent's output.
        _wait_for(lambda: all(f"{name} ready" in out.getvalue() for name in ("parent", "grandchild", "sleeper")))
        grandchild = int(re.search(r"grandchild ready (\d+)", out.getvalue()).group(1))  # type: ignore[union-attr]
        pids = [*sup.pids, grandchild]
        assert all(_alive(pid) for pid in pids)
        assert all(os.getpgid(pid) == pid for pid in sup.pids)  # each child leads its own group
        assert os.getpgid(grandchild) == sup.pids[0]

        sup.shutdown()
        # By the time shutdown returns, every process has handled SIGTERM and is gone, and none needed the
        # SIGKILL that follows the grace period. (No time bound: pytest-timeout catches a hang.)
        assert sorted(record.read_text().splitlines()) == [
            "grandchild got SIGTERM", "parent got SIGTERM", "sleeper got SIGTERM"
        ]
        assert [pid for pid in pids if _alive(pid)] == []
        assert "killing it" not in out.getvalue()

    def test_a_child_ignoring_sigterm_is_killed_after_the_grace_period(
        self, supervisor: tuple[Supervisor, io.StringIO]
    ) -> None:
        sup, out = supervisor
        stubborn = _py(
            """
            import signal, time
            signal.signal(signal.SIGTERM, signal.SIG_IGN)
            print("ignoring SIGTERM", flush=True)
            time.sleep(60)
            """
        )
        sup.start(ChildSpec("stubborn", stubborn))
        _wait_for(lambda: "ignoring SIGTERM" in out.getvalue())
        started = time.monotonic()
        sup.shutdown()
        elapsed = time.monotonic() - started
        assert 2.0 <= elapsed < 6.0
        assert not _alive(sup.pids[0])
        assert "stubborn did not stop within 2 s; killing it" in out.getvalue()

    def test_a_child_exiting_on_its_own_is_restarted_with_backoff_and_the_others_keep_running(
        self, tmp_path: Path
    ) -> None:
        out = io.StringIO()
        sup = Supervisor(out, color=False, name_width=12, grace_seconds=2.0,
                         restart_first_delay=0.2, restart_max_delay=0.4, restart_stable_seconds=30.0)
        starts = tmp_path / "starts.txt"
        crasher = _py(
            f"""
            import sys, time
            with open({str(starts)!r}, "a") as f:
                f.write(f"{{time.monotonic()}}\\n")
            time.sleep(0.1)
            sys.exit(3)
            """
        )
        try:
            sup.start(ChildSpec("steady", SLEEPER))
            sup.start(ChildSpec("crasher", crasher))
            steady = sup.pids[0]
            stopper = threading.Timer(3.0, sup.stop_requested.set)
            stopper.start()
            assert sup.run_until_stopped(poll_seconds=0.02) == 0
            stopper.join()
            log = out.getvalue()
            assert "crasher exited unexpectedly (code 3); restarting it in 0.2 s (exit 1 in a row)" in log
            assert "restarting it in 0.4 s (exit 2 in a row)" in log
            # The delay is capped: the third and later exits wait 0.4 s too.
            assert "restarting it in 0.4 s (exit 3 in a row)" in log
            assert "restarting it in 0.8" not in log
            assert "stopping everything" not in log
            times = [float(t) for t in starts.read_text().split()]
            gaps = [b - a for a, b in itertools.pairwise(times)]
            assert len(times) >= 4 and gaps[0] >= 0.3 and all(g >= 0.5 for g in gaps[1:])
            assert _alive(steady) and sup.pids[0] == steady
        finally:
            sup.shutdown()
        assert [pid for pid in sup.pids if _alive(pid)] == []


class TestRedact:
    @pytest.mark.parametrize(
        ("url", "shown"),
        [
            ("postgresql+asyncpg://jiuye:s3cret@db:5432/jiuye", "postgresql+asyncpg://jiuye:***@db:5432/jiuye"),
            ("redis://:s3cret@cache:6379/0", "redis://:***@cache:6379/0"),
            ("postgresql+asyncpg://postgres@/jiuye?host=/x/pg", "postgresql+asyncpg://postgres@/jiuye?host=/x/pg"),
        ],
    )
    def test_passwords_are_never_printed(self, url: str, shown: str) -> None:
        assert redact(url) == shown


class TestExitDescription:
    def test_codes_and_signals_read_plainly(self) -> None:
        assert describe_exit(3) == "code 3"
        assert describe_exit(0) == "code 0"
        assert describe_exit(-signal.SIGKILL) == "killed by SIGKILL"


class TestSupervisorSignals:
    @pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
    def test_ctrl_c_or_sigterm_stops_every_child_and_exits_0(self, signum: int) -> None:
        script = textwrap.dedent(
            """
            import sys
            from services.launcher import ChildSpec, Supervisor
            sup = Supervisor(sys.stdout, name_width=8)
            sup.install_signal_handlers()
            for name in ("one", "two"):
                sup.start(ChildSpec(name, [sys.executable, "-c", "import time; time.sleep(60)"]))
            print("pids", *sup.pids, flush=True)
            code = sup.run_until_stopped(poll_seconds=0.05)
            sup.shutdown()
            sys.exit(code)
            """
        )
        proc = subprocess.Popen(
            [sys.executable, "-c", script],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO,
        )
        assert proc.stdout is not None
        first = proc.stdout.readline()
        pids = [int(p) for p in first.split()[1:]]
        assert len(pids) == 2 and all(_alive(pid) for pid in pids)
        proc.send_signal(signum)
        rest, err = proc.communicate(timeout=15)
        assert proc.returncode == 0, err
        assert "stop requested; shutting down" in rest
        assert [pid for pid in pids if _alive(pid)] == []


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class TestUp:
    def test_up_starts_embedded_servers_migrates_serves_and_stops_without_orphans(
        self, data_root: Path
    ) -> None:
        port = _free_port()
        env = _env_without_servers(ELIGIBILITY_PORT=str(port))
        proc, output = _start_up("eligibility", data_root, env, timeout=60)
        assert "press Ctrl-C to stop" in output, output
        base = rf"http://127\.0\.0\.1:{port}"
        assert re.search(rf"eligibility\s+{base}\s+{base}/docs", output), output
        assert "eligibility-api    |" in output and "eligibility-worker |" in output
        family = [p.pid for p in psutil.Process(proc.pid).children(recursive=True)]
        postmaster = int((data_root / "pg" / "postmaster.pid").read_text().split()[0])
        assert len(family) >= 3  # uvicorn, arq worker, redis-server

        proc.send_signal(signal.SIGINT)
        rest, _ = proc.communicate(timeout=30)
        assert proc.returncode == 0, output + rest
        assert [pid for pid in [*family, postmaster] if _alive(pid)] == []
        assert "stopping embedded PostgreSQL" in rest and "stopping embedded Redis" in rest


    def test_services_started_on_other_ports_find_each_other_there(self, data_root: Path) -> None:
        # Real processes: eligibility calls registration on the port this launch gave it, not on 8001.
        registration, eligibility = _free_port(), _free_port()
        env = _env_without_servers(REGISTRATION_PORT=str(registration), ELIGIBILITY_PORT=str(eligibility))
        for name in ("REGISTRATION_URL", "FOLLOWUP_URL", "ELIGIBILITY_URL", "SUBSIDY_URL"):
            env.pop(name, None)
        proc, output = _start_up("registration,eligibility", data_root, env, timeout=90)
        try:
            assert "press Ctrl-C to stop" in output, output
            ready = httpx.get(f"http://127.0.0.1:{eligibility}/readyz", params={"peers": "registration"},
                              timeout=5, trust_env=False)
            assert ready.status_code == 200, ready.text
            assert ready.json()["peer:registration"] == "ok"
            missing = httpx.get(f"http://127.0.0.1:{eligibility}/readyz", params={"peers": "subsidy"},
                                timeout=5, trust_env=False)
            assert missing.status_code == 503 and "peer:subsidy" in missing.json()["detail"]
        finally:
            proc.send_signal(signal.SIGINT)
            proc.communicate(timeout=30)
        assert proc.returncode == 0


def _start_up(only: str, data_root: Path, env: dict[str, str], *, timeout: float) -> tuple[subprocess.Popen[str], str]:
    """Starts `python -m services up --only ONLY` and returns it with its output up to the ready line."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "services", "up", "--only", only, "--data-dir", str(data_root)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=REPO, env=env,
    )
    assert proc.stdout is not None
    seen: list[str] = []
    deadline = time.monotonic() + timeout
    for line in proc.stdout:
        seen.append(line)
        if "press Ctrl-C to stop" in line or time.monotonic() > deadline:
            break
    return proc, "".join(seen)


def _env_without_servers(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "APP_ENV")}
    env.update(extra)
    return env


class TestMigrate:
    async def test_migrate_on_an_embedded_server_applies_every_service_and_stops_it(
        self, data_root: Path
    ) -> None:
        import asyncio

        from services.embedded import EmbeddedPostgres

        result = await asyncio.to_thread(
            _run_cli, "migrate", "--data-dir", str(data_root), env=_env_without_servers(), timeout=120
        )
        assert result.returncode == 0, result.stdout + result.stderr
        assert "migrations applied" in result.stdout
        assert not (data_root / "pg" / "postmaster.pid").exists()  # the server was stopped again

        server = EmbeddedPostgres(data_root / "pg")
        url = server.start()
        try:
            from sqlalchemy import text
            from sqlalchemy.ext.asyncio import create_async_engine

            engine = create_async_engine(url)
            async with engine.connect() as conn:
                schemas = (
                    await conn.execute(
                        text(
                            "select table_schema from information_schema.tables "
                            "where table_name = 'alembic_version' order by 1"
                        )
                    )
                ).scalars().all()
            await engine.dispose()
        finally:
            server.stop()
        assert schemas == ["eligibility", "followup", "registration", "subsidy"]

    def test_production_refuses_embedded_servers(self, data_root: Path) -> None:
        env = _env_without_servers(APP_ENV="production")
        result = _run_cli("migrate", "--data-dir", str(data_root), env=env)
        assert result.returncode == 1
        assert "DATABASE_URL must be set when APP_ENV=production" in result.stdout
        assert not (data_root / "pg").exists()
