"""The registry of towns and public employment service agencies that admins keep (T-REGION)."""
