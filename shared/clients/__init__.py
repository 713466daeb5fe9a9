"""Typed HTTP clients of the services, one module per peer (see base.py)."""
