"""Test-only helpers shared by several test modules (fault injection for the central database, ...)."""
