"""Skill-subsidy claims (001 §三): filing, living allowance, review, public notice, objections, overdue."""
