"""Composition root of the eligibility service."""
