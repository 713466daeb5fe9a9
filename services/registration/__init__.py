"""Composition root of the registration service."""
