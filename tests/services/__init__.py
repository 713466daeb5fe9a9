"""Tests of the composition roots' tooling: embedded servers and the local launcher."""
