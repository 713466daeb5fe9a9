"""Reference data shipped with the project (division codes: scripts/update_divisions.py)."""
