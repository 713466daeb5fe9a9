"""Difficulty certification workflow (DIFF-*): apply, review, public notice, certify, exit, review, screen."""

# The service's Base first: the domain's models register on it (and the models package imports them).
import eligibility_svc.models  # noqa: F401
