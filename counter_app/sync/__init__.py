"""Sync with the central 311 database: the outbox goes out exactly once, reference data and referral updates
come back. Adapters at the edge: the central database and the background worker."""
