"""registration_svc package."""
