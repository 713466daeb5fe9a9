"""Startup guaranteed loans granted and their interest-subsidy schedules (001 §五(二), LOAN-RATE)."""
