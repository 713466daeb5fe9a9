"""Embedded PostgreSQL and Redis: real servers that start, persist across restarts and leave no process."""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest
import redis
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from services.embedded import EmbeddedPostgres, EmbeddedRedis


@pytest.fixture
def data_root() -> Iterator[Path]:
    """A scratch folder outside /tmp/pytest-of-<user>, whose 0700 mode pytest restores whenever a
    session starts: as root, pgserver runs PostgreSQL as its own user, which must traverse the path."""
    root = Path(tempfile.mkdtemp(prefix="jiuye-embedded-test-"))
    yield root
    shutil.rmtree(root, ignore_errors=True)


def _postmaster_pid(data_dir: Path) -> int:
    return int((data_dir / "postmaster.pid").read_text().splitlines()[0])


def _server_family(pid: int) -> list[int]:
    proc = psutil.Process(pid)
    return [pid, *(child.pid for child in proc.children(recursive=True))]


def _gone(pids: list[int], timeout: float = 5.0) -> list[int]:
    """Returns the pids still alive (zombies count as gone) once the timeout has passed."""
    deadline = time.monotonic() + timeout
    while True:
        alive = []
        for pid in pids:
            try:
                if psutil.Process(pid).status() != psutil.STATUS_ZOMBIE:
                    alive.append(pid)
            except psutil.NoSuchProcess:
                pass
        if not alive or time.monotonic() > deadline:
            return alive
        time.sleep(0.05)


def _postgres_processes_for(data_dir: Path) -> list[int]:
    found = []
    for proc in psutil.process_iter(["name", "cmdline"]):
        cmdline = proc.info["cmdline"] or []
        if proc.info["name"] == "postgres" and str(data_dir) in cmdline:
            found.append(proc.pid)
    return found


async def _scalar(url: str, sql: str) -> object:
    engine = create_async_engine(url)
    try:
        async with engine.begin() as conn:
            return (await conn.execute(text(sql))).scalar_one()
    finally:
        await engine.dispose()


class TestEmbeddedPostgresLifecycle:
    async def test_start_connect_stop_restart_keeps_data_and_leaves_no_process(self, data_root: Path) -> None:
        data_dir = data_root / "pg"
        server = EmbeddedPostgres(data_dir)
        url = server.start()
        assert url.startswith("postgresql+asyncpg://postgres@/jiuye?host=")
        assert await _scalar(url, "select 1") == 1
        assert await _scalar(url, "select current_database()") == "jiuye"
        engine = create_async_engine(url)
        async with engine.begin() as conn:
            await conn.execute(text("create table kept (value text)"))
            await conn.execute(text("insert into kept values ('written before restart')"))
        await engine.dispose()
        family = _server_family(_postmaster_pid(data_dir))
        assert len(family) > 1  # postmaster plus its background processes

        server.stop()
        assert _gone(family) == []
        assert _postgres_processes_for(data_dir) == []
        assert not (data_dir / "postmaster.pid").exists()

        again = EmbeddedPostgres(data_dir)
        url_again = again.start()
        try:
            assert await _scalar(url_again, "select value from kept") == "written before restart"
            family = _server_family(_postmaster_pid(data_dir))
        finally:
            again.stop()
        assert _gone(family) == []
        assert _postgres_processes_for(data_dir) == []

    async def test_admin_url_reaches_the_postgres_database_of_the_same_server(self, data_root: Path) -> None:
        server = EmbeddedPostgres(data_root / "pg")
        server.start()
        try:
            assert await _scalar(server.admin_url, "select current_database()") == "postgres"
            jiuye_count = "select count(*) from pg_database where datname = 'jiuye'"
            assert await _scalar(server.admin_url, jiuye_count) == 1
        finally:
            server.stop()

    async def test_a_server_left_by_a_killed_process_is_adopted_and_stopped(self, data_root: Path) -> None:
        data_dir = data_root / "pg"
        # os._exit skips atexit: the server stays up with a dead pid in pgserver's handle list.
        crash = (
            "import os, sys; from pathlib import Path; from services.embedded import EmbeddedPostgres; "
            "EmbeddedPostgres(Path(sys.argv[1])).start(); os._exit(0)"
        )
        await asyncio.to_thread(
            subprocess.run, [sys.executable, "-c", crash, str(data_dir)], check=True, timeout=60
        )
        pid = _postmaster_pid(data_dir)
        assert psutil.pid_exists(pid)
        adopted = EmbeddedPostgres(data_dir)
        url = adopted.start()
        assert _postmaster_pid(data_dir) == pid
        assert await _scalar(url, "select 1") == 1
        adopted.stop()
        assert _gone([pid]) == []
        assert _postgres_processes_for(data_dir) == []


class TestEmbeddedPostgresStopsWhateverHappenedToTheFolder:
    @pytest.mark.skipif(os.geteuid() != 0, reason="only as root does PostgreSQL run as another user")
    async def test_stop_and_restart_work_after_a_parent_folder_was_closed_to_the_server_user(
        self, data_root: Path
    ) -> None:
        data_dir = data_root / "pg"
        server = EmbeddedPostgres(data_dir)
        url = server.start()
        pid = _postmaster_pid(data_dir)
        # What pytest does to /tmp/pytest-of-root when another session starts. PostgreSQL opens some
        # files by absolute path, so the server cannot shut down cleanly any more: it must still
        # stop, and come back (after crash recovery) once the folder is open again.
        os.chmod(data_root, 0o700)
        try:
            server.stop()
            assert _gone([pid]) == []
        finally:
            os.chmod(data_root, 0o755)
        again = EmbeddedPostgres(data_dir)
        assert again.start() == url
        assert await _scalar(url, "select 1") == 1
        again.stop()
        assert not (data_dir / "postmaster.pid").exists()
        assert _postgres_processes_for(data_dir) == []


class TestEmbeddedPostgresLongPath:
    async def test_a_data_dir_too_long_for_a_unix_socket_gets_a_short_socket_dir(
        self, data_root: Path
    ) -> None:
        data_dir = data_root / ("d" * 60) / ("e" * 60) / "pg"
        assert len(str(data_dir / ".s.PGSQL.5432")) > 107
        server = EmbeddedPostgres(data_dir)
        url = server.start()
        try:
            assert server.socket_dir != data_dir
            assert len(str(server.socket_dir / ".s.PGSQL.5432")) <= 107
            assert await _scalar(url, "select 1") == 1
        finally:
            server.stop()
        assert _postgres_processes_for(data_dir) == []


class TestEmbeddedRedisLifecycle:
    def test_set_stop_restart_get_persists_and_leaves_no_process(self, tmp_path: Path) -> None:
        data_dir = tmp_path / "redis"
        server = EmbeddedRedis(data_dir)
        url = server.start()
        assert url.startswith("redis://127.0.0.1:") and url.endswith("/0")
        pid = server.pid
        assert pid is not None
        client = redis.Redis.from_url(url)
        assert client.ping() is True
        assert client.set("jiuye:kept", "written before restart") is True
        client.close()

        server.stop()
        assert _gone([pid]) == []
        assert server.pid is None

        again = EmbeddedRedis(data_dir)
        client = redis.Redis.from_url(again.start())
        pid_again = again.pid
        assert pid_again is not None and pid_again != pid
        try:
            assert client.get("jiuye:kept") == b"written before restart"
        finally:
            client.close()
            again.stop()
        assert _gone([pid_again]) == []

    def test_a_requested_port_is_used(self, tmp_path: Path) -> None:
        probe = EmbeddedRedis(tmp_path / "probe")
        probe.start()
        port = probe.port
        probe.stop()
        assert port is not None
        server = EmbeddedRedis(tmp_path / "redis", port=port)
        try:
            assert server.start() == f"redis://127.0.0.1:{port}/0"
            assert redis.Redis(host="127.0.0.1", port=port).ping() is True
        finally:
            server.stop()

    def test_a_server_left_running_on_the_same_dir_is_replaced_not_duplicated(self, tmp_path: Path) -> None:
        data_dir = tmp_path / "redis"
        orphan = EmbeddedRedis(data_dir)
        client = redis.Redis.from_url(orphan.start())
        client.set("jiuye:kept", "from the orphan")
        client.close()
        orphan_pid = orphan.pid
        assert orphan_pid is not None

        successor = EmbeddedRedis(data_dir)
        client = redis.Redis.from_url(successor.start())
        try:
            assert _gone([orphan_pid]) == []
            assert client.get("jiuye:kept") == b"from the orphan"
        finally:
            client.close()
            successor.stop()
            orphan.stop()
