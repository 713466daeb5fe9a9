"""subsidy_svc package."""
