"""The person: one row per identity number, the facts every other record of a person points to."""
