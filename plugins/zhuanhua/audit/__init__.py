"""Auditing the nights: what arrived, what loaded, what is late (the ledger read back as
per-night summaries and completeness)."""
