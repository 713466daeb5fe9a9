"""Composition root of the subsidy service."""
