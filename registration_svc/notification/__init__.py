"""Notifications to persons (DEREG-NOTIFY): stored, then sent by SMS, WeChat or letter adapters."""
