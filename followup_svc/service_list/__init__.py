"""The policy, service and agency lists of a region (政策清单, 服务清单, 机构清单), versioned."""

# Importing a domain loads the service's models package first, which registers every table on one metadata;
# a domain's models.py imported on its own would otherwise find that package half-initialized.
import followup_svc.models  # noqa: F401
