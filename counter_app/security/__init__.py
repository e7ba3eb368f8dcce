"""Credentials and protection of sensitive data."""
