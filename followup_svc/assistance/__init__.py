"""Three-tier assistance of persons with employment difficulty (三级就业帮扶; FU-TIER)."""

# Importing a domain loads the service's models package first, which registers every table on one metadata;
# a domain's models.py imported on its own would otherwise find that package half-initialized.
import followup_svc.models  # noqa: F401
