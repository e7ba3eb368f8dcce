"""Referrals to department specialists (311 service requests): the domain lands with its own issue."""
