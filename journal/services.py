"""Writes that touch several rows, each one keyword-only function inside a transaction."""

from django.db import transaction  # noqa: F401

# --- Treatment and day log ------------------------------------------------------------------


# --- Sharing --------------------------------------------------------------------------------
