"""Database.transaction(): one commit at the end, rollback on any error, work registered to run after the commit."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from shared.db import Database, after_commit


class TestAfterCommit:
    async def test_callbacks_run_in_order_once_the_transaction_committed(self, database: Database) -> None:
        ran: list[str] = []

        async def second() -> None:
            ran.append("second")

        async with database.transaction() as session:
            after_commit(session, lambda: ran.append("first"))
            after_commit(session, second)
            await session.execute(text("SELECT 1"))
            assert ran == []
        assert ran == ["first", "second"]

    async def test_callbacks_never_run_when_the_transaction_fails(self, database: Database) -> None:
        ran: list[str] = []
        with pytest.raises(RuntimeError):
            async with database.transaction() as session:
                after_commit(session, lambda: ran.append("swapped"))
                raise RuntimeError("the endpoint failed")
        assert ran == []

    async def test_a_failing_callback_is_logged_and_the_rest_still_run(
        self, database: Database, caplog: pytest.LogCaptureFixture
    ) -> None:
        ran: list[str] = []

        def broken() -> None:
            raise ValueError("callback broke")

        async with database.transaction() as session:
            after_commit(session, broken)
            after_commit(session, lambda: ran.append("after"))
        assert ran == ["after"]
        assert "after-commit callback failed" in caplog.text


def test_in_chunks_slices_every_value_once() -> None:
    from shared.db import in_chunks

    values = list(range(25_001))
    chunks = list(in_chunks(values))
    assert [len(c) for c in chunks] == [10_000, 10_000, 5_001]
    assert [v for c in chunks for v in c] == values
    assert list(in_chunks([])) == []
