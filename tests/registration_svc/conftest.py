"""Fixtures of the registration tests: `client` runs the real registration app on the test's transaction."""

from tests.registration_svc.registration_support import client

__all__ = ["client"]
