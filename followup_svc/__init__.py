"""followup_svc package."""
