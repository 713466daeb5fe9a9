"""What the catalogue refuses, by kind (shared.errors maps each kind to its HTTP status)."""

from __future__ import annotations

from shared.auth import Forbidden
from shared.errors import InvalidInput, NotFound


class NotProvinceAdmin(Forbidden):
    """Only an admin of a province (or a system) loads or edits the catalogue."""

    code = "catalogue.province_admin_only"
    title = "Province admin only"


class CatalogueEntryNotFound(NotFound):
    """The version has no entry for that occupation and level."""

    code = "catalogue.entry_not_found"
    title = "Catalogue entry not found"


class InvalidCatalogueEntry(InvalidInput):
    """An entry's code, level or amount is not acceptable."""

    code = "catalogue.invalid_entry"
    title = "Invalid catalogue entry"
