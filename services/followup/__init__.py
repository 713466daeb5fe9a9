"""Composition root of the followup service."""
