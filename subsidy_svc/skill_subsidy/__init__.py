"""Skills-upgrade training subsidy (职业技能提升培训补贴, seed 001 §三): rules, catalogue and preview."""
