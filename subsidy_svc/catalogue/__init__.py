"""The skill-subsidy catalogue as data: versions by effective date, loaded from xlsx, edited through the API."""
