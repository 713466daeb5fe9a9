"""Revisits of an assisted person who found work and of their employer (回访; FU-REVISIT)."""

# Importing a domain loads the service's models package first, which registers every table on one metadata;
# a domain's models.py imported on its own would otherwise find that package half-initialized.
import followup_svc.models  # noqa: F401
