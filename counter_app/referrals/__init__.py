"""Referrals to department specialists, shaped after Open311 GeoReport v2 service requests. Pure domain."""
