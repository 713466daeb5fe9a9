"""Working-day calendar API of the subsidy service (T-WORKDAY, T-PERIOD)."""
