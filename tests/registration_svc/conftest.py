"""Fixtures of the registration tests: `client` runs the real registration app on the test's transaction,
on `clock` (the real clock unless a test class gives a fixed one)."""

from tests.registration_svc.registration_support import client, clock

__all__ = ["client", "clock"]
