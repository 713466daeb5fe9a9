"""The monthly follow-up ledger (台账): one entry per registration per month, contacts, closes and the data match."""
