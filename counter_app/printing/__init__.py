"""Printing adapters: turn frozen snapshots (receipts) into documents, with the fonts shipped in resources."""
