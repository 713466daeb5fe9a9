"""Tests of the eligibility service."""
