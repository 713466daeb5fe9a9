"""Pure rules of delivery: when a failed notification is tried again or given up, and what a log may show."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from registration_svc.notification.masking import scrub
from registration_svc.notification.rules import RetryPolicy, after_failure, retry_delay
from tests.registration_svc.registration_support import id_number

MINUTE = timedelta(minutes=1)
PHONE = "13812345678"


class TestRetryRules:
    def test_delay_doubles_from_the_base_up_to_the_cap(self) -> None:
        policy = RetryPolicy(8, MINUTE, timedelta(minutes=10))
        assert [retry_delay(policy, n) for n in range(1, 7)] == [
            MINUTE, 2 * MINUTE, 4 * MINUTE, 8 * MINUTE, 10 * MINUTE, 10 * MINUTE
        ]
        assert retry_delay(policy, 10_000) == 10 * MINUTE

    def test_retries_until_the_last_attempt_then_gives_up(self) -> None:
        policy = RetryPolicy(3, MINUTE, timedelta(hours=1))
        now = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
        first, second, third = (after_failure(policy, n, now, permanent=False) for n in (1, 2, 3))
        assert (first.dead_letter, first.next_attempt_at) == (False, now + MINUTE)
        assert (second.dead_letter, second.next_attempt_at) == (False, now + 2 * MINUTE)
        assert (third.dead_letter, third.next_attempt_at) == (True, None)

    def test_a_permanent_refusal_gives_up_at_once(self) -> None:
        decision = after_failure(RetryPolicy(5, MINUTE, MINUTE), 1, datetime.now(UTC), permanent=True)
        assert decision.dead_letter and decision.next_attempt_at is None

    @pytest.mark.parametrize(("attempts", "base", "cap"), [(0, MINUTE, MINUTE), (3, MINUTE, MINUTE / 2),
                                                          (3, timedelta(0), MINUTE)])
    def test_policy_checks_itself(self, attempts: int, base: timedelta, cap: timedelta) -> None:
        with pytest.raises(ValueError):
            RetryPolicy(attempts, base, cap)


class TestScrub:
    def test_masks_the_phone_identity_numbers_and_other_mobiles(self) -> None:
        number = id_number(datetime(1990, 3, 1).date())
        text = f"rejected {PHONE}; person {number}; also 13900001111 and +86 {PHONE}"
        scrubbed = scrub(text, PHONE)
        assert PHONE not in scrubbed and number not in scrubbed and "13900001111" not in scrubbed
        assert "138****5678" in scrubbed and f"{number[:4]}**********{number[-4:]}" in scrubbed
        assert "139****1111" in scrubbed

    def test_leaves_dates_and_short_numbers(self) -> None:
        assert scrub("HTTP 503 at 2026-11-20, code 40001") == "HTTP 503 at 2026-11-20, code 40001"
