"""Data comparison of a registration declaration against reference sources, and home-visit tasks."""
