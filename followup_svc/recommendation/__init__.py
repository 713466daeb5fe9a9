"""Job recommendations (岗位推荐) of published vacancies to a person, their outcomes, and vacancy matching."""

# Importing a domain loads the service's models package first, which registers every table on one metadata.
import followup_svc.models  # noqa: F401
