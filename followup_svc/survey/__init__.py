"""Baseline survey and classification of a registered person (摸底调查, 分级分类; FU-CLASSIFY)."""

# Importing a domain loads the service's models package first, which registers every table on one metadata;
# a domain's models.py imported on its own would otherwise find that package half-initialized.
import followup_svc.models  # noqa: F401
