"""Indexes the person lookup needs on a table another domain owns (first_contact/ writes it, this domain reads it)."""

from __future__ import annotations

from sqlalchemy import Index

from followup_svc.first_contact.models import FirstContactTask

# known_person() finds a person's latest registration by person_id on every request about a person.
ix_first_contact_task_person = Index(
    "ix_first_contact_task_person", FirstContactTask.person_id, FirstContactTask.registered_on
)
